"""The recorder keeps every answer: journalled before `record` returns, written to the history in
order and exactly once, replayed after a killed run, counted for `status` without a disk read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

from conftest import WAIT, answer, stored

from deskbreak.core.outcomes import DONE, IGNORED, SKIPPED, SNOOZED
from deskbreak.store.history import History
from deskbreak.store.journal import Answer, Journal, journal_path_for

REPO = Path(__file__).resolve().parents[2]


def test_answers_land_in_order_once_and_the_journal_empties(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "data" / "history.sqlite3"
    recorder = start_recorder(db)
    receipts = [recorder.record(answer(m, kind)) for m, kind in ((0, DONE), (30, SKIPPED), (60, SNOOZED))]
    assert all(r.answer_id and r.refused is None and r.not_saved is None for r in receipts)
    assert recorder.flush(WAIT)
    rows = stored(db)
    assert [(r[1], r[2]) for r in rows] == [
        (DONE, receipts[0].answer_id),
        (SKIPPED, receipts[1].answer_id),
        (SNOOZED, receipts[2].answer_id),
    ]
    assert recorder.waiting() == 0 and recorder.problem() is None
    assert journal_path_for(db).read_bytes() == b""


def test_an_answer_is_journalled_before_record_returns(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "history.sqlite3"
    db.mkdir()  # the history cannot be written: the answer can only be in the journal
    recorder = start_recorder(db)
    receipt = recorder.record(answer(0))
    assert [a.answer_id for a in Journal(journal_path_for(db)).read()] == [receipt.answer_id]


def test_today_counts_include_waiting_answers_and_never_wait_on_the_disk(
    tmp_path: Path, start_recorder
) -> None:
    db = tmp_path / "history.sqlite3"
    with History.open(db) as h:  # an earlier run's rows for the same day
        h.record(answer(-60))
        h.record(answer(-30, IGNORED))
    recorder = start_recorder(db)
    assert recorder.flush(WAIT)
    recorder.today_counts(answer(0).prompted_at)  # asks for the day; the thread reads it once
    recorder.flush(WAIT)
    db.rename(tmp_path / "elsewhere")
    db.mkdir()  # from now on nothing can be written...
    recorder.record(answer(0))
    counts = recorder.today_counts(answer(0).prompted_at)  # ...and status still counts the answer
    assert (counts.day, counts.done, counts.ignored) == (date(2026, 3, 2), 2, 1)
    assert recorder.waiting() == 1


def test_today_counts_follow_writes_without_reading_again(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "history.sqlite3"
    recorder = start_recorder(db)
    for m in range(3):
        recorder.record(answer(m))
        assert recorder.flush(WAIT)
        assert recorder.today_counts(answer(0).prompted_at).done == m + 1


def test_unknown_stretch_is_refused_and_not_kept(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "history.sqlite3"
    recorder = start_recorder(db, known_stretch_ids=lambda: {"seated-twist"})
    assert recorder.refusal("no-such-stretch") == (
        "no stretch 'no-such-stretch' in the catalog (`deskbreak stretches` lists them)"
    )
    assert recorder.refusal("seated-twist") is None and recorder.refusal(None) is None
    refused = recorder.record(answer(0, DONE, "no-such-stretch"))
    assert refused.refused is not None and refused.answer_id is None
    assert recorder.record(answer(1, SKIPPED, "no-such-stretch")).refused is not None
    kept = recorder.record(answer(2, DONE, "seated-twist"))
    assert recorder.flush(WAIT)
    assert [r[2] for r in stored(db)] == [kept.answer_id]


def test_a_journal_left_by_an_earlier_run_is_replayed_once(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "history.sqlite3"
    left = [Answer(f"id-{m}", answer(m)) for m in range(4)]
    with History.open(db) as h:  # the earlier run stored two of them and was killed before emptying
        h.record_answers([(a.answer_id, a.outcome) for a in left[:2]])
    journal = Journal(journal_path_for(db))
    for a in left:
        journal.append(a)
    journal.close()
    with open(journal_path_for(db), "ab") as f:
        f.write(b'{"id": "torn-by-the-kill", "prompted')  # the line being written when killed
    recorder = start_recorder(db)
    assert recorder.flush(WAIT)
    assert [r[2] for r in stored(db)] == ["id-0", "id-1", "id-2", "id-3"]
    recorder.close()
    start_recorder(db).flush(WAIT)  # and a second start finds nothing more to do
    assert len(stored(db)) == 4


KILLED_RUN = """
import sys
from pathlib import Path
from zoneinfo import ZoneInfo
from datetime import datetime, timedelta
from deskbreak.core.outcomes import PromptOutcome
from deskbreak.store.recorder import Recorder
r = Recorder(Path(sys.argv[1]), zone=ZoneInfo("UTC")).start()
t0 = datetime(2026, 1, 1, 9, tzinfo=ZoneInfo("UTC"))
for i in range(1_000_000):
    print(r.record(PromptOutcome(t0 + timedelta(seconds=i), "s", "done")).answer_id, flush=True)
