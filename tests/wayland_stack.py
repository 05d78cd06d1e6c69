"""The Wayland test stack: headless sway, a private D-Bus session bus, waybar and mako (a pytest plugin).

Registered in tests/conftest.py next to desktop_stack. Tests that use the session-scoped ``wayland``
fixture carry ``@pytest.mark.desktop``.

sway refuses to run as root, so the session (sway, waybar, mako, makoctl, grim) runs as an unprivileged
user: the current one, or, when the tests run as root, ``deskbreak-test`` (created here if missing;
.ci/run creates it up front). That user gets its own XDG_RUNTIME_DIR (mode 0700). The bus is started by
the test process and its policy lets every uid connect, so root (the tests, the daemon under test) and
the session user share it. waybar's only module is ``tray``: it is the org.kde.StatusNotifierWatcher and
host. mako is the notification server. The bus has no service directories, so nothing is D-Bus
activated behind the tests' back.

Every wait polls a condition with a deadline. If a program is missing the fixture skips, unless
``DESKBREAK_REQUIRE_DESKTOP=1`` (CI), then it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from desktop_stack import START_TIMEOUT, Processes, _read_line, session_stack, skip_or_fail, wait_for

# program -> Debian package
PROGRAMS = {
    "sway": "sway",
    "swaymsg": "sway",
    "waybar": "waybar",
    "mako": "mako-notifier",
    "makoctl": "mako-notifier",
    "busctl": "systemd",
    "dbus-daemon": "dbus-daemon",
}
TEST_USER = "deskbreak-test"
WATCHER = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS = "org.freedesktop.Notifications"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

SWAY_CONFIG = """output HEADLESS-1 resolution 1280x800 bg #335577 solid_color
seat seat0 hide_cursor 0
"""

WAYBAR_CONFIG = {
    "layer": "top",
    "position": "top",
    "height": 30,
    "modules-left": [],
    "modules-center": [],
    "modules-right": ["tray"],
    "tray": {"icon-size": 22, "spacing": 8},
}

# Notifications stay until dismissed or invoked, so tests can read them with `makoctl list`.
MAKO_CONFIG = """default-timeout=0
max-visible=10
"""


def missing_programs() -> list[str]:
    return [f"{p} (apt package {pkg})" for p, pkg in PROGRAMS.items() if shutil.which(p) is None]


def session_user() -> tuple[int, int, str]:
    """(uid, gid, home) of the user the session runs as; creates deskbreak-test when root needs it."""
    import pwd

    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_uid, me.pw_gid, me.pw_dir
    try:
        entry = pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--create-home", "--shell", "/usr/sbin/nologin", TEST_USER],
            check=True,
            capture_output=True,
            timeout=30,
        )
        entry = pwd.getpwnam(TEST_USER)
    return entry.pw_uid, entry.pw_gid, entry.pw_dir


class WaylandStack(Processes):
    """Private bus + headless sway + waybar + mako. Logs go to `workdir`; the session's files
    (runtime dir, configs, bus socket) sit in a directory of their own that the session user can reach."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.uid, self.gid, self.home = session_user()
        self.root = Path(tempfile.mkdtemp(prefix="deskbreak-wayland-"))
        self.root.chmod(0o755)
        self.runtime_dir = self.root / "run"
        self.bus_address = ""
        self.wayland_socket = ""  # absolute path of sway's Wayland socket
        self.swaysock = ""
        self.user_env: dict[str, str] = {}  # for programs run as the session user
        self.env: dict[str, str] = {}  # for the tests and the daemon under test
        self._procs: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, Path] = {}

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> WaylandStack:
        self.runtime_dir.mkdir(mode=0o700)
        os.chown(self.runtime_dir, self.uid, self.gid)
        self.runtime_dir.chmod(0o700)
        self._start_bus()
        self.user_env = {
            "HOME": self.home,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
            "XDG_SESSION_TYPE": "wayland",
            "XDG_CURRENT_DESKTOP": "sway",
            "NO_AT_BRIDGE": "1",
        }
        self._start_sway()
        self.user_env["WAYLAND_DISPLAY"] = Path(self.wayland_socket).name
        self.user_env["SWAYSOCK"] = self.swaysock
        self.env = {
            **os.environ,
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            # libwayland takes an absolute WAYLAND_DISPLAY as the socket path, so the tests keep
            # their own XDG_RUNTIME_DIR
            "WAYLAND_DISPLAY": self.wayland_socket,
            "SWAYSOCK": self.swaysock,
            "XDG_SESSION_TYPE": "wayland",
            "XDG_CURRENT_DESKTOP": "sway",
        }
        self.env.pop("DISPLAY", None)
        self._start_waybar()
        self._start_mako()
        return self

    def stop(self) -> None:
        for name in reversed(list(self._procs)):
            self._stop(name)
        shutil.rmtree(self.root, ignore_errors=True)

    def _spawn(self, name: str, argv: list[str], as_user: bool = True, **kw) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        self._logs[name] = log
        if as_user:
            kw.setdefault("env", self.user_env)
            kw.setdefault("cwd", self.home)
            kw.update(self._demote())
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True, **kw
            )
        self._procs[name] = proc
        return proc

    def _demote(self) -> dict:
        if os.geteuid() != 0:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def _alive(self, name: str) -> None:
        proc = self._procs.get(name)
        if proc is None or proc.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{self.log_tail(name)}")

    def run_as_user(
        self, argv: list[str], timeout: float = 10.0, check: bool = True, text: bool = True
    ) -> subprocess.CompletedProcess:
        """Run a program in the session, as the session user with its environment."""
        done = subprocess.run(
            argv,
            env=self.user_env,
            cwd=self.home,
            capture_output=True,
            text=text,
            timeout=timeout,
            **self._demote(),
        )
        if check and done.returncode != 0:
            err = done.stderr if text else done.stderr.decode(errors="replace")
            raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {err.strip()}")
        return done

    # -- D-Bus --------------------------------------------------------------------------------
    def _start_bus(self) -> None:
        directory = self.root / "bus"
        directory.mkdir(mode=0o755)
        conf = directory / "bus.conf"
        conf.write_text(BUS_CONFIG.format(socket=directory / "socket"))
        r, w = os.pipe()
        try:
            self._spawn(
                "dbus",
                ["dbus-daemon", f"--config-file={conf}", "--nofork", f"--print-address={w}"],
                as_user=False,
                pass_fds=(w,),
            )
            os.close(w)
            w = -1
            self.bus_address = _read_line(r, START_TIMEOUT, "the address of the private D-Bus")
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)

    def bus_name_owner(self, name: str) -> str | None:
        """The unique name owning `name` on the private bus, or None."""
        from jeepney import DBus, MessageType
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(self.bus_address) as conn:
            reply = conn.send_and_get_reply(DBus().GetNameOwner(name), timeout=2)
            return None if reply.header.message_type == MessageType.error else reply.body[0]

    def _wait_owner(self, proc: str, name: str) -> str:
        return wait_for(lambda: self._alive(proc) or self.bus_name_owner(name), f"{proc} to own {name}")

    def _wait_released(self, name: str) -> None:
        wait_for(lambda: self.bus_name_owner(name) is None, f"{name} to be released")

    # -- sway -----------------------------------------------------------------------------------
    def _start_sway(self) -> None:
        conf = self.root / "sway.conf"
        conf.write_text(SWAY_CONFIG)
        conf.chmod(0o644)
        self._spawn("sway", ["sway", "--config", str(conf)])

        def sockets() -> tuple[str, str] | None:
            self._alive("sway")
            wl = sorted(p for p in self.runtime_dir.glob("wayland-*") if not p.name.endswith(".lock"))
            ipc = sorted(self.runtime_dir.glob("sway-ipc.*.sock"))
            return (str(wl[0]), str(ipc[0])) if wl and ipc else None

        self.wayland_socket, self.swaysock = wait_for(sockets, "sway's Wayland and IPC sockets")
        self.user_env["SWAYSOCK"] = self.swaysock
        wait_for(lambda: self._alive("sway") or self.swaymsg_ok("-t", "get_outputs"), "sway to answer IPC")

    def swaymsg_ok(self, *args: str) -> bool:
        return self.run_as_user(["swaymsg", *args], check=False).returncode == 0

    def swaymsg(self, *args: str) -> str:
        return self.run_as_user(["swaymsg", *args]).stdout

    # -- waybar ---------------------------------------------------------------------------------
    def _start_waybar(self) -> None:
        conf = self.root / "waybar.json"
        conf.write_text(json.dumps(WAYBAR_CONFIG))
        conf.chmod(0o644)
        self._spawn("waybar", ["waybar", "--config", str(conf)])
        self._wait_owner("waybar", WATCHER)

    def start_waybar(self) -> None:
        """Start waybar (after stop_waybar) and wait until it is the StatusNotifierWatcher."""
        self._start_waybar()

    def stop_waybar(self) -> None:
        """Stop waybar and wait until the watcher name is free."""
        self._stop("waybar")
        self._wait_released(WATCHER)

    def restart_waybar(self) -> None:
        self.stop_waybar()
        self._start_waybar()

    def watcher_items(self) -> list[str]:
        """RegisteredStatusNotifierItems as the watcher (waybar) reports them."""
        from jeepney import DBusAddress, Properties
        from jeepney.io.blocking import open_dbus_connection

        watcher = DBusAddress("/StatusNotifierWatcher", WATCHER, WATCHER)
        with open_dbus_connection(self.bus_address) as conn:
            reply = conn.send_and_get_reply(
                Properties(watcher).get("RegisteredStatusNotifierItems"), timeout=2
            )
        return list(reply.body[0][1])

    # -- mako -----------------------------------------------------------------------------------
    def _start_mako(self) -> None:
        conf = self.root / "mako.conf"
        conf.write_text(MAKO_CONFIG)
        conf.chmod(0o644)
        self._spawn("mako", ["mako", "--config", str(conf)])
        self._wait_owner("mako", NOTIFICATIONS)

    def start_mako(self) -> None:
        """Start mako (after kill_mako) and wait until it owns the notification name."""
        self._start_mako()

    def kill_mako(self) -> None:
        """Stop mako and wait until the notification name is free."""
        self._stop("mako")
        self._wait_released(NOTIFICATIONS)

    def restart_mako(self) -> None:
        self.kill_mako()
        self._start_mako()

    def makoctl(self, *args: str, timeout: float = 5.0) -> str:
        return self.run_as_user(["makoctl", *args], timeout=timeout).stdout

    def mako_list(self) -> list[dict]:
        """Shown notifications, newest first, as plain dicts ({"id": 3, "summary": "...",
        "actions": {"done": "Done", ...}, ...})."""
        raw = json.loads(self.makoctl("list"))
        return [{k: v.get("data") for k, v in n.items()} for n in raw["data"][0]]

    # -- pictures -----------------------------------------------------------------------------
    def screenshot(self, path: str | os.PathLike) -> Path:
        """A PNG of the whole headless output (needs grim, apt package grim)."""
        if shutil.which("grim") is None:
            skip_or_fail("screenshot needs grim (apt package grim)")
        png = self.run_as_user(["grim", "-"], timeout=20, text=False).stdout
        Path(path).write_bytes(png)
        return Path(path)


@pytest.fixture(scope="session")
def wayland(tmp_path_factory: pytest.TempPathFactory):
    """A running Wayland stack for the whole session (see WaylandStack)."""
    yield from session_stack(
        WaylandStack(tmp_path_factory.mktemp("wayland")), missing_programs(), "wayland stack"
    )
