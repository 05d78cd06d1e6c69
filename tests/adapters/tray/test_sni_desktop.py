"""End to end against real StatusNotifierItem hosts: xfce4-panel's systray under Xvfb, and waybar's
tray under headless sway (no DISPLAY at all). The real `deskbreak run` daemon picks the SNI tray by
itself; the test then acts as the host does over D-Bus: the item is registered with the watcher, its
menu holds every action, a menu click and Activate drive the daemon, icon changes arrive as NewIcon
with new pixmap bytes, a panel restart re-registers the item, and Quit unregisters it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from daemon_run import DaemonRun, private_env
from desktop_stack import wait_for
from sni_client import SniClient

pytestmark = pytest.mark.desktop

OUTPUT = Path(__file__).resolve().parents[2] / "output"
ALL_DAY = '["00:00-24:00"]'
CONFIG = """[schedule]
interval_minutes = 60
min_minutes_before_end = 0
snooze_choices = [1, 5, 10]
""" + "".join(f"{day} = {ALL_DAY}\n" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
ACTIONS = [
    "Stretch now",
    "Show stretch…",
    "Done",
    "Snooze",
    "1 min",
    "5 min",
    "10 min",
    "Skip",
    "Pause",
    "30 min",
    "1 h",
    "2 h",
    "Until tomorrow",
    "Until I resume",
    "Resume",
    "Edit schedule…",
    "Reload schedule",
    "Quit",
]


class Host:
    """One SNI host stack, seen the same way: its env, its watcher's items, a restart, a picture."""

    def __init__(self, name: str, stack) -> None:
        self.name, self.stack = name, stack
        self.restart = stack.restart_waybar if name == "waybar" else stack.restart_host
        if name == "xfce4-panel":
            stack.ensure_host()


@pytest.fixture(params=["xfce4-panel", "waybar"])
def host(request) -> Host:
    return Host(request.param, request.getfixturevalue("wayland" if request.param == "waybar" else "xfce"))


class Daemon(DaemonRun):
    def __init__(self, host: Host, home: Path) -> None:
        self.host, self.home = host, home
        (home / "cfg" / "deskbreak").mkdir(parents=True)
        (home / "cfg" / "deskbreak" / "config.toml").write_text(CONFIG)
        super().__init__(
            private_env(host.stack.env, home, {"DESKBREAK_IDLE_PROBE": "none", "DESKBREAK_NOTIFIER": "log"}),
            home / "daemon.log",
        )
        self.start()

    def status(self) -> dict | None:
        done = self.cli("status", "--json", timeout=20)
        return json.loads(done.stdout) if done.returncode == 0 else None

    def wait_state(self, state: str) -> dict:
        return wait_for(
            lambda: (s := self.status()) and s["state"] == state and s, f"the daemon to be {state}"
        )

    def item(self) -> str:
        """The item as the watcher lists it, once registered."""

        def mine():
            assert self.proc.poll() is None, f"the daemon exited:\n{self.log_text()[-3000:]}"
            return [s for s in self.host.stack.watcher_items() if f"StatusNotifierItem-{self.proc.pid}-" in s]

        return wait_for(mine, "the item to be registered with the watcher")[0]

    def stop(self) -> None:
        if not super().stop():
            pytest.fail(f"the daemon ignored SIGTERM:\n{self.log_text()[-6000:]}")


@pytest.fixture
def daemon(host, tmp_path):
    started = Daemon(host, tmp_path)
    yield started
    started.stop()


