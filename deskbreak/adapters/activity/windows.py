"""Idle time, lock and fullscreen on Windows (ctypes; imports anywhere, loads user32 when built).

Idle: `GetLastInputInfo` against `GetTickCount`, both 32-bit millisecond counters that wrap every
49.7 days, so the difference is taken modulo 2**32. Fullscreen, presentation mode and the lock
screen: `SHQueryUserNotificationState`, which Windows itself consults before showing a toast.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Mapping
from typing import Any

from .base import ActivitySample, LogOnce

log = logging.getLogger(__name__)

WRAP = 1 << 32
# QUERY_USER_NOTIFICATION_STATE -> (locked, fullscreen, notifications inhibited)
QUNS_NOT_PRESENT, QUNS_BUSY, QUNS_RUNNING_D3D_FULL_SCREEN = 1, 2, 3
QUNS_PRESENTATION_MODE, QUNS_ACCEPTS_NOTIFICATIONS, QUNS_QUIET_TIME, QUNS_APP = 4, 5, 6, 7
STATES = {
    QUNS_NOT_PRESENT: (True, None, True),  # screen saver, lock screen or another user's session
    QUNS_BUSY: (False, True, True),  # a fullscreen application
    QUNS_RUNNING_D3D_FULL_SCREEN: (False, True, True),
    QUNS_PRESENTATION_MODE: (False, True, True),
    QUNS_ACCEPTS_NOTIFICATIONS: (False, False, False),
    QUNS_QUIET_TIME: (False, False, True),  # the first hour after a new user signs in
    QUNS_APP: (False, True, True),  # a fullscreen Store app
}


class LASTINPUTINFO(ctypes.Structure):
    _fields_ = [("cbSize", ctypes.c_uint32), ("dwTime", ctypes.c_uint32)]


class WindowsIdleProbe:
    name = "windows"

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        user32: Any = None,
        kernel32: Any = None,
        shell32: Any = None,
    ) -> None:
        if user32 is None:
            dll = ctypes.WinDLL  # type: ignore[attr-defined]  # AttributeError off Windows
            user32, kernel32, shell32 = dll("user32"), dll("kernel32"), dll("shell32")
            kernel32.GetTickCount.restype = ctypes.c_uint32
            shell32.SHQueryUserNotificationState.restype = ctypes.c_long
        self._user32, self._kernel32, self._shell32 = user32, kernel32, shell32
        self._log = LogOnce(log)

    def idle_seconds(self) -> float | None:
        info = LASTINPUTINFO(ctypes.sizeof(LASTINPUTINFO), 0)
        if not self._user32.GetLastInputInfo(ctypes.pointer(info)):
            self._log("input", "GetLastInputInfo failed")
            return None
        now = int(self._kernel32.GetTickCount()) % WRAP
        return ((now - int(info.dwTime)) % WRAP) / 1000.0

    def notification_state(self) -> tuple[bool | None, bool | None, bool | None]:
        if self._shell32 is None:
            return (None, None, None)
        state = ctypes.c_int(0)
        if self._shell32.SHQueryUserNotificationState(ctypes.pointer(state)) != 0:  # HRESULT S_OK
            self._log("quns", "SHQueryUserNotificationState failed")
            return (None, None, None)
        return STATES.get(state.value, (None, None, None))

    def sample(self) -> ActivitySample:
        try:
            idle, (locked, fullscreen, inhibited) = self.idle_seconds(), self.notification_state()
        except Exception as exc:
            self._log("sample", "Windows idle probe failed: %r", exc)
            return ActivitySample(None, None, None, None)
        return ActivitySample(idle, locked, fullscreen, inhibited)

    def close(self) -> None:
        pass
