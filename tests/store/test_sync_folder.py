"""The synced folder's files as sync engines leave them: replaced, half-written, copied, broken."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from deskbreak.core import sync
from deskbreak.store.sync_folder import FolderReader, SharedFile, is_shared_file, machine_id

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def mark(n: int, machine: str = "laptop") -> sync.SharedRecord:
    return sync.active_mark(f"{machine}-{n}", machine, machine, NOON + timedelta(minutes=n))


def ids(reading) -> list[str]:
    return [r.id for r in reading.records]


def test_the_machine_id_is_made_once_private_and_kept(tmp_path):
    first = machine_id(tmp_path / "state")
    assert machine_id(tmp_path / "state") == first and len(first) == 32
    assert stat.S_IMODE(os.stat(tmp_path / "state" / "machine-id").st_mode) == 0o600


def test_our_file_is_appended_whole_lines_0600_and_read_once(tmp_path):
    own = SharedFile(tmp_path, "desk")
    own.append(mark(1, "desk"))
    own.append(mark(2, "desk"))
    assert stat.S_IMODE(os.stat(own.path).st_mode) == 0o600
    assert own.path.name == "desk.jsonl"
    reader = FolderReader(tmp_path)
    assert ids(reader.read_new()) == ["desk-1", "desk-2"]
    assert ids(reader.read_new()) == []
    own.append(mark(3, "desk"))
    assert ids(reader.read_new()) == ["desk-3"]
    assert ids(FolderReader(tmp_path, skip_file="desk.jsonl").read_new()) == []


def test_a_half_written_last_line_waits_for_its_end(tmp_path):
    line = sync.to_line(mark(2))
    path = tmp_path / "laptop.jsonl"
    path.write_text(sync.to_line(mark(1)) + line[:20])
    reader = FolderReader(tmp_path)
    assert ids(reader.read_new()) == ["laptop-1"]
    with open(path, "a") as out:
        out.write(line[20:])
    reading = reader.read_new()
    assert ids(reading) == ["laptop-2"] and reading.malformed == 0


def test_a_replaced_file_is_read_again_without_duplicates(tmp_path):
    path = tmp_path / "laptop.jsonl"
    path.write_text(sync.to_line(mark(1)) + sync.to_line(mark(2)))
    reader = FolderReader(tmp_path)
    assert ids(reader.read_new()) == ["laptop-1", "laptop-2"]
    replacement = tmp_path / ".syncthing.laptop.jsonl.tmp"  # how Syncthing replaces: a rename
    replacement.write_text(sync.to_line(mark(1)) + sync.to_line(mark(2)) + sync.to_line(mark(3)))
    os.replace(replacement, path)
    assert ids(reader.read_new()) == ["laptop-3"]
    path.write_text(sync.to_line(mark(4)))  # truncated and rewritten in place: shorter than read
    assert ids(reader.read_new()) == ["laptop-4"]


def test_conflict_copies_are_read_and_each_record_kept_once(tmp_path):
    (tmp_path / "laptop.jsonl").write_text(sync.to_line(mark(1)) + sync.to_line(mark(2)))
    (tmp_path / "laptop.sync-conflict-20261123-120000-ABCDEFG.jsonl").write_text(
        sync.to_line(mark(2)) + sync.to_line(mark(5))
    )
    (tmp_path / "laptop (desk's conflicted copy 2026-11-23).jsonl").write_text(sync.to_line(mark(6)))
    (tmp_path / "notes.txt").write_text(sync.to_line(mark(9)))
    assert sorted(ids(FolderReader(tmp_path).read_new())) == ["laptop-1", "laptop-2", "laptop-5", "laptop-6"]
    assert is_shared_file("laptop.sync-conflict-20261123-120000-ABCDEFG.jsonl")
    assert not is_shared_file(".syncthing.laptop.jsonl.tmp") and not is_shared_file("notes.txt")


def test_malformed_lines_are_skipped_and_counted(tmp_path):
    (tmp_path / "laptop.jsonl").write_text(
        sync.to_line(mark(1)) + "{broken\n" + '{"id": "x"}\n' + "\n" + sync.to_line(mark(2))
    )
    reader = FolderReader(tmp_path)
    reading = reader.read_new()
    assert ids(reading) == ["laptop-1", "laptop-2"] and reading.malformed == 2
    assert reader.malformed_total == 2


def test_a_file_over_the_cap_is_read_from_its_newest_records(tmp_path):
    lines = [sync.to_line(mark(n)) for n in range(50)]
    (tmp_path / "laptop.jsonl").write_text("".join(lines))
    reading = FolderReader(tmp_path, cap=len(lines[-1]) * 5 + 3).read_new()
    assert ids(reading) == [f"laptop-{n}" for n in range(45, 50)]
    assert reading.malformed == 0


def test_a_vanished_folder_is_reported_and_read_again_when_it_returns(tmp_path):
    folder = tmp_path / "sync"
    folder.mkdir()
    (folder / "laptop.jsonl").write_text(sync.to_line(mark(1)))
    reader = FolderReader(folder)
    assert ids(reader.read_new()) == ["laptop-1"]
    (folder / "laptop.jsonl").unlink()
    folder.rmdir()
    assert reader.read_new().missing
    with pytest.raises(FileNotFoundError):
        SharedFile(folder, "desk").append(mark(1, "desk"))
    assert not folder.exists()  # never created: it may be an unmounted drive's mount point
    folder.mkdir()
    (folder / "laptop.jsonl").write_text(sync.to_line(mark(1)) + sync.to_line(mark(2)))
    reading = reader.read_new()
    assert not reading.missing and ids(reading) == ["laptop-2"]
