"""The history as the recorder's thread sees it: opened on demand, checked against the file under
it before each use, a damaged file set aside (renamed, kept) and a fresh one started.

Only the recorder's thread calls it; every failure leaves as a one-line HistoryError.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path

from ..core.stats import DayCounts
from ..i18n import _
from .history import History, HistoryError
from .history_file import DAMAGED, LOCKED
from .journal import Answer

log = logging.getLogger(__name__)


class HistoryWriter:
    def __init__(
        self,
        path: Path,
        zone: tzinfo | None,
        clock: Callable[[], datetime],
        busy_timeout: float,
        on_set_aside: Callable[[str], None],
        on_reopened: Callable[[], None],
    ) -> None:
        """`on_set_aside(line)`: a damaged file was set aside (the line says where).
        `on_reopened()`: the history was opened again, perhaps another file: counts are stale."""
        self.path = path
        self._zone = zone
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._on_set_aside = on_set_aside
        self._on_reopened = on_reopened
        self._history: History | None = None
        self._opened_once = False

    def read_day(self, day: date) -> DayCounts:
        counts = next(iter(self._usable().day_counts(day, day)), None)
        return counts or DayCounts(day)

    def write(self, batch: Sequence[Answer]) -> int:
        """Store the answers in order, each id once; returns how many were new. A file SQLite finds
        damaged is set aside and the batch written to a fresh one."""
        rows = [(a.answer_id, a.outcome) for a in batch]
        try:
            return self._usable().record_answers(rows)
        except HistoryError as error:
            if not self.failed(error):
                raise
        return self._usable().record_answers(rows)

    def failed(self, error: HistoryError) -> bool:
        """After a failed use: True if the file was damaged and is now set aside (try again at
        once); else the handle is dropped (reopened next time: a remount or a freed disk needs a
        fresh one; a lock does not) and False."""
        if error.kind == DAMAGED and self._history is not None:
            log.warning(
                "history %s: SQLite reports damage (%s); setting it aside", self.path, error.__cause__
            )
            self._set_aside(self._history)
            return True
        if error.kind != LOCKED:
            self.close()
        return False

    def close(self) -> None:
        if self._history is not None:
            self._history.close()
            self._history = None

    def _usable(self) -> History:
        """The open history, checked against the file under it: damaged → set aside; moved or
        deleted → reopened; not open → opened."""
        history = self._history
        if history is not None:
            state = history.file_state()
            if state == "damaged":
                self._set_aside(history)
            elif state == "moved":
                log.warning("history %s was moved or replaced: reopening it", self.path)
                self.close()
        if self._history is None:
            self._history = History.open(
                self.path, zone=self._zone, busy_timeout=self._busy_timeout, clock=self._clock
            )
            if self._history.set_aside is not None:
                self._note_aside(self._history.set_aside)
            if self._opened_once:
                self._on_reopened()
            self._opened_once = True
        return self._history

    def _set_aside(self, history: History) -> None:
        aside = history.set_aside_and_close(self._clock())
        self._history = None
        self._note_aside(aside)

    def _note_aside(self, aside: Path) -> None:
        log.warning("history %s was damaged: kept as %s, a fresh history started", self.path, aside.name)
        line = _("history {path} was damaged: kept as {aside}, a fresh history started").format(
            path=self.path, aside=aside.name
        )
        self._on_set_aside(line)
