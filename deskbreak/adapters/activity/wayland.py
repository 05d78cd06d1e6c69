"""Idle time from a Wayland compositor's idle protocol: `ext-idle-notify-v1` (wlroots 0.16+/sway 1.8+,
KWin 6, others) or `org_kde_kwin_idle` (KWin 5, sway 1.7), through our small wire client.

These protocols do not say how long the user has been idle; they say "idle" once no input came for
a timeout we choose, and "resumed" at the next input. With a short timeout (`QUIET_SECONDS`, the
core's pause-in-typing threshold) that is enough for an exact idle time: while idle, the last input
was `QUIET_SECONDS` before the idle event, so idle = QUIET_SECONDS + (now - idle event); while not
idle, input came within the last QUIET_SECONDS, reported as 0 (typing). A reader thread stamps the
events with the monotonic clock. Lock and do-not-disturb come from the session bus when one answers.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .base import UNKNOWN, ActivitySample, LogOnce
from .wayland_wire import WaylandConnection, WaylandError

if TYPE_CHECKING:
    from .dbus import DesktopBus

log = logging.getLogger(__name__)

QUIET_SECONDS = 2.0  # = core.schedule.SETTLE_QUIET_SECONDS: quieter than this is a pause in typing
SEAT_VERSION = 1  # we read no seat events; version 1 has all we need (the object itself)

# interface -> (request opcode get_*, argument order, notification's idle and resumed event opcodes)
PROTOCOLS = {
    # get_idle_notification(id: new_id, timeout: uint ms, seat: object); events idled=0, resumed=1
    "ext_idle_notifier_v1": (1, "nuo", 0, 1),
    # get_idle_timeout(id: new_id, seat: object, timeout: uint ms); events idle=0, resumed=1
    "org_kde_kwin_idle": (0, "nou", 0, 1),
}


class WaylandIdleProbe:
    name = "wayland"

    def __init__(
        self,
        environ: Mapping[str, str] = os.environ,
        *,
        quiet_seconds: float = QUIET_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        session_bus: bool = True,
    ) -> None:
        if not environ.get("WAYLAND_DISPLAY"):
            raise WaylandError("WAYLAND_DISPLAY is not set: not a Wayland session")
        self._clock = clock
        self._quiet = quiet_seconds
        self._log = LogOnce(log)
        self._lock = threading.Lock()
        self._idle_since: float | None = None  # monotonic time of the idle event, None while active
        self._lost = False
        self._conn = WaylandConnection(environ)
        try:
            self.protocol = next((p for p in PROTOCOLS if p in self._conn.globals), "")
            if not self.protocol:
                raise WaylandError("the compositor offers neither ext_idle_notifier_v1 nor org_kde_kwin_idle")
            if "wl_seat" not in self._conn.globals:
                raise WaylandError("the compositor offers no wl_seat")
            opcode, order, self._idled, self._resumed = PROTOCOLS[self.protocol]
            seat = self._conn.bind("wl_seat", SEAT_VERSION)
            manager = self._conn.bind(self.protocol, 1)
            notification = self._conn.new_id(self._event)
            args = {"n": notification, "o": seat, "u": round(quiet_seconds * 1000)}
            self._conn.request(manager, opcode, order, *(args[k] for k in order))
            self._conn.roundtrip()  # a protocol error about our request surfaces here
        except BaseException:
            self._conn.close()
            raise
        self._bus = _desktop_bus(environ) if session_bus else None
        self._conn.sock.settimeout(None)
        self._reader = threading.Thread(target=self._read, name="deskbreak-wayland-idle", daemon=True)
        self._reader.start()
        log.debug("wayland idle probe: %s, %g s timeout", self.protocol, quiet_seconds)

    def sample(self) -> ActivitySample:
        with self._lock:
            if self._lost:
                return UNKNOWN
            since = self._idle_since
        idle = 0.0 if since is None else self._quiet + max(0.0, self._clock() - since)
        locked = inhibited = None
        if self._bus is not None:
            try:
                locked, inhibited = self._bus.locked(), self._bus.notifications_inhibited()
            except Exception as exc:
                self._log("bus", "wayland idle probe: session bus failed: %r", exc)
        return ActivitySample(idle, locked, None, inhibited)

    def close(self) -> None:
        with self._lock:
            self._lost = True
        self._conn.close()  # wakes the reader with EOF/an error
        if self._bus is not None:
            self._bus.close()

    def _event(self, opcode: int, data: bytes) -> None:
        now = self._clock()
        with self._lock:
            if opcode == self._idled:
                self._idle_since = now
            elif opcode == self._resumed:
                self._idle_since = None

    def _read(self) -> None:
        try:
            while True:
                self._conn.dispatch()
        except Exception as exc:  # the compositor went away (or we closed): no more idle time
            with self._lock:
                closing, self._lost = self._lost, True
            if not closing:
                self._log("lost", "wayland idle probe: connection lost (%s); idle time unknown", exc)


def _desktop_bus(environ: Mapping[str, str]) -> DesktopBus | None:
    """The session-bus helper for lock and do-not-disturb, or None without a session bus."""
    try:
        from .dbus import DesktopBus

        return DesktopBus(environ)
    except Exception as exc:
        log.debug("wayland idle probe: no session bus for lock state: %s", exc)
        return None
