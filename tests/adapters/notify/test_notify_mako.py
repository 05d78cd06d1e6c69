"""FreedesktopNotifier against real mako (1.7.1 answers GetCapabilities twice) on headless sway, and
against real xfce4-notifyd under Xvfb: prompts keep their buttons, and the buttons answer."""

from __future__ import annotations

import subprocess

import pytest
from desktop_stack import wait_for

from deskbreak.adapters.notify import choose_notifier
from deskbreak.adapters.notify.freedesktop import FreedesktopNotifier
from deskbreak.adapters.notify.server import server_info
from deskbreak.ports import DISMISSED, DONE, SNOOZE, Prompt

pytestmark = pytest.mark.desktop

PROMPT = Prompt("seated-twist", "Seated spinal twist", "Sit tall & turn <slowly>.", 7)
BUTTONS = {"default": "Show stretch", "done": "Done", "snooze": "Snooze 7 min", "skip": "Skip"}


class Calls(list):
    def __call__(self, action, arg):
        self.append((action, arg))


@pytest.fixture
def mako_notifier(wayland):
    wayland.makoctl("dismiss", "--all")
    calls = Calls()
    n = FreedesktopNotifier(calls, bus_address=wayland.bus_address, timeout=1.0)
    n.calls = calls
    yield n
    n.close()


def shown(wayland, nid: int) -> dict:
    return wait_for(
        lambda: next((x for x in wayland.mako_list() if x["id"] == nid), None), f"mako to list {nid}"
    )


def test_mako_shows_the_buttons_and_makoctl_invoke_answers(wayland, mako_notifier):
    mako_notifier.connect()
    assert mako_notifier.has_actions
    mako_notifier.show(PROMPT)
    note = shown(wayland, mako_notifier.shown_id)
    assert note["actions"] == BUTTONS
    assert note["summary"] == PROMPT.title
    wayland.makoctl("invoke", "-n", str(note["id"]), "snooze")
    wait_for(lambda: mako_notifier.calls, "Snooze to reach the handler")
    assert mako_notifier.calls == [(SNOOZE, 7)]


def test_mako_dismiss_is_a_dismissal_and_twenty_prompts_in_a_row_keep_buttons(wayland, mako_notifier):
    for _ in range(20):
        mako_notifier.show(PROMPT)  # replaces the previous one
        assert mako_notifier.has_actions
    assert mako_notifier._conn.dropped >= 20  # mako's second answers
    note = shown(wayland, mako_notifier.shown_id)
    assert note["actions"] == BUTTONS
    wayland.makoctl("dismiss", "-n", str(note["id"]))
    wait_for(lambda: mako_notifier.calls, "the dismissal")
    assert mako_notifier.calls == [(DISMISSED, None)]


def test_mako_restart_then_the_next_prompt_works(wayland, mako_notifier):
    mako_notifier.show(PROMPT)
    wayland.restart_mako()
    wait_for(lambda: mako_notifier.shown_id is None, "the notifier to notice mako left")
    mako_notifier.show(PROMPT)
    note = shown(wayland, mako_notifier.shown_id)
    wayland.makoctl("invoke", "-n", str(note["id"]), "done")
    wait_for(lambda: mako_notifier.calls, "Done after the restart")
    assert mako_notifier.calls == [(DONE, None)]


def test_choose_notifier_and_server_info_on_mako(wayland):
    info = server_info(wayland.bus_address)
    assert info.name == "mako" and info.has_actions
    chain = choose_notifier(
        lambda a, b: None, environ={"DBUS_SESSION_BUS_ADDRESS": wayland.bus_address}, platform="linux"
    )
    try:
        chain.show(PROMPT)
        assert (chain.name, chain.has_actions) == ("freedesktop", True)
    finally:
        chain.close()


# -- xfce4-notifyd (X11): the `xfce4_notifyd` fixture lives in tests/xfce_stack.py -------------------
def notification_window(desktop) -> tuple[int, int, int, int]:
    """x, y, width, height of xfce4-notifyd's notification window."""

    def find():
        done = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--class", "xfce4-notifyd"],
            env=desktop.env,
            capture_output=True,
            text=True,
        )
        return done.stdout.split()

    wid = wait_for(find, "the notification window")[-1]
    geo = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", wid],
        env=desktop.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(line.split("=", 1) for line in geo.split())
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def test_xfce4_notifyd_shows_buttons_and_a_click_on_done_answers(desktop, xfce4_notifyd, tmp_path):
    info = server_info(desktop.bus_address)
    assert info.name == "Xfce Notify Daemon" and info.has_actions
    calls = Calls()
    n = FreedesktopNotifier(calls, bus_address=desktop.bus_address, timeout=1.0)
    try:
        n.show(PROMPT)
        assert n.has_actions
        x, y, w, h = notification_window(desktop)
        desktop.screenshot(tmp_path / "xfce4-notifyd.png")
        # xfce4-notifyd draws every action as a button (the default too), in one row along the
        # bottom: Show stretch, Done, Snooze 7 min, Skip. Done is the second quarter of the row.
        subprocess.run(
            ["xdotool", "mousemove", str(x + 3 * w // 8), str(y + h - 30), "click", "1"],
            env=desktop.env,
            check=True,
        )
        wait_for(lambda: calls, "a click on Done to reach the handler")
        assert calls[0] == (DONE, None)
    finally:
        n.close()
