"""`doctor`'s sync lines: off, a missing folder, each machine and when it was last heard from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskbreak.cli.doctor_sync import check_sync
from deskbreak.core import sync
from deskbreak.paths import default_paths
from deskbreak.store.sync_folder import SharedFile

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def setup(tmp_path, monkeypatch, sync_section: str):
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    paths = default_paths()
    paths.config_file.parent.mkdir(parents=True)
    paths.config_file.write_text(sync_section)
    return paths


def test_off_is_one_quiet_line(tmp_path, monkeypatch):
    (line,) = check_sync(setup(tmp_path, monkeypatch, ""))
    assert line.ok and "off" in line.detail


def test_a_missing_folder_says_so_and_how_to_fix(tmp_path, monkeypatch):
    paths = setup(tmp_path, monkeypatch, f'[sync]\nfolder = "{tmp_path / "gone"}"\n')
    (line,) = check_sync(paths)
    assert not line.ok and "missing" in line.detail and "mkdir" in line.fix


def test_each_machine_and_when_it_was_last_heard_from(tmp_path, monkeypatch):
    folder = tmp_path / "Sync"
    folder.mkdir()
    paths = setup(tmp_path, monkeypatch, f'[sync]\nfolder = "{folder}"\nmachine_name = "desk"\n')
    laptop = SharedFile(folder, "laptop-id")
    laptop.append(sync.active_mark("a", "laptop-id", "laptop", NOW - timedelta(days=3)))
    SharedFile(folder, "nas-id").append(sync.active_mark("b", "nas-id", "office", NOW - timedelta(minutes=5)))
    (folder / "nas-id.jsonl").open("a").write("{broken\n")
    head, *machines = check_sync(paths, now=NOW)
    assert not head.ok and "1 malformed" in head.detail and "'desk'" in head.detail
    assert [m.line() for m in machines] == [
        "✓   laptop: last heard from 3 days ago (2026-11-20 12:00 UTC)",
        "✓   office: last heard from 5 min ago (2026-11-23 11:55 UTC)",
    ]
