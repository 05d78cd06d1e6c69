"""Bring a window that is already open to the front, with the keyboard focus, by its class (X11).

The guided window runs in a process of its own (Tk class "deskbreak", one at a time); when the user
asks for it (a click on the prompt, "Show stretch…") while it is open already, unfocused
(`prompt.window = "with_prompt"`), the daemon raises it instead of starting another. Tk 8.6 sets no
`_NET_WM_PID`, so the class finds it. A window manager is asked through `_NET_ACTIVE_WINDOW` (what
pagers do), and the window is raised and focused directly as well, for an X server without one.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def windows_of(display: Any, wm_class: str) -> list[Any]:
    """The mapped windows of class `wm_class`, two levels under the root (a window manager's frame
    holds the client)."""
    from Xlib import X

    found: list[Any] = []
    layer = display.screen().root.query_tree().children
    for _depth in range(2):
        below: list[Any] = []
        for window in layer:
            try:
                classes = window.get_wm_class() or ()
                if wm_class in classes and window.get_attributes().map_state == X.IsViewable:
                    found.append(window)
                below.extend(window.query_tree().children)
            except Exception:  # a window that went away while we looked
                continue
        layer = below
    return found


def raise_window(wm_class: str, display_name: str | None = None) -> bool:
    """Raise and focus the windows of class `wm_class`; False when none is found or X is out of reach."""
    try:
        from Xlib import X, display, protocol

        screen = display.Display(display_name)
    except Exception as error:  # no X display here (Wayland without Xwayland, no python-xlib)
        log.debug("cannot raise the window: %s", error)
        return False
    try:
        windows = windows_of(screen, wm_class)
        root = screen.screen().root
        active = screen.intern_atom("_NET_ACTIVE_WINDOW")
        for window in windows:
            event = protocol.event.ClientMessage(
                window=window, client_type=active, data=(32, [2, X.CurrentTime, 0, 0, 0])
            )
            root.send_event(event, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
            window.configure(stack_mode=X.Above)
            window.set_input_focus(X.RevertToParent, X.CurrentTime)
        screen.sync()
        return bool(windows)
    except Exception as error:
        log.debug("cannot raise the window: %s", error)
        return False
    finally:
        screen.close()
