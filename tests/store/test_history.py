from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskbreak.core.outcomes import DONE, IGNORED, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome
from deskbreak.store.export import EXPORT_COLUMNS, write_csv, write_json
from deskbreak.store.history import SCHEMA_VERSION, History, HistoryError

REPO = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)  # a Monday


def outcome(
    minutes: int, kind: str = DONE, stretch: str | None = "seated-twist", held: int | None = 30
) -> PromptOutcome:
    at = T0 + timedelta(minutes=minutes)
    return PromptOutcome(at, stretch, kind, at + timedelta(seconds=45), held)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "deeper" / "history.sqlite3"


def test_round_trip_creates_parents_and_keeps_every_field(db: Path) -> None:
    items = [
        outcome(0),
        outcome(50, SKIPPED, held=None),
        outcome(100, NATURAL_BREAK, None, None),
        PromptOutcome(T0 + timedelta(hours=3), "wall-slide", IGNORED),
    ]
    with History.open(db) as h:
        ids = [h.record(o) for o in items]
        assert ids == sorted(ids) and len(set(ids)) == 4
        assert h.count() == 4
        back = h.outcomes_between(T0, T0 + timedelta(days=1))
    assert back == items  # aware datetimes compare by instant
    assert back[0].prompted_at.utcoffset() == timedelta(hours=1)


def test_outcomes_between_is_half_open_and_ordered(db: Path) -> None:
    with History.open(db) as h:
        for m in (120, 0, 60):
            h.record(outcome(m))
        got = h.outcomes_between(T0, T0 + timedelta(minutes=120))
    assert [o.prompted_at for o in got] == [T0, T0 + timedelta(minutes=60)]


def test_wal_user_version_and_indexes(db: Path) -> None:
    History.open(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    plan = " ".join(
        r[-1]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT local_day, outcome, COUNT(*) FROM prompts"
            " WHERE local_day BETWEEN '2026-01-01' AND '2026-02-01' GROUP BY local_day, outcome"
        )
    )
    assert "COVERING INDEX prompts_by_day" in plan
    conn.close()


def test_reopening_keeps_rows_and_does_not_migrate_again(db: Path) -> None:
    with History.open(db) as h:
        h.record(outcome(0))
    with History.open(db) as h:
        assert h.count() == 1 and h.integrity_ok()


def test_local_day_uses_the_given_zone(db: Path) -> None:
    late_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 00:30 on the 3rd in Berlin
    with History.open(db, zone=BERLIN) as h:
        h.record(PromptOutcome(late_utc, "x", DONE))
        assert [d.day for d in h.day_counts(date(2026, 3, 1), date(2026, 3, 5))] == [date(2026, 3, 3)]
        assert next(h.export_rows()).prompted_at == "2026-03-03T00:30:00+01:00"


def test_sql_aggregates(db: Path) -> None:
    with History.open(db) as h:
        for i, kind in enumerate([DONE, DONE, SNOOZED, SKIPPED, IGNORED, NATURAL_BREAK]):
            h.record(outcome(i * 30, kind, stretch="a" if i else "b"))
        h.record(outcome(24 * 60, DONE, stretch="a"))
        days = h.day_counts(date(2026, 3, 1), date(2026, 3, 31))
        assert [(d.day.day, d.done, d.snoozed, d.skipped, d.ignored, d.natural_breaks) for d in days] == [
            (2, 2, 1, 1, 1, 1),
            (3, 1, 0, 0, 0, 0),
        ]
        assert h.done_by_stretch(date(2026, 3, 1), date(2026, 3, 31)) == {"a": 2, "b": 1}
        assert h.done_by_stretch(date(2026, 3, 3), date(2026, 3, 3)) == {"a": 1}
        assert h.done_per_day() == {date(2026, 3, 2): 2, date(2026, 3, 3): 1}
        assert h.done_per_day(date(2026, 3, 2)) == {date(2026, 3, 2): 2}


