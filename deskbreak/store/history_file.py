"""The history's SQLite file: its schema and migrations, opening and checking it, setting a damaged
one aside, and one-line errors that say what is wrong and the fix.

A file we refuse (newer schema, locked, a folder) is left exactly as it was. A damaged file is the
one case we act on: it is renamed aside (with its -wal/-shm) to `<name>.corrupt-YYYYmmdd-HHMMSS`,
never deleted, and a fresh history starts.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from ..core.outcomes import OUTCOMES
from ..i18n import N_, _
from .private import private_dir, private_file, tighten_file

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
    (
        # The answer's id from the journal: a replayed answer that is already stored is ignored,
        # so each answer lands exactly once. Rows from before have none (NULLs never collide).
        "ALTER TABLE prompts ADD COLUMN answer_id TEXT",
        "CREATE UNIQUE INDEX prompts_by_answer ON prompts (answer_id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
SIDE_FILES = ("-wal", "-shm")
_ROOM_FOR_ANSWERS = 64 * 1024  # less free space than this and the next write may fail

# What is wrong with the history, for the recorder to decide between waiting and setting aside.
LOCKED, DAMAGED, NEWER, FULL, READ_ONLY, NOT_A_FILE, UNUSABLE = (
    "locked",
    "damaged",
    "newer",
    "full",
    "read-only",
    "not-a-file",
    "unusable",
)
_CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class HistoryError(Exception):
    """The history file cannot be used; the message is one line, names the file and the fix.
    `kind` is one of LOCKED, DAMAGED, NEWER, FULL, READ_ONLY, NOT_A_FILE, UNUSABLE."""

    def __init__(self, message: str, kind: str = UNUSABLE) -> None:
        super().__init__(message)
        self.kind = kind


class Damaged(Exception):
    """The file is not a usable database: the caller sets it aside."""


def code(exc: sqlite3.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


# What the history was doing when it failed: English names in the code, translated in the message.
# Translators: what deskbreak was doing with its history file, in "history PATH: cannot read it".
_ACTIONS = {
    "open": N_("open"),
    "read": N_("read"),
    "read it": N_("read it"),
    "create it": N_("create it"),
    "record": N_("record"),
    "check": N_("check"),
    "export": N_("export"),
}


def _action(action: str) -> str:
    known = _ACTIONS.get(action)
    return _(known) if known else action


# The messages said in more than one place: one line each, naming the file and the fix.
def folder_message(path: Path) -> str:
    return _("history {path} is a folder, not a file; move it away").format(path=path)


def full_message(path: Path) -> str:
    return _("history {path}: the disk is full; free some space").format(path=path)


def damaged_message(path: Path) -> str:
    return _(
        "history {path} is damaged; deskbreak sets it aside (kept) and starts afresh at its next start"
    ).format(path=path)


def newer_message(path: Path, version: int) -> str:
    return _(
        "history {path}: written by a newer deskbreak (schema {version}, this one knows {known}); "
        "upgrade deskbreak or move the file away"
    ).format(path=path, version=version, known=SCHEMA_VERSION)


def describe(path: Path, action: str, exc: sqlite3.Error) -> HistoryError:
    """A sqlite3 error as a one-line HistoryError with its kind and the fix (in the user's
    language: notices and `doctor` show it; SQLite's own words stay as it says them)."""
    primary = code(exc)
    doing = _action(action)
    if primary in _BUSY:
        # Translators: {action} is what deskbreak was doing ("record"); `fuser {path}` is a command: keep it.
        return HistoryError(
            _(
                "history {path}: locked by another process ({action} gave up waiting); "
                "close the program holding it (`fuser {path}` names it)"
            ).format(path=path, action=doing),
            LOCKED,
        )
    if primary in _CORRUPT:
        # Translators: {reason} is SQLite's own message, in English.
        message = _("history {path}: the file is damaged ({reason}); restart deskbreak to set it aside")
        return HistoryError(message.format(path=path, reason=exc), DAMAGED)
    if primary == sqlite3.SQLITE_FULL:
        return HistoryError(full_message(path), FULL)
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        # Translators: {reason} is SQLite's own message, in English; {folder} is the history's folder.
        message = _("history {path}: cannot write ({reason}); make {folder} writable")
        return HistoryError(message.format(path=path, reason=exc, folder=path.parent), READ_ONLY)
    if primary == sqlite3.SQLITE_IOERR:
        # Translators: {action} is what deskbreak was doing ("record").
        message = _("history {path}: {action} failed: disk I/O error; check the disk has space and works")
        return HistoryError(message.format(path=path, action=doing), FULL)
    # Translators: {action} is what deskbreak was doing ("record"); {reason} is SQLite's own message.
    return HistoryError(
        _("history {path}: {action} failed: {reason}").format(path=path, action=doing, reason=exc)
    )


def describe_os(path: Path, action: str, exc: OSError) -> HistoryError:
    """An OSError on the history (or its folder) as a one-line HistoryError."""
    reason = exc.strerror or str(exc)
    doing = _action(action)
    if exc.errno == errno.ENOSPC:
        return HistoryError(full_message(path), FULL)
    if exc.errno in (errno.EISDIR, errno.ENOTDIR) or isinstance(exc, IsADirectoryError):
        return HistoryError(folder_message(path), NOT_A_FILE)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        # Translators: {action} is what deskbreak was doing ("read it"); {reason} is the system's message.
        message = _("history {path}: cannot {action} ({reason}); make {folder} writable")
        return HistoryError(
            message.format(path=path, action=doing, reason=reason, folder=path.parent), READ_ONLY
        )
    # Translators: {action} is what deskbreak was doing ("read it"); {reason} is the system's message.
    return HistoryError(
        _("history {path}: cannot {action}: {reason}").format(path=path, action=doing, reason=reason)
    )


CACHE_KIB = 256  # the connection's page cache: a day's reads and writes, not the whole history


def connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Create (0600, in a 0700 folder), open, check and migrate the history.

    Raises Damaged (caller sets the file aside) or HistoryError (caller must not touch the file)."""
    if path.is_dir():
        raise HistoryError(folder_message(path), NOT_A_FILE)
    if not header_ok(path):
        # Caught before SQLite opens it: closing a connection to a non-database would delete
        # its -wal, and we keep everything of a damaged history.
        raise Damaged("file is not a database")
    try:
        # Created here, not by SQLite, so it is private; SQLite gives -wal/-shm the same mode.
        # An existing file is only tightened: a reader on a read-only mount still reads it.
        private_dir(path.parent)
        if not path.exists():
            private_file(path)
        for suffix in ("", *SIDE_FILES):
            tighten_file(path.with_name(path.name + suffix))
    except OSError as exc:
        raise describe_os(path, "create it", exc) from None
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        # SQLite's default page cache (2 MB) fills with the whole file at the start-up check below
        # and is kept for the daemon's life: a year of history would add its size to the idle daemon.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlite3.Error as exc:
        raise describe(path, "open", exc) from None
    try:
        # Read-only probes first: a file we refuse is left exactly as it was.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(newer_message(path, version), NEWER)
        check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if check != "ok":
            raise Damaged(check)
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            log.warning("history %s: journal mode is %s, not wal", path, mode)
        conn.execute("PRAGMA synchronous=FULL")
        _migrate(conn, version)
        return conn
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            if code(exc) in _CORRUPT:
                raise Damaged(str(exc)) from None
            raise describe(path, "open", exc) from None
        raise


def header_ok(path: Path) -> bool:
    """False when the file is there and is not (the start of) an SQLite database."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise describe_os(path, "read it", exc) from None
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


def set_aside(path: Path, now: datetime) -> Path:
    """Rename a damaged history (and its -wal/-shm, which belong with it) out of the way."""
    base = f"{path.name}.corrupt-{now:%Y%m%d-%H%M%S}"
    aside, n = path.with_name(base), 1
    while aside.exists():
        aside, n = path.with_name(f"{base}-{n}"), n + 1
    try:
        path.rename(aside)
        for suffix in SIDE_FILES:
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
    except OSError as exc:
        # Translators: {reason} is the system's message ("Permission denied").
        message = _("history {path}: damaged, and could not be moved aside: {reason}; move it away")
        raise HistoryError(message.format(path=path, reason=exc.strerror or exc), DAMAGED) from None
    return aside


def diagnose(path: Path) -> str | None:
    """What the daemon would find wrong with the history at `path` (one line with the fix), or
    None; for `doctor` when no daemon runs. Reads only: changes nothing, sets nothing aside."""
    if path.is_dir():
        return folder_message(path)
    folder = path.parent if path.parent.exists() else None
    try:
        if folder is not None:
            free = os.statvfs(folder)
            if free.f_bavail * free.f_frsize < _ROOM_FOR_ANSWERS:
                return full_message(path)
        if not path.exists():
            return None
        if not header_ok(path):
            return damaged_message(path)
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                return newer_message(path, version)
            if conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                return damaged_message(path)
        finally:
            conn.close()
    except HistoryError as error:
        return str(error)
    except sqlite3.Error as error:
        return str(describe(path, "read", error))
    except OSError as error:
        return str(describe_os(path, "read it", error))
    return None
