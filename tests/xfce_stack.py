"""An XFCE panel test stack: Xvfb, a private D-Bus session bus, xfconfd and xfce4-panel with only its
systray plugin, which is the org.kde.StatusNotifierWatcher and an SNI host (a pytest plugin).

Registered in tests/conftest.py next to desktop_stack. Tests that use the session-scoped ``xfce``
fixture carry ``@pytest.mark.desktop``. The panel reads its layout from a channel file written in a
temp XDG_CONFIG_HOME (xfconfd serves it), so nothing of the user's XFCE set-up is read or changed.
If a program is missing the fixture skips, unless ``DESKBREAK_REQUIRE_DESKTOP=1`` (CI), then it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from desktop_stack import DesktopStack, session_stack, skip_or_fail, wait_for

WATCHER = "org.kde.StatusNotifierWatcher"
XFCONFD = "/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd"
XFCE4_NOTIFYD = "/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd"
PROGRAMS = {
    "Xvfb": "xvfb",
    "xdpyinfo": "x11-utils",
    "dbus-daemon": "dbus-daemon",
    "xfce4-panel": "xfce4-panel",
    XFCONFD: "xfconf",
    "import": "imagemagick",
}

PANEL = """<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="icon-size" type="uint" value="24"/>
      <property name="size" type="uint" value="32"/>
      <property name="plugin-ids" type="array"><value type="int" value="1"/></property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray"/>
  </property>
</channel>
"""


def missing_programs() -> list[str]:
    return [f"{p} (apt package {pkg})" for p, pkg in PROGRAMS.items() if shutil.which(p) is None]


class XfceStack(DesktopStack):
    """Xvfb + private bus + xfconfd + xfce4-panel (systray only); `env` is for the programs under test."""

    def _start(self) -> XfceStack:
        self._start_xvfb()
        self._start_bus()
        config = self.workdir / "config"
        channel = config / "xfce4" / "xfconf" / "xfce-perchannel-xml"
        channel.mkdir(parents=True, exist_ok=True)
        (channel / "xfce4-panel.xml").write_text(PANEL)
        self.panel_env = {
            **os.environ,
            "DISPLAY": self.display,
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "NO_AT_BRIDGE": "1",
            "XDG_CONFIG_HOME": str(config),
            "HOME": str(self.workdir),
        }
        self.panel_env.pop("WAYLAND_DISPLAY", None)
        self.env = {**os.environ, "DISPLAY": self.display, "DBUS_SESSION_BUS_ADDRESS": self.bus_address}
        self.env.pop("WAYLAND_DISPLAY", None)
        self._spawn("xfconfd", [XFCONFD], env=self.panel_env)
        wait_for(lambda: self._alive("xfconfd") or self.bus_name_owner("org.xfce.Xfconf"), "xfconfd")
        self.start_host()
        return self

    def start_host(self) -> None:
        """Start xfce4-panel (no window manager here, hence --disable-wm-check) and wait for its watcher."""
        self._spawn("panel", ["xfce4-panel", "--disable-wm-check"], env=self.panel_env)
        wait_for(lambda: self._alive("panel") or self.bus_name_owner(WATCHER), "xfce4-panel's SNI watcher")

    def ensure_host(self) -> None:
        """Wait for the watcher: the panel restarts a crashed systray plugin by itself, in about a second."""
        wait_for(lambda: self.bus_name_owner(WATCHER), "xfce4-panel's SNI watcher")

    def stop_host(self) -> None:
        self._stop("panel")
        wait_for(lambda: self.bus_name_owner(WATCHER) is None, "the watcher name to be released")

    def restart_host(self) -> None:
        self.stop_host()
        self.start_host()

    def watcher_items(self) -> list[str]:
        """RegisteredStatusNotifierItems as the watcher (the panel) reports them."""
        from jeepney import DBusAddress, Properties
        from jeepney.io.blocking import open_dbus_connection

        watcher = DBusAddress("/StatusNotifierWatcher", WATCHER, WATCHER)
        with open_dbus_connection(self.bus_address) as conn:
            reply = conn.send_and_get_reply(
                Properties(watcher).get("RegisteredStatusNotifierItems"), timeout=2
            )
        return list(reply.body[0][1])


@pytest.fixture(scope="session")
def xfce(tmp_path_factory: pytest.TempPathFactory):
    """A running xfce4-panel stack for the whole session (see XfceStack)."""
    yield from session_stack(
        XfceStack(tmp_path_factory.mktemp("xfce")), missing_programs(), "xfce4-panel stack"
    )


@pytest.fixture
def xfce4_notifyd(desktop):
    """xfce4-notifyd in place of dunst on the desktop stack (X11), dunst back afterwards."""
    if not shutil.which(XFCE4_NOTIFYD) or not shutil.which("xdotool"):
        skip_or_fail(f"{XFCE4_NOTIFYD} (apt package xfce4-notifyd) and xdotool are needed")
    desktop.kill_dunst()
    proc = subprocess.Popen(
        [XFCE4_NOTIFYD],
        env=desktop.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(
            lambda: proc.poll() is None and desktop.bus_name_owner("org.freedesktop.Notifications"),
            "xfce4-notifyd to own the notification name",
        )
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)
        wait_for(
            lambda: desktop.bus_name_owner("org.freedesktop.Notifications") is None, "the name to be free"
        )
        desktop.start_dunst()
