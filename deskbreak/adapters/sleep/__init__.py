"""The sleep port: a signal when the machine resumes from suspend, where the platform has one.

Linux: logind's `PrepareForSleep(false)` (`logind`). Elsewhere, and where it is missing, the
daemon's heartbeat notices the clock jump instead. Chosen with the ports' one chooser
(adapters/choose.py); only one backend exists, so there is no override variable.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

from ..choose import Choice, first_that_works, load

log = logging.getLogger(__name__)

BACKENDS: Mapping[str, str] = {"logind": "logind:LogindSleepWatcher"}


class SleepWatcher(Protocol):
    """Calls `on_resume` on its own thread after each resume; `stop` ends it."""

    name: str

    def stop(self) -> None: ...


def candidates(platform: str) -> tuple[str, ...]:
    return ("logind",) if platform.startswith("linux") else ()


def pick_sleep_watcher(
    on_resume: Callable[[], None], platform: str = sys.platform, environ: Mapping[str, str] = os.environ
) -> Choice[SleepWatcher | None]:
    """A watcher, or None where no resume signal is available (the heartbeat then catches it)."""

    def build(name: str) -> SleepWatcher:
        watcher: SleepWatcher = load(__package__, BACKENDS[name])(on_resume, environ=environ)
        return watcher

    name, watcher, failures = first_that_works(candidates(platform), build, log)
    if watcher is None and failures:  # no system bus, no jeepney, a refused match rule
        why = "; ".join(map(str, failures))
        log.info("no resume notifications (%s): checking the clock every few minutes", why)
    return Choice("resume", name or "none", watcher, "", failures)


def watch_sleep(on_resume: Callable[[], None], platform: str = sys.platform) -> SleepWatcher | None:
    """The watcher `pick_sleep_watcher` chooses (see there)."""
    return pick_sleep_watcher(on_resume, platform).adapter
