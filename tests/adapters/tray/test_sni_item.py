"""The StatusNotifierItem tray in this process, on xfce4-panel's watcher: what a host can ask
(Introspect, Properties, SecondaryActivate, ContextMenu), what it is told (NewStatus, NewToolTip,
NewTitle), a clean stop, and the fallback when no watcher owns its name."""

from __future__ import annotations

import contextlib
import logging
import threading
import xml.etree.ElementTree as ET

import pytest
from desktop_stack import wait_for
from sni_client import ITEM, SniClient

from deskbreak.adapters.tray import choose_tray
from deskbreak.adapters.tray.sni import NoWatcher, SniTray
from deskbreak.ports import TrayView

pytestmark = pytest.mark.desktop

DUE = TrayView("due", 1.0, "Stretch due · Seated twist", "Today: 2 done", (5, 10), False, True, True, False)
PAUSED = TrayView("paused", 0.0, "Paused until 15:00", "Today: 2 done", (5, 10), True, False, False, True)


@pytest.fixture
def tray(xfce):
    xfce.ensure_host()
    commands: list = []
    tray = SniTray(lambda name, arg: commands.append((name, arg)), address=xfce.bus_address)
    ready = threading.Event()
    loop = threading.Thread(target=tray.run, args=(ready.set,), daemon=True)
    loop.start()
    assert ready.wait(10)
    wait_for(lambda: any(tray.bus_name in s for s in xfce.watcher_items()), "the item to register")
    tray.commands, tray.loop = commands, loop
    yield tray
    tray.stop()
    loop.join(10)


def test_introspection_and_properties(xfce, tray):
    client = SniClient(xfce.bus_address, tray.bus_name)
    try:
        root = ET.fromstring(client.call("/", "org.freedesktop.DBus.Introspectable", "Introspect")[0])
        assert {n.get("name") for n in root.findall("node")} == {"StatusNotifierItem", "MenuBar"}
        item = ET.fromstring(
            client.call("/StatusNotifierItem", "org.freedesktop.DBus.Introspectable", "Introspect")[0]
        )
        interfaces = {i.get("name") for i in item.findall("interface")}
        assert {ITEM, "org.freedesktop.DBus.Properties"} <= interfaces
        names = {p.get("name") for i in item.findall("interface") for p in i.findall("property")}
        assert set(client.props()) == names  # GetAll gives exactly what introspection promises
        assert client.call(
            "/StatusNotifierItem", "org.freedesktop.DBus.Properties", "Get", "ss", (ITEM, "Menu")
        )[0] == ("o", "/MenuBar")
        menu = client.call(
            "/MenuBar", "org.freedesktop.DBus.Properties", "GetAll", "s", ("com.canonical.dbusmenu",)
        )
        assert menu[0]["Version"] == ("u", 3)
        with pytest.raises(RuntimeError, match="PropertyReadOnly"):
            client.call(
                "/StatusNotifierItem",
                "org.freedesktop.DBus.Properties",
                "Set",
                "ssv",
                (ITEM, "Id", ("s", "x")),
            )
    finally:
        client.close()


def test_state_changes_are_signalled_and_clicks_run_the_default(xfce, tray):
    client = SniClient(xfce.bus_address, tray.bus_name)
    try:
        tray.update(DUE)
        assert client.wait_signal("NewStatus").body == ("NeedsAttention",)
        client.wait_signal("NewToolTip")
        client.wait_signal("NewTitle")
        tooltip = client.props()["ToolTip"][1]
        assert tooltip[2:] == ("Stretch due · Seated twist", "Today: 2 done")
        client.call("/StatusNotifierItem", ITEM, "ContextMenu", "ii", (10, 10))  # the host draws the menu
        client.activate(secondary=True)
        wait_for(lambda: tray.commands, "a command")
        assert tray.commands == [("show", None)]  # due: the default action shows the stretch
        tray.update(PAUSED)
        assert client.wait_signal("NewStatus").body == ("Active",)
        client.activate()
        wait_for(lambda: len(tray.commands) == 2, "a second command")
        assert tray.commands[1] == ("resume", None)
    finally:
        client.close()


def test_stop_releases_the_name(xfce, tray):
    tray.stop()
    tray.loop.join(10)
    assert not tray.loop.is_alive()
    assert xfce.bus_name_owner(tray.bus_name) is None
    wait_for(
        lambda: all(tray.bus_name not in s for s in xfce.watcher_items()), "the item to leave the watcher"
    )


def test_no_watcher_means_another_tray(desktop):
    with pytest.raises(NoWatcher):
        SniTray(lambda name, arg: None, address=desktop.bus_address)  # trayer: XEmbed only, no watcher
    env = {"DBUS_SESSION_BUS_ADDRESS": desktop.bus_address, "DESKBREAK_TRAY": "sni"}
    assert choose_tray(lambda name, arg: None, env).name == "headless"  # forced, but nothing to show it


def test_doctor_names_the_host(xfce):
    from deskbreak.cli.doctor_session import Session, check_tray, predict

    xfce.ensure_host()
    check = check_tray(Session("predicted", predict({"DBUS_SESSION_BUS_ADDRESS": xfce.bus_address})))
    assert check.ok and "StatusNotifierItem host" in check.detail


class Watcher:
    """The smallest StatusNotifierWatcher (served by the tray's own BusServer): enough to register."""

    interface = "org.kde.StatusNotifierWatcher"

    def __init__(self) -> None:
        self.items: list[str] = []

    def properties(self):
        return {
            "RegisteredStatusNotifierItems": ("as", self.items),
            "IsStatusNotifierHostRegistered": ("b", True),
        }

    def call(self, member, body):
        self.items.append(body[0])
        return "", ()


def test_losing_the_bus_leaves_the_daemon_running(desktop, tmp_path, caplog):
    from jeepney import DBus

    from deskbreak.adapters.tray.bus import BusServer

    caplog.set_level(logging.INFO)
    address = desktop.start_bus("sni-bus", tmp_path / "bus")
    watcher, server = Watcher(), BusServer(address)
    server.export("/StatusNotifierWatcher", watcher, "")
    server.call_and_wait(DBus().RequestName("org.kde.StatusNotifierWatcher", 4))

    def serve() -> None:
        with contextlib.suppress(ConnectionError):  # the bus is killed below
            server.serve()

    threading.Thread(target=serve, daemon=True).start()
    tray = SniTray(lambda name, arg: None, address=address)
    ready, returned = threading.Event(), threading.Event()
    loop = threading.Thread(target=lambda: (tray.run(ready.set), returned.set()), daemon=True)
    loop.start()
    assert ready.wait(10)
    wait_for(lambda: watcher.items == [tray.bus_name], "the item to register")
    desktop.stop_process("sni-bus")  # the session bus dies under the tray
    wait_for(lambda: "tray icon gone" in caplog.text, "the loss to be logged")
    assert not returned.is_set()  # run() goes on: the daemon does not stop with its icon
    tray.update(DUE)  # and updates are harmless
    tray.stop()
    assert returned.wait(10)
