"""Every file deskbreak writes is 0600 in a 0700 folder, and one left readable is tightened."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from conftest import WAIT, answer

from deskbreak.store.history import History
from deskbreak.store.journal import Answer, Journal, journal_path_for
from deskbreak.store.private import (
    PrivateRotatingFileHandler,
    open_private_text,
    private_dir,
    private_file,
    write_private_text,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def open_umask():
    old = os.umask(0o022)  # the usual umask, which gave 0644 / 0755 before
    yield
    os.umask(old)


def test_history_its_side_files_and_folders_are_private(tmp_path: Path) -> None:
    db = tmp_path / "share" / "deskbreak" / "history.sqlite3"
    users_own = mode(tmp_path)
    with History.open(db) as h:
        h.record(answer(0))
        assert {p.name: mode(p) for p in db.parent.iterdir()} == {
            "history.sqlite3": 0o600,
            "history.sqlite3-wal": 0o600,
            "history.sqlite3-shm": 0o600,
        }
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    assert mode(tmp_path) == users_own  # a folder that was there is the user's: left alone


def test_existing_readable_history_and_folder_are_tightened(tmp_path: Path) -> None:
    db = tmp_path / "deskbreak" / "history.sqlite3"
    History.open(db).close()
    os.chmod(db, 0o644)
    os.chmod(db.parent, 0o755)
    History.open(db).close()
    assert (mode(db), mode(db.parent)) == (0o600, 0o700)


def test_recorder_journal_is_private(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "data" / "history.sqlite3"
    db.parent.mkdir(mode=0o755)
    os.chmod(db.parent, 0o755)
    recorder = start_recorder(db)
    recorder.record(answer(0))
    assert recorder.flush(WAIT)
    assert (mode(journal_path_for(db)), mode(db), mode(db.parent)) == (0o600, 0o600, 0o700)


def test_journal_rewrite_stays_private(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j" / "history.journal.jsonl")
    journal.append(Answer("a", answer(0)))
    journal.rewrite([Answer("b", answer(1)), Answer("c", answer(2))])
    assert mode(journal.path) == 0o600 and mode(journal.path.parent) == 0o700
    assert [a.answer_id for a in journal.read()] == ["b", "c"]


def test_log_files_are_private_rotation_included(tmp_path: Path) -> None:
    log_file = tmp_path / "state" / "deskbreak.log"
    handler = PrivateRotatingFileHandler(log_file, max_bytes=200, backup_count=2)
    logger = logging.getLogger("test-private-log")
    logger.addHandler(handler)
    try:
        for n in range(20):
            logger.warning("line %d of something worth logging", n)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(log_file.parent.iterdir())
    assert [p.name for p in files] == ["deskbreak.log", "deskbreak.log.1", "deskbreak.log.2"]
    assert {mode(p) for p in files} == {0o600} and mode(log_file.parent) == 0o700


def test_log_rotation_writes_what_the_standard_rotating_handler_writes(tmp_path: Path) -> None:
    import logging.handlers

    def run(handler: logging.Handler) -> dict[str, str]:
        logger = logging.getLogger(f"test-private-rotation-{id(handler)}")
        logger.addHandler(handler)
        try:
            for n in range(23):
                logger.warning("entry %02d %s", n, "x" * (n % 7) * 5)
        finally:
            logger.removeHandler(handler)
            handler.close()
        folder = Path(handler.baseFilename).parent  # type: ignore[attr-defined]
        return {path.name: path.read_text() for path in sorted(folder.iterdir())}

    ours = run(PrivateRotatingFileHandler(tmp_path / "ours" / "deskbreak.log", max_bytes=120, backup_count=3))
    theirs = run(
        logging.handlers.RotatingFileHandler(
            (tmp_path / "std").mkdir() or tmp_path / "std" / "deskbreak.log", maxBytes=120, backupCount=3
        )
    )
    assert ours == theirs
    assert list(ours) == ["deskbreak.log", "deskbreak.log.1", "deskbreak.log.2", "deskbreak.log.3"]
    assert "entry 22" in ours["deskbreak.log"] and all(len(text) <= 120 for text in ours.values())


def test_marker_and_export_files(tmp_path: Path) -> None:
    marker = tmp_path / "state" / "safety-note-shown"
    write_private_text(marker, "shown\n")
    assert marker.read_text() == "shown\n" and mode(marker) == 0o600
    with open_private_text(tmp_path / "export.csv") as out:
        out.write("a,b\n")
    assert mode(tmp_path / "export.csv") == 0o600


def test_private_file_never_follows_a_planted_symlink(tmp_path: Path) -> None:
    target = tmp_path / "someone-elses"
    target.write_text("theirs")
    os.chmod(target, 0o644)
    link = tmp_path / "mine" / "deskbreak.log"
    link.parent.mkdir()
    link.symlink_to(target)
    with pytest.raises(OSError):
        private_file(link)
    assert mode(target) == 0o644 and target.read_text() == "theirs"


def test_private_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "f")
