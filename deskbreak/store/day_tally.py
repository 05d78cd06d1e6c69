"""Today's counts kept in memory, so `status` never waits on the disk.

Each local day is read from the history once (by the recorder's thread, between its writes, so the
read and the later additions never overlap); the answers the recorder writes afterwards are added
here; answers still waiting are added by the caller. Not thread-safe: the recorder's lock guards it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..core.stats import DayCounts, add_outcome

# A day two before the newest one asked for is no longer "today" for anyone: forget it.
_KEEP_DAYS = 2


class DayTally:
    def __init__(self) -> None:
        self._days: dict[date, DayCounts] = {}  # what the history holds, per day read once
        self._wanted: set[date] = set()  # days to read (again) from the history

    def get(self, day: date) -> DayCounts:
        """The history's counts for `day` as far as known; asks for the day to be read if new."""
        if day not in self._days:
            self._wanted.add(day)
        return self._days.get(day) or DayCounts(day)

    def wanted(self) -> set[date]:
        return set(self._wanted)

    def read(self, counts: DayCounts) -> None:
        """The history's counts for one day, just read."""
        self._days[counts.day] = counts
        self._wanted.discard(counts.day)
        newest = max(self._days)
        for day in [d for d in self._days if (newest - d).days > _KEEP_DAYS]:
            del self._days[day]

    def written(self, day: date, outcome: str) -> None:
        """One more row the recorder wrote for `day` (counted only if the day was read)."""
        if day in self._days:
            self._days[day] = add_outcome(self._days[day], outcome)

    def read_again(self, days: Iterable[date] | None = None) -> None:
        """Ask for these days (None: every day known) to be read again: another file, or rows the
        history already had. The old counts serve until then."""
        self._wanted.update(self._days if days is None else days)
