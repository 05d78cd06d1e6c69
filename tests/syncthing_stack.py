"""Real Syncthing instances for the sync tests, on loopback only: each has its own `--home`, its
REST API on 127.0.0.1 with a known key, and its sync listener on tcp://127.0.0.1:<free port>.
Discovery (global and local), relays, NAT, usage and crash reporting and upgrades are off in the
config file before the first start, so nothing ever talks beyond this machine; devices and folders
are then set through the REST API (v1.19: /rest/config/devices, /rest/config/folders)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from desktop_stack import wait_for

API_KEY = "deskbreak-test-syncthing-key"
FOLDER_ID = "deskbreak-sync"
START_TIMEOUT = 20.0

# Options under <options> switched off so an instance reaches only its peer on 127.0.0.1.
OPTIONS_OFF = {
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "urAccepted": "-1",
    "autoUpgradeIntervalH": "0",
    "crashReportingEnabled": "false",
    "startBrowser": "false",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def missing_syncthing() -> list[str]:
    return [] if shutil.which("syncthing") else ["syncthing (apt package syncthing)"]


class Syncthing:
    """One instance: `home` holds its config, keys and database; `start` waits until REST answers."""

    def __init__(self, home: Path, name: str) -> None:
        self.home, self.name = home, name
        self.gui_port, self.sync_port = free_port(), free_port()
        self.log = home / "syncthing.log"
        self.proc: subprocess.Popen | None = None
        self.device_id = ""

    @property
    def sync_address(self) -> str:
        return f"tcp://127.0.0.1:{self.sync_port}"

    def _configure_file(self) -> None:
        """Loopback-only options written before the first start, so no discovery or relay
        connection is ever attempted."""
        path = self.home / "config.xml"
        tree = ElementTree.parse(path)
        root = tree.getroot()
        options = root.find("options")
        assert options is not None, "syncthing's generated config has no <options>"
        for child in list(options):
            if child.tag in ("listenAddress", "globalAnnounceServer"):
                options.remove(child)
        ElementTree.SubElement(options, "listenAddress").text = self.sync_address
        for key, value in OPTIONS_OFF.items():
            element = options.find(key)
            if element is None:
                element = ElementTree.SubElement(options, key)
            element.text = value
        gui = root.find("gui")
        assert gui is not None, "syncthing's generated config has no <gui>"
        address, apikey = gui.find("address"), gui.find("apikey")
        assert address is not None and apikey is not None
        address.text, apikey.text = f"127.0.0.1:{self.gui_port}", API_KEY
        gui.set("tls", "false")
        tree.write(path)

    def start(self) -> Syncthing:
        self.home.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["syncthing", "generate", f"--home={self.home}", "--no-default-folder"],
            check=True,
            capture_output=True,
            timeout=30,
        )
        self._configure_file()
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [
                    "syncthing",
                    "serve",
                    f"--home={self.home}",
                    "--no-browser",
                    "--no-restart",
                    "--no-upgrade",
                    "--no-default-folder",
                    "--skip-port-probing",
                    f"--gui-address=http://127.0.0.1:{self.gui_port}",
                    f"--gui-apikey={API_KEY}",
                ],
                env={"PATH": "/usr/bin:/bin", "HOME": str(self.home), "STNOUPGRADE": "1", "STNORESTART": "1"},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        status = wait_for(self._status, f"syncthing {self.name} to answer on its REST API", START_TIMEOUT)
        self.device_id = status["myID"]
        return self

    def _status(self) -> dict | None:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"syncthing {self.name} exited:\n{self.log_tail()}")
        try:
            return self.rest("GET", "/rest/system/status")
        except (urllib.error.URLError, ConnectionError):
            return None

    def rest(self, method: str, path: str, body: object = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui_port}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"X-API-Key": API_KEY, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read()
        return json.loads(text) if text.strip() else {}

    def share(self, folder: Path, peer: Syncthing) -> None:
        """Know `peer` at its loopback address and share `folder` with it under FOLDER_ID."""
        self.rest(
            "PUT",
            f"/rest/config/devices/{peer.device_id}",
            {"deviceID": peer.device_id, "name": peer.name, "addresses": [peer.sync_address]},
        )
        self.rest(
            "PUT",
            f"/rest/config/folders/{FOLDER_ID}",
            {
                "id": FOLDER_ID,
                "label": "deskbreak",
                "path": str(folder),
                "type": "sendreceive",
                "devices": [{"deviceID": self.device_id}, {"deviceID": peer.device_id}],
                "fsWatcherEnabled": True,
                "fsWatcherDelayS": 1,
                "rescanIntervalS": 5,
            },
        )

    def connected_to(self, peer: Syncthing) -> bool:
        connections = self.rest("GET", "/rest/system/connections")["connections"]
        return bool(connections.get(peer.device_id, {}).get("connected"))

    def folder_idle(self) -> bool:
        return self.rest("GET", f"/rest/db/status?folder={FOLDER_ID}").get("state") == "idle"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def connect(one: Syncthing, other: Syncthing, one_folder: Path, other_folder: Path) -> None:
    """Each instance knows the other and shares its folder with it; returns once they are
    connected and both folders are scanned."""
    one.share(one_folder, other)
    other.share(other_folder, one)
    wait_for(lambda: one.connected_to(other) and other.connected_to(one), "the two syncthings to connect", 30)
    wait_for(lambda: one.folder_idle() and other.folder_idle(), "both shared folders to be scanned", 30)
