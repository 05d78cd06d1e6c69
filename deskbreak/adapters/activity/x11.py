"""Idle time and fullscreen focus on X11 (python-xlib); lock and do-not-disturb over D-Bus if present.

Idle: the MIT-SCREEN-SAVER extension's `idle` (ms since the last input the X server saw). Fullscreen:
the EWMH `_NET_ACTIVE_WINDOW` on the root, then whether its `_NET_WM_STATE` holds
`_NET_WM_STATE_FULLSCREEN` (None without an EWMH window manager). One display connection, kept open.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from Xlib import X, Xatom
from Xlib import display as xdisplay
from Xlib import error as xerror

from .base import ActivitySample, LogOnce

if TYPE_CHECKING:
    from .dbus import DesktopBus

log = logging.getLogger(__name__)

AUTO: object = object()


class XorgIdleProbe:
    name = "x11"

    def __init__(
        self, environ: Mapping[str, str] = os.environ, bus: DesktopBus | object | None = AUTO
    ) -> None:
        """`bus`: a DesktopBus for lock and do-not-disturb state; AUTO connects; None does without."""
        self._display = xdisplay.Display(environ.get("DISPLAY"))
        try:
            if not self._display.has_extension("MIT-SCREEN-SAVER"):
                raise OSError(f"X server {self._display.get_display_name()} lacks MIT-SCREEN-SAVER")
            self._root = self._display.screen().root
            self._root.screensaver_query_info()  # fails here, not on every sample
            atom = self._display.intern_atom
            self._supported, self._active, self._state, self._fullscreen = (
                atom("_NET_SUPPORTED"),
                atom("_NET_ACTIVE_WINDOW"),
                atom("_NET_WM_STATE"),
                atom("_NET_WM_STATE_FULLSCREEN"),
            )
        except Exception:
            self._display.close()
            raise
        self._bus: DesktopBus | None = (
            _desktop_bus(environ) if bus is AUTO else cast("DesktopBus | None", bus)
        )
        self._lock = threading.Lock()
        self._log = LogOnce(log)

    def idle_seconds(self) -> float:
        return float(self._root.screensaver_query_info().idle) / 1000.0

    def fullscreen(self) -> bool | None:
        active = self._root.get_full_property(self._active, X.AnyPropertyType)
        if active is None or not len(active.value):
            # Openbox sets it only once a window has had the focus; without EWMH we cannot tell.
            supported = self._root.get_full_property(self._supported, Xatom.ATOM)
            return False if supported is not None and self._active in supported.value else None
        if not active.value[0]:
            return False  # nothing focused
        window = self._display.create_resource_object("window", active.value[0])
        try:
            state = window.get_full_property(self._state, Xatom.ATOM)
        except (xerror.BadWindow, xerror.BadDrawable):
            return False  # the window closed between the two requests
        return state is not None and self._fullscreen in state.value

    def sample(self) -> ActivitySample:
        idle: float | None
        fullscreen: bool | None
        with self._lock:
            try:
                idle, fullscreen = self.idle_seconds(), self.fullscreen()
            except Exception as exc:  # connection closed, X server gone
                self._log("x", "X11 idle probe failed: %r", exc)
                idle = fullscreen = None
        locked = inhibited = None
        if self._bus is not None:
            locked, inhibited = self._bus.locked(), self._bus.notifications_inhibited()
        return ActivitySample(idle, locked, fullscreen, inhibited)

    def close(self) -> None:
        with self._lock:
            try:
                self._display.close()
            except Exception as exc:  # the X server is already gone
                log.debug("closing the X display: %r", exc)
        if self._bus is not None:
            self._bus.close()


def _desktop_bus(environ: Mapping[str, str]) -> DesktopBus | None:
    """The session bus for lock and do-not-disturb state, or None (then those fields stay None)."""
    try:
        from .dbus import DesktopBus

        return DesktopBus(environ)
    except Exception as exc:
        log.info("no session D-Bus for lock and do-not-disturb state: %r", exc)
        return None
