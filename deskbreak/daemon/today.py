"""Today's outcome counts for `status`, the tray's line and the answers: where outcomes go, and how
many of each today, in the zone the daemon uses now (a reload that changes the zone moves the day).

`RecordedToday` is the daemon's: outcomes go to the recorder (store/recorder.py), which keeps
every answer (journalled at once, written to the history by a thread of its own) and counts today in
memory, so neither an answer nor `status` ever waits on the disk or fails with it. `StoredToday`
writes to a history directly and counts from it, cached until the next record or another day.
`TallyToday` keeps this run's outcomes in memory, for a daemon without a history.

Threads: called by the daemon under its lock; `record` and `counts` may also come from other threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from ..core.outcomes import DONE, IGNORED, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome
from ..core.stats import Counts, DayCounts
from ..store.recorder import Receipt

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
    def record(self, outcome: PromptOutcome, zone: tzinfo) -> str | None:
        """Keep `outcome`; its local day is the one it was prompted on in `zone`. Returns why it
        is not saved yet (one line: it is kept and saved later), or None."""

    def counts(self, now: datetime, zone: tzinfo) -> Counts | None:
        """The counts of the local day of `now` in `zone` (None: nothing yet)."""

    def problem(self) -> str | None:
        """What is wrong with the history and the fix (one line), or None."""

    def waiting(self) -> int:
        """Answers kept but not in the history yet."""


class Recorder(Protocol):
    """What `RecordedToday` uses of store/recorder.py's Recorder."""

    def record(self, outcome: PromptOutcome, zone: tzinfo | None = None, settle: float = 0.0) -> Receipt: ...

    def today_counts(self, now: datetime, zone: tzinfo | None = None) -> DayCounts: ...

    def problem(self) -> str | None: ...

    def waiting(self) -> int: ...


class RecordedToday:
    """Outcomes go to the recorder; today's counts come from its memory, never from the disk.

    `settle`: how long an answer waits at most for its write, so its reply can say "not saved yet"
    and why the first time (a write takes milliseconds; a locked history fails within the
    recorder's busy timeout, which is shorter)."""

    def __init__(self, recorder: Recorder, settle: float = 0.5) -> None:
        self._recorder = recorder
        self._settle = settle

    def record(self, outcome: PromptOutcome, zone: tzinfo) -> str | None:
        receipt = self._recorder.record(outcome, zone, settle=self._settle)
        return receipt.not_saved  # a refusal (an unknown stretch) is logged by the recorder

    def counts(self, now: datetime, zone: tzinfo) -> Counts | None:
        counts = self._recorder.today_counts(now, zone)
        return counts if any(getattr(counts, name) for name in COUNT_FIELDS.values()) else None

    def problem(self) -> str | None:
        return self._recorder.problem()

    def waiting(self) -> int:
        return self._recorder.waiting()


class _NoProblems:
    """A store that has nothing to report (a history written directly, or none)."""

    def problem(self) -> str | None:
        return None

    def waiting(self) -> int:
        return 0


class StoredToday(_NoProblems):
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

    def record(self, outcome: PromptOutcome, zone: tzinfo) -> str | None:
        with self._lock:
            self._cached = None
        # The stored row's local day is the prompt's own offset: give it the zone in use now.
        self._store(replace(outcome, prompted_at=outcome.prompted_at.astimezone(zone)))
        return None

    def counts(self, now: datetime, zone: tzinfo) -> Counts | None:
        day = now.astimezone(zone).date()
        with self._lock:
            if self._cached is not None and self._cached[0] == day:
                return self._cached[1]
        counts = next(iter(self._day_counts(day, day)), None)
        with self._lock:
            self._cached = (day, counts)
        return counts


class TallyToday(_NoProblems):
    """This run's outcomes in memory (the last two days of them: a day in any zone is within)."""

    KEEP = timedelta(hours=50)

    def __init__(self, store: Callable[[PromptOutcome], object] = lambda outcome: None) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._kept: list[tuple[datetime, str]] = []

    def record(self, outcome: PromptOutcome, zone: tzinfo) -> str | None:
        with self._lock:
            self._kept.append((outcome.prompted_at, outcome.outcome))
            newest = max(at for at, _ in self._kept)
            self._kept = [(at, what) for at, what in self._kept if newest - at < self.KEEP]
        self._store(outcome)
        return None

    def counts(self, now: datetime, zone: tzinfo) -> Counts | None:
        day = now.astimezone(zone).date()
        tally = dict.fromkeys(COUNT_FIELDS.values(), 0)
        with self._lock:
            for at, what in self._kept:
                name = COUNT_FIELDS.get(what)
                if name and at.astimezone(zone).date() == day:
                    tally[name] += 1
        return Counts(**tally) if any(tally.values()) else None