def test_corrupt_file_is_set_aside_with_its_bytes_and_a_fresh_one_works(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = b"this is not sqlite at all\x00\xff" * 300
    db.write_bytes(garbage)
    db.with_name(db.name + "-wal").write_bytes(b"old wal")
    clock = lambda: datetime(2026, 5, 4, 13, 14, 15)  # noqa: E731
    with History.open(db, clock=clock) as h:
        assert h.set_aside == db.with_name("history.sqlite3.corrupt-20260504-131415")
        assert h.set_aside.read_bytes() == garbage
        assert h.set_aside.with_name(h.set_aside.name + "-wal").read_bytes() == b"old wal"
        assert h.count() == 0
        h.record(outcome(0))
    with History.open(db, clock=clock) as h:
        assert h.set_aside is None and h.count() == 1
    db.write_bytes(garbage)  # a second corruption in the same second keeps both
    with History.open(db, clock=clock) as h:
        assert h.set_aside is not None and h.set_aside.name.endswith("131415-1")
    assert len(list(db.parent.glob("*.corrupt-*"))) == 3  # two files and one -wal


def test_malformed_pages_are_set_aside(db: Path) -> None:
    with History.open(db) as h:
        for m in range(3000):
            h.record(outcome(m))
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(db.read_bytes())
    raw[4096 * 3 : 4096 * 6] = b"\xa5" * (4096 * 3)  # smash some b-tree pages, keep the header
    db.write_bytes(bytes(raw))
    with History.open(db) as h:
        assert h.set_aside is not None and h.set_aside.read_bytes() == bytes(raw)
        assert h.count() == 0 and h.integrity_ok()


def test_future_schema_is_refused_and_untouched(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE prompts (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(HistoryError, match="newer deskbreak") as err:
        History.open(db)
    assert str(db) in str(err.value) and "\n" not in str(err.value)
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["history.sqlite3"]


def test_locked_file_is_refused_and_untouched(db: Path) -> None:
    db.parent.mkdir(parents=True)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError, match="locked by another process") as err:
            History.open(db, busy_timeout=0.2)
        assert str(db) in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not list(db.parent.glob("*.corrupt-*"))
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    conn.close()


def test_write_lock_held_elsewhere_makes_record_raise(db: Path) -> None:
    History.open(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with History.open(db, busy_timeout=0.1) as h:  # WAL: reading still works
            assert h.count() == 0
            with pytest.raises(HistoryError, match="locked"):
                h.record(outcome(0))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_records_from_many_threads(db: Path) -> None:
    with History.open(db) as h:

        def work(k: int) -> None:
            for m in range(50):
                h.record(outcome(k * 1000 + m))
                h.count()

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert h.count() == 200 and h.integrity_ok()


CHILD = """
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from deskbreak.store.history import History
from deskbreak.core.outcomes import PromptOutcome
h = History.open(Path(sys.argv[1]))
t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
for i in range(1_000_000):
    at = t0 + timedelta(seconds=i)
    print(h.record(PromptOutcome(at, "s%d" % (i % 7), "done", at, 20)), flush=True)
"""


def test_kill_9_loses_nothing_already_committed(db: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    printed = []
    for line in child.stdout:
        printed.append(int(line))
        if len(printed) == 150:
            break
    child.send_signal(signal.SIGKILL)
    rest = child.stdout.read()  # ids committed and printed before the kill landed
    printed += [int(x) for x in rest.split()]
    child.wait()
    assert child.returncode == -signal.SIGKILL
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stored = {r[0] for r in conn.execute("SELECT id FROM prompts")}
    conn.close()
    assert set(printed) <= stored and len(printed) >= 150


def test_export_csv_and_json(db: Path) -> None:
    with History.open(db) as h:
        h.record(outcome(0))
        h.record(outcome(30, NATURAL_BREAK, None, None))
        for m in range(5):
            h.record(outcome(60 + m, SKIPPED))
        assert len(list(h.export_rows(batch=2))) == 7
        out = io.StringIO()
        assert write_csv(h.export_rows(), out) == 7
        lines = out.getvalue().splitlines()
        assert lines[0] == ",".join(EXPORT_COLUMNS)
        assert lines[1] == (
            "2026-03-02T09:00:00+01:00,2026-03-02,seated-twist,done,2026-03-02T09:00:45+01:00,30"
        )
        assert lines[2] == "2026-03-02T09:30:00+01:00,2026-03-02,,natural_break,2026-03-02T09:30:45+01:00,"
        out = io.StringIO()
        assert write_json(h.export_rows(), out) == 7
        rows = json.loads(out.getvalue())
        assert list(rows[0]) == list(EXPORT_COLUMNS)
        assert rows[1]["stretch_id"] is None and rows[0]["held_seconds"] == 30
    empty = io.StringIO()
    write_json(iter(()), empty)
    assert json.loads(empty.getvalue()) == []


def test_a_long_history_stays_out_of_the_daemons_memory(db: Path) -> None:
    """The connection's page cache is bounded: a big file is not kept in memory after the start-up
    check reads it (the script reports the process's RSS growth over opening it)."""
    History.open(db).close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE ballast (text TEXT)")
    conn.executemany("INSERT INTO ballast VALUES (?)", [("x" * 200,) for _ in range(15000)])
    conn.close()
    assert db.stat().st_size > 3_000_000
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from deskbreak.store.history import History\n"
        "def rss(): return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1])\n"
        "before = rss()\n"
        "h = History.open(Path(sys.argv[1]))\n"
        "print(rss() - before, h._conn.execute('PRAGMA cache_size').fetchone()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True, text=True, timeout=60)
    grown_kib, cache_size = map(int, done.stdout.split())
    assert cache_size == -256
    assert grown_kib < 1500, (
        f"opening a {db.stat().st_size // 1024} KiB history grew the process by {grown_kib} KiB"
    )
