"""The menu-less tray's left click when the actions window cannot open: the state's default action
instead (a prompt with buttons), said once in the log; never a silent nothing."""

from __future__ import annotations

import logging
import subprocess

import pytest
from desktop_stack import wait_for


@pytest.fixture
def tray():
    """A PystrayTray without its pystray icon: only the actions-window path runs (no display needed)."""
    import threading

    from deskbreak.adapters.tray.icon import STARTING, PystrayTray

    commands: list[tuple[str, object]] = []
    t = object.__new__(PystrayTray)
    t._lock, t._window, t._said_no_window, t.view = threading.Lock(), None, False, STARTING
    t._on_command = lambda name, arg: commands.append((name, arg))
    t.commands = commands
    return t


def test_no_display_for_the_window_does_the_default_action(tray, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    monkeypatch.delenv("DISPLAY", raising=False)  # Tk would have nowhere to draw
    tray.open_actions_window()
    tray.open_actions_window()
    from deskbreak.adapters.tray.icon import default_command

    # the state's default action (a stretch now: the guided window, which says why it cannot open
    # and stands in as a notification with buttons)
    assert tray.commands == [(default_command(tray.view), None)] * 2
    assert sum("no actions window" in r.message for r in caplog.records) == 1


def test_a_window_that_exits_without_opening_does_the_default_action(tray, monkeypatch, caplog):
    monkeypatch.setenv("DISPLAY", ":99")
    real_popen = subprocess.Popen

    class Unopenable:  # the window process ends at once with EXIT_NO_DISPLAY
        def __init__(self, argv, **kw):
            self.proc = real_popen(["sh", "-c", "exit 4"])

        def poll(self):
            return self.proc.poll()

        def wait(self, timeout=None):
            return self.proc.wait(timeout)

    monkeypatch.setattr("deskbreak.adapters.tray.icon.subprocess.Popen", Unopenable)
    tray.open_actions_window()
    wait_for(lambda: tray.commands, "the fallback after the window gave up")
    assert len(tray.commands) == 1
    assert "Tk could not open a window on this display" in caplog.text
