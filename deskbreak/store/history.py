"""The history store: one SQLite row per prompt and its outcome (stdlib sqlite3, no ORM).

Durability: WAL journal with `synchronous=FULL`. Every write is its own transaction, committed
before it returns; FULL (rather than NORMAL) also keeps the last commits through a power cut, at
the cost of one fsync per write - a handful a day, which costs nothing here. The daemon does not
write here directly: its answers go through the recorder (store/recorder.py), which journals them
first and writes them from a thread of its own.

Threads: one connection opened with `check_same_thread=False`, every use guarded by one lock. Other
processes (`deskbreak stats`, `history export`) open their own connection; WAL lets them read while
the daemon writes.

Opening, checking, migrating and setting aside the file: store/history_file.py.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.outcomes import DONE, PromptOutcome
from ..core.stats import DayCounts, add_outcome
from ..i18n import _
from .history_file import (
    DAMAGED,
    SCHEMA_VERSION,
    Damaged,
    HistoryError,
    connect,
    describe,
    describe_os,
    set_aside,
)

if TYPE_CHECKING:
    from .export import ExportRow

__all__ = ["SCHEMA_VERSION", "History", "HistoryError"]

log = logging.getLogger(__name__)

_INSERT = (
    "INSERT INTO prompts (prompted_at, prompted_utc, local_day, stretch_id, outcome,"
    " answered_at, held_seconds, answer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_ONCE = _INSERT + " ON CONFLICT (answer_id) DO NOTHING"
# The smallest file SQLite writes for a WAL history (one page): anything shorter was truncated.
_SMALLEST = 512
_HEADER = b"SQLite format 3\x00"


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class History:
    """An open history file. Build with `History.open(path)`."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, zone: tzinfo | None, set_aside: Path | None
    ) -> None:
        self.path = path
        self.set_aside = set_aside  # where a damaged file went, if this open moved one
        self._conn = conn
        self._zone = zone
        self._lock = threading.Lock()
        # Held open for the life of the connection: closing any descriptor of the database file
        # drops every POSIX lock this process holds on it (SQLite's included), so another
        # process could then think itself the last user and delete our -wal. Read through this.
        try:
            self._watch_fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            conn.close()
            raise describe_os(path, "read it", exc) from None
        st = os.fstat(self._watch_fd)
        self._identity: tuple[int, int] | None = (st.st_dev, st.st_ino)

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        zone: tzinfo | None = None,
        busy_timeout: float = 5.0,
        clock: Callable[[], datetime] = datetime.now,
    ) -> History:
        """Open or create the history at `path` (0600; its folders 0700), migrating it.

        `zone`: the user's time zone, giving each row's `local_day`; without it, the prompt's own
        UTC offset decides (so the daemon, whose core works in UTC, should pass its zone).
        `busy_timeout`: seconds to wait for another process's lock before `HistoryError`.
        `clock`: only names a damaged file set aside.
        """
        path = Path(path)
        try:
            return cls(path, connect(path, busy_timeout), zone, None)
        except Damaged as exc:
            aside = set_aside(path, clock())
            log.warning("history %s was damaged (%s); moved to %s and started afresh", path, exc, aside.name)
        try:
            return cls(path, connect(path, busy_timeout), zone, aside)
        except Damaged as exc:  # pragma: no cover - a fresh file that is damaged: give up
            message = _("history {path}: still damaged after a fresh start: {reason}")
            raise HistoryError(message.format(path=path, reason=exc), DAMAGED) from None

    # --- writing ---

    def record(self, outcome: PromptOutcome) -> int:
        """Store one prompt and its outcome, committed before returning; returns the row id."""
        with self._guard("record"):
            cur = self._conn.execute(_INSERT, (*self._row(outcome), None))
            return int(cur.lastrowid or 0)

    def record_many(self, outcomes: Iterable[PromptOutcome]) -> int:
        """Store many outcomes in one transaction (imports, benchmarks); returns how many."""
        rows = [(*self._row(o), None) for o in outcomes]
        self._write(_INSERT, rows)
        return len(rows)

    def record_answers(self, answers: Sequence[tuple[str, PromptOutcome]]) -> int:
        """Store (answer id, outcome) pairs in order in one transaction; an id already stored is
        ignored, so a replayed journal lands each answer once. Returns how many were new."""
        return self._write(_INSERT_ONCE, [(*self._row(o), answer_id) for answer_id, o in answers])

    def _write(self, statement: str, rows: list[tuple[object, ...]]) -> int:
        with self._guard("record"):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                before = self._conn.total_changes
                self._conn.executemany(statement, rows)
                added = self._conn.total_changes - before
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        return added

    def _row(self, outcome: PromptOutcome) -> tuple[object, ...]:
        prompted = outcome.prompted_at.astimezone(self._zone) if self._zone else outcome.prompted_at
        answered = outcome.answered_at
        if answered is not None and answered.tzinfo is not None:
            answered = answered.astimezone(prompted.tzinfo)
        return (
            prompted.isoformat(),
            _utc_text(prompted),
            prompted.date().isoformat(),
            outcome.stretch_id,
            outcome.outcome,
            answered.isoformat() if answered else None,
            outcome.held_seconds,
        )

    # --- the file under us ---

    def file_state(self) -> str:
        """ "ok"; "damaged" (truncated or overwritten under us: SQLite may not notice while its
        cache holds the pages); or "moved" (deleted or replaced: reopen the path)."""
        try:
            if _identity(self.path) != self._identity:
                return "moved"
            if os.fstat(self._watch_fd).st_size < _SMALLEST or os.pread(self._watch_fd, 16, 0) != _HEADER:
                return "damaged"
        except OSError:
            return "moved"
        return "ok"

    def set_aside_and_close(self, now: datetime) -> Path:
        """Rename this damaged file (kept, never deleted) out of the way, then close it; the
        caller opens a fresh history at `path`. Renamed first, so closing (which checkpoints and
        removes the -wal by name) can touch only the file set aside, never a fresh one."""
        with self._lock:
            aside = set_aside(self.path, now)
            try:
                self._conn.close()
            except sqlite3.Error as exc:
                log.debug("closing the damaged history: %s", exc)
            self._close_watch()
        return aside

    # --- reading ---

    def outcomes_between(self, start: datetime, end: datetime) -> list[PromptOutcome]:
        """Outcomes prompted in [start, end), oldest first. Datetimes come back with the fixed
        UTC offset they were stored with."""
        with self._guard("read"):
            rows = self._conn.execute(
                "SELECT prompted_at, stretch_id, outcome, answered_at, held_seconds FROM prompts"
                " WHERE prompted_utc >= ? AND prompted_utc < ? ORDER BY prompted_utc, id",
                (_utc_text(start), _utc_text(end)),
            ).fetchall()
        return [
            PromptOutcome(datetime.fromisoformat(p), s, o, datetime.fromisoformat(a) if a else None, h)
            for p, s, o, a, h in rows
        ]

    def day_counts(self, start_day: date, end_day: date) -> list[DayCounts]:
        """Per local day in [start_day, end_day] that has rows, counted by SQLite (indexed)."""
        days: dict[date, DayCounts] = {}
        with self._guard("read"):
            rows = self._conn.execute(
                "SELECT local_day, outcome, COUNT(*) FROM prompts WHERE local_day BETWEEN ? AND ?"
                " GROUP BY local_day, outcome",
                (start_day.isoformat(), end_day.isoformat()),
            )
            for day_text, outcome, n in rows:
                day = date.fromisoformat(day_text)
                days[day] = add_outcome(days.get(day) or DayCounts(day), outcome, n)
        return [days[d] for d in sorted(days)]

    def done_by_stretch(self, start_day: date, end_day: date) -> dict[str, int]:
        """How often each stretch was done in [start_day, end_day]."""
        with self._guard("read"):
            rows = self._conn.execute(
                "SELECT stretch_id, COUNT(*) FROM prompts WHERE local_day BETWEEN ? AND ?"
                " AND outcome = ? AND stretch_id IS NOT NULL GROUP BY stretch_id",
                (start_day.isoformat(), end_day.isoformat(), DONE),
            ).fetchall()
        return dict(rows)

    def done_per_day(self, end_day: date | None = None) -> dict[date, int]:
        """Stretches done per local day over the whole history (up to end_day): for streaks."""
        with self._guard("read"):
            rows = self._conn.execute(
                "SELECT local_day, COUNT(*) FROM prompts WHERE outcome = ? AND local_day <= ?"
                " GROUP BY local_day",
                (DONE, (end_day or date.max).isoformat()),
            ).fetchall()
        return {date.fromisoformat(d): n for d, n in rows}

    def count(self) -> int:
        with self._guard("read"):
            return int(self._conn.execute("SELECT COUNT(*) FROM prompts").fetchone()[0])

    def integrity_ok(self) -> bool:
        try:
            with self._guard("check"):
                return bool(self._conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)])
        except HistoryError:
            return False

    def export_rows(self, batch: int = 2000) -> Iterator[ExportRow]:
        """Every row, oldest first, read in batches so the lock is never held across a yield."""
        from .export import EXPORT_COLUMNS, ExportRow  # (and csv) only for an export

        last = 0
        while True:
            with self._guard("export"):
                rows = self._conn.execute(
                    "SELECT id, " + ", ".join(EXPORT_COLUMNS) + " FROM prompts WHERE id > ?"
                    " ORDER BY id LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield ExportRow(*row[1:])
            last = rows[-1][0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._close_watch()

    def _close_watch(self) -> None:
        if self._watch_fd >= 0:
            os.close(self._watch_fd)
            self._watch_fd = -1

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Hold the connection lock; sqlite3 and OS errors leave as one-line HistoryErrors."""
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise describe(self.path, action, exc) from exc
            except OSError as exc:
                raise describe_os(self.path, action, exc) from exc


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
