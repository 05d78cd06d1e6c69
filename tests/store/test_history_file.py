"""`diagnose`: what the daemon would find wrong with the history, for `doctor`; it changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import answer, fill

from deskbreak.store.history import History
from deskbreak.store.history_file import diagnose


def test_a_healthy_or_missing_history_is_fine(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    assert diagnose(db) is None
    with History.open(db) as h:
        h.record(answer(0))
    assert diagnose(db) is None


def test_each_problem_is_one_line_with_its_fix(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "history.sqlite3"
    folder.mkdir(parents=True)
    assert diagnose(folder) == f"history {folder} is a folder, not a file; move it away"
    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    assert "newer deskbreak" in (diagnose(newer) or "") and "upgrade deskbreak" in (diagnose(newer) or "")
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"garbage" * 100)
    line = diagnose(damaged)
    assert line is not None and "is damaged" in line and "sets it aside (kept)" in line
    assert damaged.read_bytes() == b"garbage" * 100 and sorted(p.name for p in tmp_path.iterdir()) == [
        "a",
        "damaged.sqlite3",
        "newer.sqlite3",
    ]


def test_a_full_disk_is_named(small_disk: Path) -> None:
    db = small_disk / "history.sqlite3"
    History.open(db).close()
    filler = fill(small_disk)
    assert diagnose(db) == f"history {db}: the disk is full; free some space"
    filler.unlink()
    assert diagnose(db) is None
