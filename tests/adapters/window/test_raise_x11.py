"""Raising an open window by its class, on a real X server (Xvfb of the desktop stack, no window
manager): the window that was covered comes to the front and gets the keyboard focus."""

from __future__ import annotations

import subprocess
import sys

import pytest
from desktop_stack import wait_for

from deskbreak.adapters.window.raise_x11 import raise_window, windows_of

pytestmark = pytest.mark.desktop

# A Tk window that stays until killed, and prints its window id once it is mapped.
TK_WINDOW = """
import sys, tkinter
root = tkinter.Tk(className=sys.argv[1])
root.geometry("300x200+40+40")
root.update()
print(int(root.wm_frame(), 16), flush=True)
root.mainloop()
"""


def tk_window(env: dict[str, str], wm_class: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", TK_WINDOW, wm_class],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # mapped
    return proc


def test_the_covered_window_of_a_class_comes_to_the_front_with_the_focus(desktop):
    pytest.importorskip("tkinter")
    from Xlib import display

    first = tk_window(desktop.env, "deskbreak")
    second = tk_window(desktop.env, "other")  # on top of the first
    screen = display.Display(desktop.env["DISPLAY"])
    try:
        ours, other = (
            wait_for(lambda c=c: windows_of(screen, c), f"the {c} window")[0].id
            for c in ("deskbreak", "other")
        )

        def on_top() -> int:
            stacking = [w.id for w in screen.screen().root.query_tree().children]
            return max((ours, other), key=stacking.index)

        assert on_top() == other
        assert raise_window("deskbreak", desktop.env["DISPLAY"])
        wait_for(lambda: on_top() == ours, "the deskbreak window on top")
        assert screen.get_input_focus().focus.id == ours
        assert not raise_window("no-such-class", desktop.env["DISPLAY"])
    finally:
        screen.close()
        for proc in (first, second):
            proc.kill()
            proc.wait(5)
