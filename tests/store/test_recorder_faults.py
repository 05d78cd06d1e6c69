"""A history that cannot be written never loses an answer: `record` returns at once, the answer
waits (memory + journal) with a one-line problem, and lands exactly once, in order, when the history
works again. A history damaged under the recorder is set aside, kept, and a fresh one started."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
from conftest import WAIT, answer, fill, mount, stored

from deskbreak.store.history import History
from deskbreak.store.journal import Journal, journal_path_for


def test_full_disk_answer_waits_and_lands_once_when_space_returns(
    small_disk: Path, start_recorder, problems
) -> None:
    db = small_disk / "data" / "history.sqlite3"
    recorder = start_recorder(db)
    first = recorder.record(answer(0))
    assert recorder.flush(WAIT)
    filler = fill(small_disk)
    second = recorder.record(answer(30))  # accepted though nothing can be written
    assert second.answer_id is not None and second.refused is None
    line = problems.wait_for(lambda line: line is not None and "full" in line)
    assert line is not None and "free some space" in line and "\n" not in line
    assert recorder.waiting() == 1 and recorder.today_counts(answer(30).prompted_at).done == 2
    filler.unlink()
    assert recorder.flush(WAIT)
    assert [r[2] for r in stored(db)] == [first.answer_id, second.answer_id]
    problems.wait_for(lambda line: line is None)


def test_read_only_folder_answer_waits_and_lands(
    tmp_path: Path, small_disk: Path, start_recorder, problems
) -> None:
    db = small_disk / "history.sqlite3"
    History.open(db).close()
    mount(["-o", "remount,ro", str(small_disk)])
    try:
        recorder = start_recorder(db, journal_path=tmp_path / "journal.jsonl")
        receipt = recorder.record(answer(0))
        line = problems.wait_for(lambda line: line is not None)
        assert line is not None and "cannot write" in line and "writable" in line
        assert recorder.waiting() == 1
    finally:
        mount(["-o", "remount,rw", str(small_disk)])
    second = recorder.record(answer(1))  # the next answer tries again at once
    assert recorder.flush(WAIT)
    assert [r[2] for r in stored(db)] == [receipt.answer_id, second.answer_id]


def test_newer_schema_answer_waits_until_the_file_is_moved_away(
    tmp_path: Path, start_recorder, problems
) -> None:
    db = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE prompts (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    recorder = start_recorder(db)
    receipts = [recorder.record(answer(0)), recorder.record(answer(1))]
    line = problems.wait_for(lambda line: line is not None)
    assert line is not None and "newer deskbreak" in line and "upgrade deskbreak" in line
    assert recorder.problem() == line and recorder.waiting() == 2
    assert recorder.record(answer(2)).not_saved == line  # the reply to `done` can say why
    assert db.read_bytes() == before  # refused, untouched
    db.rename(tmp_path / "from-a-newer-version.sqlite3")
    assert recorder.flush(WAIT)
    assert [r[2] for r in stored(db)][:2] == [r.answer_id for r in receipts] and len(stored(db)) == 3


def test_history_path_is_a_folder(tmp_path: Path, start_recorder, problems) -> None:
    db = tmp_path / "history.sqlite3"
    db.mkdir()
    recorder = start_recorder(db)
    receipt = recorder.record(answer(0))
    line = problems.wait_for(lambda line: line is not None)
    assert line == f"history {db} is a folder, not a file; move it away"
    db.rmdir()
    assert recorder.flush(WAIT)
    assert [r[2] for r in stored(db)] == [receipt.answer_id]


LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def test_lock_held_by_another_process(tmp_path: Path, start_recorder, problems) -> None:
    db = tmp_path / "history.sqlite3"
    recorder = start_recorder(db)
    first = recorder.record(answer(0))
    assert recorder.flush(WAIT)
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "locked\n"
        returned = threading.Event()
        receipts = []

        def answer_while_locked() -> None:
            receipts.append(recorder.record(answer(30)))
            receipts.append(recorder.record(answer(31)))
            returned.set()

        threading.Thread(target=answer_while_locked, daemon=True).start()
        # The lock is held until we say so: had record waited on it, this would never be set.
        assert returned.wait(WAIT)
        line = problems.wait_for(lambda line: line is not None)
        assert line is not None and "locked by another process" in line
        assert recorder.waiting() == 2 and recorder.today_counts(answer(0).prompted_at).done == 3
        assert len(stored_while_locked(db)) == 1
    finally:
        holder.stdin.write("release\n")
        holder.stdin.flush()
        holder.wait()
    assert recorder.flush(WAIT)
    assert [r[2] for r in stored(db)] == [first.answer_id, *(r.answer_id for r in receipts)]


def stored_while_locked(db: Path) -> list[object]:
    conn = sqlite3.connect(db, timeout=0.1)  # WAL: reading goes on under a write lock
    try:
        return conn.execute("SELECT id FROM prompts").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_history_damaged_under_the_recorder_is_set_aside_and_kept(
    tmp_path: Path, start_recorder, problems, damage: str
) -> None:
    db = tmp_path / "history.sqlite3"
    recorder = start_recorder(db, clock=lambda: datetime(2026, 3, 2, 10, 11, 12))
    for m in range(20):
        recorder.record(answer(m))
    assert recorder.flush(WAIT)
    with open(db, "r+b") as f:
        if damage == "truncate":
            f.truncate(0)
        else:
            f.write(b"not a database any more " * 400)
    damaged = db.read_bytes()
    after = recorder.record(answer(60))
    assert recorder.flush(WAIT)
    aside = tmp_path / "history.sqlite3.corrupt-20260302-101112"
    line = problems.wait_for(lambda line: line is not None)
    assert line == f"history {db} was damaged: kept as {aside.name}, a fresh history started"
    assert aside.read_bytes() == damaged  # kept as it was found, with its -wal (the last answers)
    assert aside.with_name(aside.name + "-wal").stat().st_size > 0
    assert [r[2] for r in stored(db)] == [after.answer_id]  # the fresh history has the new answer
    assert recorder.today_counts(answer(60).prompted_at).done >= 1  # status still answers
    problems_seen = [line for line in problems.lines if line is not None]
    assert problems_seen == [line]  # reported once


def test_damage_found_at_start_is_set_aside_and_reported(tmp_path: Path, start_recorder, problems) -> None:
    db = tmp_path / "history.sqlite3"
    with History.open(db) as h:
        h.record_many(answer(m) for m in range(3000))
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(db.read_bytes())
    raw[4096 * 2 :] = b"\xa5" * (len(raw) - 4096 * 2)  # smash every page but the header's
    db.write_bytes(bytes(raw))
    recorder = start_recorder(db)
    after = recorder.record(answer(5000))
    assert recorder.flush(WAIT)
    line = problems.wait_for(lambda line: line is not None)
    assert line is not None and "was damaged: kept as" in line
    (aside,) = tmp_path.glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes() == bytes(raw)
    assert [r[2] for r in stored(db)] == [after.answer_id]


def test_waiting_answers_survive_a_restart(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "history.sqlite3"
    db.mkdir()
    recorder = start_recorder(db)
    receipts = [recorder.record(answer(m)) for m in range(3)]
    recorder.close()
    assert [a.answer_id for a in Journal(journal_path_for(db)).read()] == [r.answer_id for r in receipts]
    db.rmdir()
    assert start_recorder(db).flush(WAIT)
    assert [r[2] for r in stored(db)] == [r.answer_id for r in receipts]
    assert os.path.getsize(journal_path_for(db)) == 0


OTHER_WRITER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("INSERT INTO prompts (prompted_at, prompted_utc, local_day, outcome) VALUES ('x', 'x', 'x', 'done')")
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
"""


def test_damage_only_sqlite_sees_is_set_aside_too(tmp_path: Path, start_recorder, problems) -> None:
    db = tmp_path / "history.sqlite3"
    recorder = start_recorder(db)
    for m in range(300):
        recorder.record(answer(m))
    assert recorder.flush(WAIT)
    # Another process writes, so the recorder's connection must read the pages again, not its cache.
    subprocess.run([sys.executable, "-c", OTHER_WRITER, str(db)], check=True)
    raw = bytearray(db.read_bytes())
    raw[4096:] = b"\xa5" * (len(raw) - 4096)  # the header page is fine, every other page is not
    with open(db, "r+b") as f:
        f.write(bytes(raw))
    after = recorder.record(answer(1000))
    assert recorder.flush(WAIT)
    line = problems.wait_for(lambda line: line is not None)
    assert line is not None and "was damaged: kept as" in line
    (aside,) = tmp_path.glob("history.sqlite3.corrupt-*[0-9]")
    assert aside.read_bytes() == bytes(raw)
    assert [r[2] for r in stored(db)] == [after.answer_id]
