"""Today's outcome counts for `status`, the tray's line and the answers: where outcomes go, and how
many of each today, in the zone the daemon uses now (a reload that changes the zone moves the day).

`StoredToday` writes to the history and counts from it, cached until the next record or another day,
so a status bar polling `deskbreak status` every few seconds costs no disk reads. `TallyToday` keeps
this run's outcomes in memory, for a daemon without a history.

Threads: called by the daemon under its lock; `record` and `counts` may also come from other threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from ..core.outcomes import DONE, IGNORED, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome
from ..core.stats import Counts

COUNT_FIELDS = {
    DONE: "done",
    SNOOZED: "snoozed",
    SKIPPED: "skipped",
    IGNORED: "ignored",
    NATURAL_BREAK: "natural_breaks",
}  # the keys of `today` in the status


def counts_dict(counts: Counts | None) -> dict[str, int]:
    """The `today` field of the status: every key, zero when nothing happened."""
    return {name: getattr(counts, name, 0) if counts else 0 for name in COUNT_FIELDS.values()}


class Today(Protocol):
    def record(self, outcome: PromptOutcome, zone: tzinfo) -> None:
        """Keep `outcome`; its local day is the one it was prompted on in `zone`."""

    def counts(self, now: datetime, zone: tzinfo) -> Counts | None:
        """The counts of the local day of `now` in `zone` (None: nothing yet)."""


class StoredToday:
    """Outcomes go to `store` (the history); counts come from `day_counts(first, last)`."""

    def __init__(
        self,
        store: Callable[[PromptOutcome], object],
        day_counts: Callable[[date, date], Sequence[Counts]],
    ) -> None:
        self._store = store
        self._day_counts = day_counts
        self._lock = threading.Lock()
        self._cached: tuple[date, Counts | None] | None = None

    def record(self, outcome: PromptOutcome, zone: tzinfo) -> None:
        with self._lock:
            self._cached = None
        # The stored row's local day is the prompt's own offset: give it the zone in use now.
        self._store(replace(outcome, prompted_at=outcome.prompted_at.astimezone(zone)))

    def counts(self, now: datetime, zone: tzinfo) -> Counts | None:
        day = now.astimezone(zone).date()
        with self._lock:
            if self._cached is not None and self._cached[0] == day:
                return self._cached[1]
        counts = next(iter(self._day_counts(day, day)), None)
        with self._lock:
            self._cached = (day, counts)
        return counts


class TallyToday:
    """This run's outcomes in memory (the last two days of them: a day in any zone is within)."""

    KEEP = timedelta(hours=50)

    def __init__(self, store: Callable[[PromptOutcome], object] = lambda outcome: None) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._kept: list[tuple[datetime, str]] = []

    def record(self, outcome: PromptOutcome, zone: tzinfo) -> None:
        with self._lock:
            self._kept.append((outcome.prompted_at, outcome.outcome))
            newest = max(at for at, _ in self._kept)
            self._kept = [(at, what) for at, what in self._kept if newest - at < self.KEEP]
        self._store(outcome)

    def counts(self, now: datetime, zone: tzinfo) -> Counts | None:
        day = now.astimezone(zone).date()
        tally = dict.fromkeys(COUNT_FIELDS.values(), 0)
        with self._lock:
            for at, what in self._kept:
                name = COUNT_FIELDS.get(what)
                if name and at.astimezone(zone).date() == day:
                    tally[name] += 1
        return Counts(**tally) if any(tally.values()) else None
