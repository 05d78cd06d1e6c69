"""The tray port's backends, one chosen at start-up: a pystray icon, or none (headless)."""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger("deskbreak")


def has_display(environ=os.environ) -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def choose_tray(on_command, environ=os.environ):
    """The tray: a pystray icon when there is a display (and it works), else headless."""
    from .headless import HeadlessTray

    if environ.get("DESKBREAK_TRAY") == "headless" or not has_display(environ):
        log.info("no display: running headless (prompts go to the terminal and the log)")
        return HeadlessTray()
    try:
        from .icon import PystrayTray
    except ImportError:
        log.info("no tray backend available: running headless")
        return HeadlessTray()
    try:
        return PystrayTray(on_command)
    except Exception as error:  # pystray raises Xlib errors, GLib errors... at start-up
        log.warning("no tray icon (%s): running headless", error)
        return HeadlessTray()
