"""The history store: one SQLite row per prompt and its outcome (stdlib sqlite3, no ORM).

Durability: WAL journal with `synchronous=FULL`. Every `record` is its own transaction, committed
before it returns, so killing the daemon (even with SIGKILL) never loses an answered prompt; FULL
(rather than NORMAL) also keeps the last commits through a power cut or an empty laptop battery,
at the cost of one fsync per row - a handful a day, which costs nothing here.

Threads: one connection opened with `check_same_thread=False`, every use guarded by one lock, so
the daemon may record from its worker thread while another thread answers `status`. Other
processes (`deskbreak stats`, `history export`) open their own connection; WAL lets them read while
the daemon writes.

Failures to open are one-line `HistoryError`s naming the file. A corrupt file is the one case we
act on: it is renamed aside (with its -wal/-shm) to `<name>.corrupt-YYYYmmdd-HHMMSS`, never deleted,
and a fresh history starts; `History.set_aside` tells the daemon so it can say so.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from ..core.outcomes import DONE, OUTCOMES, PromptOutcome
from ..core.stats import DayCounts, add_outcome
from .export import EXPORT_COLUMNS, ExportRow

log = logging.getLogger(__name__)

# MIGRATIONS[n] takes a database from user_version n to n + 1. Append, never edit.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE prompts (
            id INTEGER PRIMARY KEY,
            prompted_at TEXT NOT NULL,     -- ISO 8601 with the local UTC offset
            prompted_utc TEXT NOT NULL,    -- fixed-width UTC 'YYYY-MM-DDTHH:MM:SS.ffffffZ': sorts
            local_day TEXT NOT NULL,       -- YYYY-MM-DD of the prompt in local time
            stretch_id TEXT,
            outcome TEXT NOT NULL CHECK (outcome IN ({})),
            answered_at TEXT,
            held_seconds INTEGER
        )""".format(", ".join(f"'{o}'" for o in OUTCOMES)),
        "CREATE INDEX prompts_by_time ON prompts (prompted_utc)",
        # Covering index for the per-day GROUP BYs behind `stats`.
        "CREATE INDEX prompts_by_day ON prompts (local_day, outcome, stretch_id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
_INSERT = (
    "INSERT INTO prompts (prompted_at, prompted_utc, local_day, stretch_id, outcome,"
    " answered_at, held_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)"
)

_CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class HistoryError(Exception):
    """The history file cannot be used; the message is one line and names the file."""


class _Corrupt(Exception):
    pass


def _code(exc: sqlite3.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class History:
    """An open history file. Build with `History.open(path)`."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, zone: tzinfo | None, set_aside: Path | None
    ) -> None:
        self.path = path
        self.set_aside = set_aside  # where a corrupt file went, if this open moved one
        self._conn = conn
        self._zone = zone
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        zone: tzinfo | None = None,
        busy_timeout: float = 5.0,
        clock: Callable[[], datetime] = datetime.now,
    ) -> History:
        """Open or create the history at `path` (and its parent directories), migrating it.

        `zone`: the user's time zone, giving each row's `local_day`; without it, the prompt's own
        UTC offset decides (so the daemon, whose core works in UTC, should pass its zone).
        `busy_timeout`: seconds to wait for another process's lock before `HistoryError`.
        `clock`: only names a corrupt file set aside.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(f"history {path}: cannot create its folder: {exc}") from None
        try:
            return cls(path, _connect(path, busy_timeout), zone, None)
        except _Corrupt as exc:
            aside = _set_aside(path, clock())
            log.warning("history %s was corrupt (%s); moved to %s and started afresh", path, exc, aside.name)
        try:
            return cls(path, _connect(path, busy_timeout), zone, aside)
        except _Corrupt as exc:  # pragma: no cover - a fresh file that is corrupt: give up
            raise HistoryError(f"history {path}: still corrupt after a fresh start: {exc}") from None

    # --- writing ---

    def record(self, outcome: PromptOutcome) -> int:
        """Store one prompt and its outcome, committed before returning; returns the row id."""
        with self._guard("record"):
            cur = self._conn.execute(_INSERT, self._row(outcome))
            return int(cur.lastrowid or 0)

    def record_many(self, outcomes: Iterable[PromptOutcome]) -> int:
        """Store many outcomes in one transaction (imports, benchmarks); returns how many."""
        rows = [self._row(o) for o in outcomes]
        with self._guard("record"):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(_INSERT, rows)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return len(rows)

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
                return self._conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        except HistoryError:
            return False

    def export_rows(self, batch: int = 2000) -> Iterator[ExportRow]:
        """Every row, oldest first, read in batches so the lock is never held across a yield."""
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

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Hold the connection lock; sqlite3 errors leave as one-line HistoryErrors."""
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise HistoryError(_describe(self.path, action, exc)) from exc


def _describe(path: Path, action: str, exc: sqlite3.Error) -> str:
    if _code(exc) in _BUSY:
        return f"history {path}: locked by another process ({action} gave up waiting)"
    if _code(exc) in _CORRUPT:
        return f"history {path}: the file is damaged ({exc}); restart deskbreak to set it aside"
    return f"history {path}: {action} failed: {exc}"


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open, check and migrate. Raises _Corrupt (caller sets the file aside) or HistoryError
    (caller must not touch the file)."""
    if not _header_ok(path):
        # Caught before SQLite opens it: closing a connection to a non-database would delete
        # its -wal, and we keep everything of a corrupt history.
        raise _Corrupt("file is not a database")
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise HistoryError(f"history {path}: cannot be opened: {exc}") from None
    try:
        # Read-only probes first: a file we refuse is left exactly as it was.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"history {path}: written by a newer deskbreak (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade deskbreak"
            )
        check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if check != "ok":
            raise _Corrupt(check)
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            log.warning("history %s: journal mode is %s, not wal", path, mode)
        conn.execute("PRAGMA synchronous=FULL")
        _migrate(conn, version)
        return conn
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            if _code(exc) in _CORRUPT:
                raise _Corrupt(str(exc)) from None
            raise HistoryError(_describe(path, "open", exc)) from None
        raise


def _header_ok(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise HistoryError(f"history {path}: cannot be read: {exc}") from None
    return head in (b"", b"SQLite format 3\x00")


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
        for step in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
            log.info("history schema migrated to version %d", step + 1)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _set_aside(path: Path, now: datetime) -> Path:
    """Rename a corrupt history (and its -wal/-shm, which belong with it) out of the way."""
    base = f"{path.name}.corrupt-{now:%Y%m%d-%H%M%S}"
    aside, n = path.with_name(base), 1
    while aside.exists():
        aside, n = path.with_name(f"{base}-{n}"), n + 1
    try:
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise HistoryError(f"history {path}: corrupt, and could not be moved aside: {exc}") from None
    return aside
