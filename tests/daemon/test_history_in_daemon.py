"""The daemon over the recorder, in-process on a fake clock: an answer the history cannot take (a
full disk, a read-only data folder) is accepted at once, its reply says it is not saved yet and why,
the status shows the problem and the answers waiting, and it lands when the history works again. A
store that fails never decides whether the timer is armed; unknown stretch ids are refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from disk_faults import fill, mount, small_disk

from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import config as config_model
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.core.outcomes import PromptOutcome
from deskbreak.core.stats import Counts
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.daemon.today import RecordedToday
from deskbreak.store.history import History
from deskbreak.store.recorder import Recorder

__all__ = ["small_disk"]  # a fixture

BERLIN = ZoneInfo("Europe/Berlin")
WAIT = 20.0


def stretch(sid: str) -> Stretch:
    return Stretch(sid, sid.title(), "seated", ("neck",), ("Sit.", "Turn."), 20, 2, False, "Stop.", "test")


CATALOG = Catalog((stretch("twist"), stretch("bend")))


def rows(db: Path, immutable: bool = False) -> list[tuple[str, str]]:
    """What the history holds (`immutable`: read where nothing may be written, a read-only mount)."""
    conn = sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True) if immutable else sqlite3.connect(db)
    try:
        return conn.execute("SELECT stretch_id, outcome FROM prompts ORDER BY id").fetchall()
    finally:
        conn.close()


class Rig:
    def __init__(self, db: Path, journal: Path | None = None) -> None:
        self.clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
        self.notices: list[str | None] = []
        self.recorder = Recorder(
            db,
            journal_path=journal,
            clock=self.clock,
            known_stretch_ids=CATALOG.ids,
            on_problem=self.notices.append,
            busy_timeout=0.1,
            retry_delays=(0.05,),
        ).start()
        config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\n', "test.toml")
        ports = Ports(
            notifier=FakeNotifier(),
            tray=HeadlessTray(),
            clock=self.clock,
            today=RecordedToday(self.recorder, 5.0),
        )
        self.daemon = Daemon(config, CATALOG, ports, seed=1)

    def answer(self) -> dict:
        assert self.daemon.command("now")["ok"]
        reply = self.daemon.command("done")
        assert reply["ok"], reply
        self.clock.advance(minutes=1)
        return reply


@pytest.fixture
def rigs() -> Iterator[list[Rig]]:
    made: list[Rig] = []
    yield made
    for rig in made:
        rig.recorder.close()


def test_a_full_disk_keeps_the_answer_says_so_and_saves_it_when_space_returns(small_disk: Path, rigs) -> None:
    db = small_disk / "data" / "history.sqlite3"
    rig = Rig(db)
    rigs.append(rig)
    first = rig.answer()
    assert "not saved yet" not in first["recorded"] and first["history_error"] is None
    filler = fill(small_disk)
    second = rig.answer()  # accepted at once though nothing can be written
    assert second["recorded"].startswith("Twist done · 2 of 6 today (not saved yet: ") or second[
        "recorded"
    ].startswith("Bend done · 2 of 6 today (not saved yet: ")
    assert "No space left on device" in second["recorded"] or "full" in second["recorded"]
    status = rig.daemon.status()
    assert status["answers_waiting"] == 1 and status["today"]["done"] == 2
    assert status["history_error"] is not None and "\n" not in status["history_error"]
    filler.unlink()
    assert rig.recorder.flush(WAIT)
    assert [outcome for _, outcome in rows(db)] == ["done", "done"]
    status = rig.daemon.status()
    assert (status["answers_waiting"], status["history_error"], status["today"]["done"]) == (0, None, 2)


def test_a_read_only_data_folder_keeps_the_answer_and_saves_it_when_writable(
    tmp_path: Path, small_disk: Path, rigs
) -> None:
    db = small_disk / "history.sqlite3"
    History.open(db).close()
    mount(["-o", "remount,ro", str(small_disk)])
    try:
        rig = Rig(db)
        rigs.append(rig)
        reply = rig.answer()
        # The journal's failure or the history's, whichever the recorder met first: both say why.
        assert "(not saved yet: " in reply["recorded"]
        assert "Read-only file system" in reply["recorded"] or "writable)" in reply["recorded"]
        assert reply["answers_waiting"] == 1 and reply["history_error"]
        assert rows(db, immutable=True) == []
    finally:
        mount(["-o", "remount,rw", str(small_disk)])
    rig.answer()  # the next answer tries again at once
    assert rig.recorder.flush(WAIT)
    assert len(rows(db)) == 2 and rig.daemon.status()["answers_waiting"] == 0


class BrokenStore:
    """A store whose every read and write fails."""

    def record(self, outcome: PromptOutcome, zone: object) -> str | None:
        raise OSError("disk on fire")

    def counts(self, now: datetime, zone: object) -> Counts | None:
        raise OSError("disk on fire")

    def problem(self) -> str | None:
        return "disk on fire"

    def waiting(self) -> int:
        return 0


class Alarm:
    def __init__(self) -> None:
        self.armed: list[datetime] = []

    def arm(self, at: datetime) -> None:
        self.armed.append(at)

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_store_that_fails_never_decides_whether_the_timer_is_armed() -> None:
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    alarm, notifier = Alarm(), FakeNotifier()
    config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\n', "test.toml")
    ports = Ports(notifier=notifier, tray=HeadlessTray(), clock=clock, today=BrokenStore(), timer=alarm)
    daemon = Daemon(config, CATALOG, ports, seed=1)
    daemon.start_timer()
    assert len(alarm.armed) == 1
    for _ in range(50):  # heartbeats: each re-arms, and the prompt comes (after 45 minutes)
        clock.advance(minutes=1)
        daemon.on_timer()
    assert len(alarm.armed) == 51 and len(notifier.shown) == 1
    status = daemon.command("status")
    assert status["ok"] and status["history_error"] == "disk on fire" and status["today"]["done"] == 0
    assert daemon.command("done")["ok"]  # the answer moves the schedule even though it was not kept
    assert len(alarm.armed) == 53


def test_an_unknown_stretch_id_is_refused_and_a_known_one_still_works(tmp_path: Path, rigs) -> None:
    db = tmp_path / "history.sqlite3"
    rig = Rig(db)
    rigs.append(rig)
    daemon = rig.daemon
    for command in ("done", "skip"):
        reply = daemon.command(command, {"stretch": "no-such-stretch"})
        assert reply["ok"] is False
        assert (
            reply["error"] == "no stretch 'no-such-stretch' in the catalog (`deskbreak stretches` lists them)"
        )
    assert daemon.status()["today"]["done"] == 0
    reply = daemon.command("done", {"stretch": "bend", "held_seconds": 20})
    assert reply["ok"] and reply["recorded"] == "Bend done · 1 of 6 today"
    assert rig.recorder.flush(WAIT)
    assert rows(db) == [("bend", "done")]


def test_one_notice_per_new_history_problem() -> None:
    from deskbreak.daemon.parts import HistoryNotice

    notifier = FakeNotifier()
    notice = HistoryNotice(notifier, "/app/icon.png")
    for line in ("disk full", "disk full", None, "disk full", "locked", None):
        notice(line)
    assert [(n.title, n.body) for n in notifier.notices] == [
        ("deskbreak: history problem", "disk full"),
        ("deskbreak: history problem", "locked"),
    ]