def test_the_daemon_serves_its_tray_to_the_host(host, daemon):
    service = daemon.item()
    assert "tray: sni (menu: yes)" in daemon.log_text()
    client = SniClient(host.stack.bus_address, service)
    try:
        props = client.props()
        assert {k: props[k][1] for k in ("Category", "Id", "ItemIsMenu", "Status", "IconName")} == {
            "Category": "ApplicationStatus",
            "Id": "deskbreak",
            "ItemIsMenu": False,
            "Status": "Active",
            "IconName": "",
        }
        sizes = [(w, h) for w, h, _ in props["IconPixmap"][1]]
        assert (22, 22) in sizes and all(len(d) == w * h * 4 for w, h, d in props["IconPixmap"][1])
        assert props["ToolTip"][1][2] == props["Title"][1] and props["ToolTip"][1][2]

        items = client.items()
        assert [a for a in ACTIONS if a not in items] == []  # every action of the menu, submenus included
        assert items["Done"][1].get("enabled") is False and "enabled" not in items["Stretch now"][1]
        assert any(label.startswith("Today:") for label in items)
        revision = client.layout()[0]

        # A menu click drives the daemon; the menu and the icon follow the new state.
        client.drop_signals()
        before = props["IconPixmap"][1]
        client.click("Pause")  # a submenu: a click on it is nothing
        client.click("30 min")
        daemon.wait_state("paused")
        assert client.wait_signal("LayoutUpdated").body[0] > revision
        client.wait_signal("NewIcon")
        assert client.props()["IconPixmap"][1] != before
        items = client.items()
        assert "enabled" not in items["Resume"][1] and items["Pause"][1].get("enabled") is False

        # Activate (a left click): the default action of the state, here "resume".
        client.activate()
        daemon.wait_state("working")
        client.click("Stretch now")
        daemon.wait_state("due")
        client.wait_signal("NewStatus")
        assert client.props()["Status"][1] == "NeedsAttention"
        items = client.items()
        assert items["Stretch now"][1].get("enabled") is False and "enabled" not in items["Show stretch…"][1]
        client.click("Skip")
        daemon.wait_state("working")
        picture(host, daemon)

        # The panel restarts: the item registers with the new watcher.
        host.restart()
        wait_for(lambda: service in host.stack.watcher_items(), "the item to register again", 15)
        assert "registering the tray icon again" in daemon.log_text()

        # Quit from the menu: the daemon ends and the item leaves the watcher.
        client.click("Quit")
        daemon.proc.wait(10)
        assert daemon.proc.returncode == 0
        wait_for(lambda: service not in host.stack.watcher_items(), "the item to be unregistered")
    finally:
        client.close()


def picture(host: Host, daemon: Daemon) -> None:
    """A screenshot of the panel with the icon, for a person to look at (output/)."""
    OUTPUT.mkdir(exist_ok=True)
    name = f"sni-{host.name}.png"
    if os.environ.get("DESKBREAK_SCREENSHOTS", "1") == "1":
        host.stack.screenshot(OUTPUT / name)


@pytest.fixture
def xfce_daemon(xfce, tmp_path):
    started = Daemon(Host("xfce4-panel", xfce), tmp_path)
    yield started
    started.stop()


def test_real_clicks_on_the_xfce_panel(xfce, xfce_daemon):
    """The panel draws our dbusmenu itself (libdbusmenu-gtk): a real left click runs the default
    action, a right click opens the menu, and the keyboard picks its first enabled item."""
    daemon = xfce_daemon
    service = daemon.item()
    daemon.wait_state("working")

    def xdotool(*args: str) -> None:
        subprocess.run(["xdotool", *args], env=xfce.env, check=True, timeout=10)

    # The panel (tests/xfce_stack.py) is a 32 px bar along the top with the tray first: the icon
    # sits at its left end.
    wait_for(lambda: service in xfce.watcher_items(), "the item")
    client = SniClient(xfce.bus_address, service)
    try:
        wait_for(lambda: client.items(), "the menu")  # the host has had time to fetch it
    finally:
        client.close()
    import time

    time.sleep(1.0)  # the panel builds its button after fetching the item's properties
    xdotool("mousemove", "12", "16", "click", "1")
    daemon.wait_state("due")  # working: a left click is "Stretch now"
    xdotool("mousemove", "12", "16", "click", "3")
    time.sleep(1.0)
    OUTPUT.mkdir(exist_ok=True)
    xfce.screenshot(OUTPUT / "sni-xfce4-panel-menu.png")
    # due: "Stretch now" is greyed out, the first enabled item is "Show stretch…", the next Done
    xdotool("key", "Down", "Down", "Return")
    daemon.wait_state("working")
