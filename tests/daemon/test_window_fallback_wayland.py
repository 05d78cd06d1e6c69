"""`deskbreak now --window` on Wayland without Xwayland (headless sway, no DISPLAY): the guided window
cannot open, so the prompt reaches mako as a notification with its buttons, offers no click for a
window, and the log says why once (the bubble keeps its lines for the stretch)."""

from __future__ import annotations

import pytest
from daemon_run import running_daemon
from desktop_stack import wait_for

from deskbreak.core import views

pytestmark = pytest.mark.desktop


def test_now_window_without_a_display_falls_back_to_a_notification_with_buttons(wayland, tmp_path):
    wayland.makoctl("dismiss", "--all")
    with running_daemon(wayland.env, tmp_path, {"DESKBREAK_TRAY": "headless"}, unset=("DISPLAY",)) as daemon:
        deskbreak = daemon.cli
        assert deskbreak("now", "--window").returncode == 0
        note = wait_for(
            lambda: next((n for n in wayland.mako_list() if n["app-name"] == "deskbreak"), None),
            "the prompt to reach mako",
        )
        assert {"done", "snooze", "skip"} <= set(note["actions"])
        assert "default" not in note["actions"]  # no click that would only bring the bubble back
        assert "No guided window" not in note["body"]
        assert note["body"].endswith(views.FULL_STEPS_IN_TERMINAL)
        wayland.screenshot(tmp_path / "window-fallback.png")
        wayland.makoctl("invoke", "-n", str(note["id"]), "skip")
        wait_for(lambda: deskbreak("status", "--json").stdout.find('"due"') < 0, "Skip to answer the prompt")
        assert deskbreak("now", "--window").returncode == 0  # a second time: no second explanation
        again = wait_for(
            lambda: next(
                (n for n in wayland.mako_list() if n["app-name"] == "deskbreak" and n["id"] != note["id"]),
                None,
            ),
            "the second prompt",
        )
        assert "No guided window" not in again["body"]
    text = (tmp_path / "state" / "deskbreak" / "deskbreak.log").read_text()  # the terminal keeps quiet
    assert text.count("no guided window") == 1
    assert "guided window starting" not in text