"""


def test_every_acknowledged_answer_of_a_killed_run_lands_exactly_once(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "history.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(db)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    acknowledged = []
    for line in child.stdout:
        acknowledged.append(line.strip())
        if len(acknowledged) == 300:
            break
    child.send_signal(signal.SIGKILL)
    acknowledged += child.stdout.read().split()
    child.wait()
    recorder = start_recorder(db)
    assert recorder.flush(WAIT)
    ids = [r[2] for r in stored(db)]
    assert len(ids) == len(set(ids))  # exactly once
    assert set(acknowledged) <= set(ids)
    assert ids[: len(acknowledged)] == acknowledged  # and in the order they were given


def test_record_from_many_threads_keeps_every_answer(tmp_path: Path, start_recorder) -> None:
    db = tmp_path / "history.sqlite3"
    recorder = start_recorder(db)

    def work(k: int) -> None:
        for m in range(25):
            recorder.record(answer(k * 100 + m))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert recorder.flush(WAIT)
    assert len({r[2] for r in stored(db)}) == 100


def test_without_a_zone_each_answer_keeps_the_day_of_the_zone_it_was_given_in(
    tmp_path: Path, start_recorder
) -> None:
    from zoneinfo import ZoneInfo

    kiritimati, pago = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")  # 25 h apart
    db = tmp_path / "history.sqlite3"
    recorder = start_recorder(db, zone=None)
    at = answer(0).prompted_at  # Monday 09:00 in Berlin: Monday 22:00 there, Sunday 21:00 here
    recorder.record(answer(0), kiritimati)
    recorder.record(answer(1), pago)
    assert recorder.flush(WAIT)
    with History.open(db) as h:
        days = {c.day: c.done for c in h.day_counts(date(2026, 3, 1), date(2026, 3, 2))}
    assert days == {date(2026, 3, 2): 1, date(2026, 3, 1): 1}
    recorder.today_counts(at, kiritimati), recorder.today_counts(at, pago)  # ask for both days
    assert recorder.flush(WAIT)
    assert recorder.today_counts(at, kiritimati).done == 1 and recorder.today_counts(at, pago).done == 1
    db.rename(tmp_path / "elsewhere")
    db.mkdir()  # a waiting answer counts on the day of its zone too
    recorder.record(answer(2), pago)
    assert recorder.today_counts(at, pago).done == 2 and recorder.today_counts(at, kiritimati).done == 1


def test_a_settling_record_says_at_once_when_its_write_failed_and_nothing_when_it_landed(
    tmp_path: Path, start_recorder
) -> None:
    db = tmp_path / "history.sqlite3"
    recorder = start_recorder(db)
    assert recorder.record(answer(0), settle=WAIT).not_saved is None
    assert [r[1] for r in stored(db)] == [DONE]  # written before the receipt came back
    db.rename(tmp_path / "elsewhere")
    db.mkdir()
    failed = recorder.record(answer(1), settle=WAIT)  # the first failure, not a known one
    assert failed.not_saved == f"history {db} is a folder, not a file; move it away"
