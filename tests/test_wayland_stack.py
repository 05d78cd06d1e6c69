"""The Wayland test stack itself works: sway answers, waybar is the SNI watcher, mako shows and answers
notifications, restarts wait for the names, grim takes a picture."""

from __future__ import annotations

import pytest
from desktop_stack import wait_for
from wayland_stack import NOTIFICATIONS, WATCHER

pytestmark = pytest.mark.desktop


def _notify_with_actions(bus_address: str) -> int:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    target = DBusAddress("/org/freedesktop/Notifications", NOTIFICATIONS, NOTIFICATIONS)
    call = new_method_call(
        target,
        "Notify",
        "susssasa{sv}i",
        ("stack-test", 0, "", "Stand up", "stretch", ["yes", "Yes", "no", "No"], {}, 0),
    )
    with open_dbus_connection(bus_address) as conn:
        return conn.send_and_get_reply(call, timeout=5).body[0]


def test_sway_waybar_and_mako_are_up(wayland):
    assert '"HEADLESS-1"' in wayland.swaymsg("-t", "get_outputs", "-r")
    assert wayland.bus_name_owner(WATCHER)
    assert wayland.bus_name_owner(NOTIFICATIONS)


def test_mako_lists_actions_and_makoctl_dismisses(wayland):
    nid = _notify_with_actions(wayland.bus_address)
    shown = wait_for(lambda: [n for n in wayland.mako_list() if n["id"] == nid], "mako to list it")
    assert shown[0]["actions"] == {"yes": "Yes", "no": "No"}
    wayland.makoctl("dismiss", "-n", str(nid))
    wait_for(lambda: all(n["id"] != nid for n in wayland.mako_list()), "the dismissal")


def test_restarts_give_the_names_back(wayland):
    before = wayland.bus_name_owner(WATCHER)
    wayland.restart_waybar()
    assert wayland.bus_name_owner(WATCHER) not in (None, before)
    before = wayland.bus_name_owner(NOTIFICATIONS)
    wayland.restart_mako()
    assert wayland.bus_name_owner(NOTIFICATIONS) not in (None, before)


def test_screenshot_is_a_png(wayland, tmp_path):
    shot = wayland.screenshot(tmp_path / "shot.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
