"""The activity port: one reading of the desktop, the probe interface, and helpers every probe shares."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ActivitySample:
    """One reading of the desktop. None in a field means "this probe cannot tell" (or it failed)."""

    idle_seconds: float | None  # since the last keyboard or pointer input
    locked: bool | None  # screen locked or screen saver active
    fullscreen: bool | None  # the focused window covers the screen (video, slides, game)
    notifications_inhibited: bool | None  # do-not-disturb, presentation mode


UNKNOWN = ActivitySample(None, None, None, None)


class ActivityProbe(Protocol):
    """Reads the user's activity.

    Called from the daemon's worker thread (never the tray loop), a few times a minute. `sample` may
    block up to ~100 ms (a D-Bus round trip or an X request) and never raises: a failure gives None
    fields and is logged once. `close` releases the connection; a closed probe is not used again.
    """

    name: str  # "x11", "gnome", "freedesktop", "wayland", "logind", "windows", "macos", "none", "fake"

    def sample(self) -> ActivitySample: ...

    def close(self) -> None: ...


class NullProbe:
    """Knows nothing: the daemon times by the clock alone. `reason` says why (for `deskbreak doctor`)."""

    name = "none"

    def __init__(self, reason: str = "") -> None:
        self.reason = reason

    def sample(self) -> ActivitySample:
        return UNKNOWN

    def close(self) -> None:
        pass


class LogOnce:
    """Logs each kind of failure once per probe, so a probe polled all day does not flood the log."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger
        self._seen: set[str] = set()

    def __call__(self, key: str, msg: str, *args: object) -> None:
        if key not in self._seen:
            self._seen.add(key)
            self._log.warning(msg, *args)
