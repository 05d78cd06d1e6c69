"""The last fallback: logind's idle hint for our session (org.freedesktop.login1 on the system bus).

`IdleHint` is set by the session (gnome-session, KDE's power management, swayidle or xss-lock with
hints), not by logind itself, so a session that never sets it always reads "not idle". While idle,
`IdleSinceHintMonotonic` (µs, CLOCK_MONOTONIC) dates it exactly; `LockedHint` is the lock state.
The system bus address comes from DBUS_SYSTEM_BUS_ADDRESS (adapters/dbus.py), so tests can bring
their own logind.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..dbus import open_system_bus
from .base import UNKNOWN, ActivitySample, LogOnce

log = logging.getLogger(__name__)

LOGIN1 = "org.freedesktop.login1"
SESSION_IFACE = "org.freedesktop.login1.Session"
AUTO_SESSION = "/org/freedesktop/login1/session/auto"  # the caller's own session
TIMEOUT = 0.2


class LogindIdleProbe:
    name = "logind"

    def __init__(
        self, environ: Mapping[str, str] = os.environ, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        from jeepney import DBusAddress

        self._clock = clock
        self._log = LogOnce(log)
        self._conn = open_system_bus(environ, auth_timeout=1.0)  # raises when there is no system bus
        self._session = DBusAddress(AUTO_SESSION, LOGIN1, SESSION_IFACE)
        try:
            self._props()  # raises when logind or our session is missing
        except BaseException:
            self._conn.close()
            raise

    def _props(self) -> dict[str, Any]:
        from jeepney import MessageFlag, Properties
        from jeepney.wrappers import unwrap_msg

        msg = Properties(self._session).get_all()
        msg.header.flags |= MessageFlag.no_auto_start
        return {k: v for k, (_sig, v) in unwrap_msg(self._conn.call(msg, timeout=TIMEOUT))[0].items()}

    def sample(self) -> ActivitySample:
        try:
            props = self._props()
        except Exception as exc:
            self._log("sample", "logind idle hint unreadable: %r", exc)
            return UNKNOWN
        locked = props.get("LockedHint")
        if not props.get("IdleHint"):
            return ActivitySample(0.0, locked, None, None)
        since_us = props.get("IdleSinceHintMonotonic") or 0
        idle = max(0.0, self._clock() - since_us / 1e6) if since_us else None
        return ActivitySample(idle, locked, None, None)

    def close(self) -> None:
        self._conn.close()
