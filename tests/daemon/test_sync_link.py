"""The daemon's synced folder swapped on reload: the old routine closed, the new one opened once,
nothing done when `[sync]` is unchanged, and without a factory nothing swaps."""

from __future__ import annotations

from datetime import UTC, datetime

from deskbreak.core import config as config_model
from deskbreak.daemon.sync import SharedRoutine
from deskbreak.daemon.sync_link import SyncLink


def config_for(folder: str) -> config_model.Config:
    sync = f'[sync]\nfolder = "{folder}"\n' if folder else ""
    return config_model.loads(f'[schedule]\ntimezone = "UTC"\n{sync}', "test.toml")


def routine(folder) -> SharedRoutine:
    return SharedRoutine(folder, "m1", "desk", lambda records: None, lambda: datetime.now(UTC)).start()


def test_a_changed_folder_closes_the_old_routine_and_opens_the_new_one_once(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    opened: list[SharedRoutine] = []

    def open_shared(config: config_model.Config) -> SharedRoutine | None:
        if not config.sync.folder:
            return None
        opened.append(routine(second))
        return opened[-1]

    old = routine(first)
    link = SyncLink(old, config_for(str(first)).sync, open_shared)
    link.follow(config_for(str(first)))
    assert link.routine is old and opened == []
    link.follow(config_for(str(second)))
    assert link.routine is opened[0] and old.closed
    link.follow(config_for(str(second)))
    assert len(opened) == 1
    link.follow(config_for(""))
    assert link.routine is None and opened[0].closed
    link.close()
    old.close()  # a second close does nothing


def test_without_a_factory_the_routine_stays_until_the_next_start(tmp_path):
    kept = routine(tmp_path)
    link = SyncLink(kept, config_for(str(tmp_path)).sync, None)
    link.follow(config_for(""))
    assert link.routine is kept and not link.live
    link.close()
    assert kept.closed
