"""Two daemons sharing one folder (each its own history and clock, in one process): an answer on
one re-anchors and withdraws on the other, activity on one is no natural break on the other, and
both count the same day. The folder is watched with inotify, as in a real run."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskbreak.adapters.activity.fake import FakeActivityProbe
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import config as config_model
from deskbreak.core import sync
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.daemon.senses import Senses
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.daemon.sync import SharedRoutine

BERLIN = ZoneInfo("Europe/Berlin")
CATALOG = Catalog(
    tuple(
        Stretch(sid, sid.title(), "seated", ("neck",), ("Sit tall.", "Turn."), 20, 1, False, "Stop.", "t")
        for sid in ("twist", "bend")
    )
)
CONFIG = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\n', "test.toml")


@dataclass
class Machine:
    daemon: Daemon
    routine: SharedRoutine
    notifier: FakeNotifier
    probe: FakeActivityProbe
    recorded: list
    heard: threading.Event

    def beat(self, clock: FakeClock, minutes: int, idle: float | None = None) -> None:
        self.daemon.command("status")
        for _ in range(minutes):
            clock.advance(minutes=1)
            if idle is not None:
                self.probe.set(idle=idle)
            self.daemon.on_timer()


def machine(folder: Path, name: str, clock: FakeClock) -> Machine:
    notifier, probe, recorded, heard = FakeNotifier(), FakeActivityProbe(), [], threading.Event()
    probe.set(idle=20.0, locked=False)  # active, not typing (typing holds a prompt back)
    late: list[Daemon] = []

    def on_records(records: Sequence[sync.SharedRecord]) -> None:
        if late:
            late[0].shared_records(records)
        heard.set()

    routine = SharedRoutine(folder, f"{name}-id", name, on_records, clock)
    ports = Ports(
        notifier=notifier,
        tray=HeadlessTray(),
        record=recorded.append,
        clock=clock,
        senses=Senses(probe),
        shared=routine,
    )
    daemon = Daemon(CONFIG, CATALOG, ports, seed=1)
    late.append(daemon)
    routine.start()
    return Machine(daemon, routine, notifier, probe, recorded, heard)


@pytest.fixture
def pair(tmp_path):
    folder = tmp_path / "Sync"
    folder.mkdir()
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    desk, laptop = machine(folder, "desk", clock), machine(folder, "laptop", clock)
    yield desk, laptop, clock, folder
    desk.routine.close()
    laptop.routine.close()


def test_done_on_one_machine_withdraws_and_re_anchors_on_the_other(pair):
    desk, laptop, clock, _folder = pair
    for one in (desk, laptop):
        one.daemon.command("status")
    for _ in range(45):  # both at their keyboards, the heartbeat firing every minute
        clock.advance(minutes=1)
        for one in (desk, laptop):
            one.daemon.on_timer()
    assert len(desk.notifier.shown) == len(laptop.notifier.shown) == 1
    laptop.heard.clear()
    assert desk.daemon.command("done")["ok"]
    assert laptop.heard.wait(5), "the laptop never read the desk's answer"
    assert laptop.notifier.withdrawn == 1
    status = laptop.daemon.status()
    assert status["state"] == "working"
    assert status["next_prompt_at"] == (clock.now + timedelta(minutes=45)).isoformat(timespec="seconds")
    assert laptop.recorded == []  # the desk's answer is the desk's: not recorded twice
    assert status["today_line"] == "Today: 1 of 6 done, 1 on desk"
    assert status["sync"]["done_today"] == desk.daemon.status()["sync"]["done_today"] == 1
    assert [m["name"] for m in status["sync"]["machines"]] == ["desk"]


def test_activity_on_the_other_machine_is_work_not_a_natural_break(pair):
    desk, laptop, clock, _folder = pair
    laptop.beat(clock, 10)  # typing on the laptop
    laptop.heard.clear()
    for minute in range(1, 9):  # the laptop idle for 8 minutes while the desk is in use
        desk.heard.clear()
        desk.beat(clock, 0, idle=20.0)
        clock.advance(minutes=1)
        desk.daemon.on_timer()
        laptop.probe.set(idle=minute * 60.0)
        assert laptop.heard.wait(5)
        laptop.heard.clear()
        laptop.daemon.on_timer()
    laptop.probe.set(idle=2.0)
    laptop.beat(clock, 1)
    assert [o.outcome for o in laptop.recorded] == []  # no natural break: the user was at the desk


def test_a_missing_folder_is_a_status_line_not_a_crash(pair):
    desk, _laptop, clock, folder = pair
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    desk.beat(clock, 45)
    assert desk.daemon.command("done")["ok"]
    assert desk.routine.flush(5)  # the record goes out on the writer's thread
    assert "missing" in desk.daemon.status()["sync"]["problem"]
    assert not folder.exists()


def test_a_hung_sync_folder_never_holds_the_daemon(tmp_path, monkeypatch):
    """A network mount that stops answering: our records wait on their own thread, in order."""
    from deskbreak.store.sync_folder import SharedFile

    folder = tmp_path / "Sync"
    folder.mkdir()
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    routine = SharedRoutine(folder, "desk-id", "desk", lambda records: None, clock).start()
    release, written = threading.Event(), []
    real_append = SharedFile.append

    def hung_append(self, record):
        assert release.wait(10), "the test never released the folder"
        written.append(record.id)
        real_append(self, record)

    monkeypatch.setattr(SharedFile, "append", hung_append)
    try:
        marks = [clock.now + timedelta(minutes=n) for n in range(3)]
        returned = threading.Event()

        def mark_three() -> None:
            for moment in marks:
                routine.active(moment)
            returned.set()

        threading.Thread(target=mark_three, daemon=True).start()
        assert returned.wait(2), "the daemon's call waited on the hung folder"
        assert written == []
        release.set()
        assert routine.flush(5)
        assert len(written) == 3 and len(set(written)) == 3
        text = (folder / "desk-id.jsonl").read_text()
        assert [text.index(record_id) for record_id in written] == sorted(text.index(r) for r in written)
    finally:
        release.set()
        routine.close()
