"""The daemon's clock: wall time, and how far the wall clock was set since it was last read.

The wall clock can be set (by hand, by NTP stepping, by a VM resuming); a clock that does not jump
cannot. Their difference stays put while time passes, so a change of that difference between two
readings is a step of the wall clock, not elapsed time. On Linux the steady clock is
CLOCK_BOOTTIME, which also counts suspend: a resume is then no step (the daemon handles it as a
natural break). Where the only steady clock stops during suspend, a forward change may be a
suspend, so only backward steps are reported there.

`now()` is the daemon's `clock` port; `take_jump()` returns the step seen since the last call
(zero most of the time) and is read right after `now()` under the daemon's lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

JUMP_TOLERANCE = timedelta(seconds=3)  # smaller changes are NTP slewing or reading jitter


def _wall() -> datetime:
    return datetime.now(UTC)


def steady_clock() -> tuple[Callable[[], float], bool]:
    """(seconds that never jump, whether they count suspend)."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        try:
            time.clock_gettime(boottime)
        except OSError:
            pass
        else:
            return (lambda: time.clock_gettime(boottime)), True
    return time.monotonic, False


class JumpClock:
    """Wall time for the daemon, noticing when the wall clock is set (see the module's docstring)."""

    def __init__(
        self,
        wall: Callable[[], datetime] = _wall,
        steady: Callable[[], float] | None = None,
        counts_suspend: bool | None = None,
        tolerance: timedelta = JUMP_TOLERANCE,
    ) -> None:
        default_steady, default_counts = steady_clock()
        self._wall = wall
        self._steady = steady or default_steady
        self._counts_suspend = default_counts if counts_suspend is None else counts_suspend
        self._tolerance = tolerance
        self._lock = threading.Lock()
        self._offset: datetime | None = None  # the wall time when the steady clock read zero, last time
        self._jump = timedelta(0)  # seen, not taken yet

    def now(self) -> datetime:
        with self._lock:
            wall = self._wall()
            offset = wall - timedelta(seconds=self._steady())
            if self._offset is not None:
                change = offset - self._offset
                # Measured between readings, so NTP's slow slewing never adds up to a step.
                if abs(change) > self._tolerance and (change < timedelta(0) or self._counts_suspend):
                    self._jump += change
            self._offset = offset
            return wall

    def take_jump(self) -> timedelta:
        """How far the wall clock was set (negative: back) since the last call; zero if it was not."""
        with self._lock:
            jump, self._jump = self._jump, timedelta(0)
            return jump


def watch_wall_clock(daemon: Any) -> Any:
    """Re-plan as soon as the wall clock is set (`daemon.resumed` on a thread of its own, as after
    a suspend); the watcher's `stop` ends it. For the composition root."""
    from ..adapters.sleep.clock_change import watch_clock_changes

    def on_change() -> None:
        threading.Thread(target=daemon.resumed, name="deskbreak-clock-set", daemon=True).start()

    return watch_clock_changes(on_change)
