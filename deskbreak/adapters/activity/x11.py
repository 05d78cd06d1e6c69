"""Idle time and fullscreen focus on X11 (over the X socket: x11_wire); lock and do-not-disturb
over D-Bus if present.

Idle: the MIT-SCREEN-SAVER extension's ScreenSaverQueryInfo (ms since the last input the X server
saw). Fullscreen: the EWMH `_NET_ACTIVE_WINDOW` on the root, then whether its `_NET_WM_STATE` holds
`_NET_WM_STATE_FULLSCREEN` (None without an EWMH window manager). One display connection, kept open.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from . import x11_wire as wire
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
        self._x = wire.XConnection(environ)
        try:
            major = wire.extension_opcode(self._x.roundtrip(wire.query_extension("MIT-SCREEN-SAVER")))
            if major is None:
                raise OSError(f"X server {self._x.display} lacks MIT-SCREEN-SAVER")
            self._screen_saver = major
            self.idle_seconds()  # fails here, not on every sample
            self._supported, self._active, self._state, self._fullscreen = (
                wire.atom(self._x.roundtrip(wire.intern_atom(name)))
                for name in (
                    "_NET_SUPPORTED",
                    "_NET_ACTIVE_WINDOW",
                    "_NET_WM_STATE",
                    "_NET_WM_STATE_FULLSCREEN",
                )
            )
        except Exception:
            self._x.close()
            raise
        self._bus: DesktopBus | None = (
            _desktop_bus(environ) if bus is AUTO else cast("DesktopBus | None", bus)
        )
        self._lock = threading.Lock()
        self._log = LogOnce(log)

    def idle_seconds(self) -> float:
        reply = self._x.roundtrip(wire.screen_saver_query_info(self._screen_saver, self._x.root))
        return float(wire.idle_milliseconds(reply)) / 1000.0

    def fullscreen(self) -> bool | None:
        root = self._x.root
        active = self._property(root, self._active, wire.ANY_PROPERTY_TYPE)
        if not active:
            # Openbox sets it only once a window has had the focus; without EWMH we cannot tell.
            supported = self._property(root, self._supported, wire.ATOM)
            return False if supported is not None and self._active in supported else None
        if not active[0]:
            return False  # nothing focused
        try:
            state = self._property(active[0], self._state, wire.ATOM)
        except wire.XRequestError as exc:
            if exc.code in (wire.BAD_WINDOW, wire.BAD_DRAWABLE):
                return False  # the window closed between the two requests
            raise
        return state is not None and self._fullscreen in state

    def _property(self, window: int, name: int, kind: int) -> tuple[int, ...] | None:
        """The property's values, None when the window does not have it."""
        return wire.property_values(self._x.roundtrip(wire.get_property(window, name, kind)))

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
                self._x.close()
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
