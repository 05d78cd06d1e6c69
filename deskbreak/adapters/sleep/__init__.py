"""The sleep port: a signal when the machine resumes from suspend, where the platform has one.

Linux: logind's `PrepareForSleep(false)` (`logind`). Elsewhere, and where it is missing, the
daemon's heartbeat notices the clock jump instead.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class SleepWatcher(Protocol):
    """Calls `on_resume` on its own thread after each resume; `stop` ends it."""

    name: str

    def stop(self) -> None: ...


def watch_sleep(on_resume: Callable[[], None], platform: str = sys.platform) -> SleepWatcher | None:
    """A watcher, or None where no resume signal is available (the heartbeat then catches it)."""
    if not platform.startswith("linux"):
        return None
    try:
        from .logind import LogindSleepWatcher

        return LogindSleepWatcher(on_resume)
    except Exception as error:  # no system bus, no jeepney, a refused match rule
        log.info("no resume notifications (%s): checking the clock every few minutes", error)
        return None
