"""Other machines' records folded into this schedule, with an injected clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskbreak.core import config, sync
from deskbreak.core import schedule as core
from deskbreak.core.config import ScheduleConfig
from deskbreak.core.outcomes import DONE, MISSED_WHILE_ASLEEP, NATURAL_BREAK, SNOOZED, PromptOutcome
from deskbreak.core.schedule import Phase
from deskbreak.core.state import WithdrawPrompt

BERLIN = ZoneInfo("Europe/Berlin")
IDS = ("twist", "bend", "lean")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)


def plan() -> core.Plan:
    return core.Plan(replace(ScheduleConfig(week=config.default_week())), BERLIN, IDS)


def answer(kind: str, at: datetime, machine: str = "laptop-id", record_id: str = "r1") -> sync.SharedRecord:
    return sync.SharedRecord(
        record_id, machine, "laptop", at.astimezone(UTC), kind, at - timedelta(minutes=1), "twist"
    )


def prompting(now: datetime) -> core.State:
    state = core.start(MONDAY_9)
    transition = core.tick(state, now, plan())
    assert transition.state.phase is Phase.PROMPTING
    return transition.state


def test_a_line_round_trips_and_keeps_only_the_shared_fields():
    record = sync.SharedRecord("a1", "m1", "desk", MONDAY_9, DONE, MONDAY_9 - timedelta(minutes=2), "twist")
    line = sync.to_line(record)
    assert line.endswith("\n") and line.count("\n") == 1
    assert sync.parse_line(line) == replace(
        record, time=MONDAY_9.astimezone(UTC), due=record.due.astimezone(UTC)
    )
    assert set(__import__("json").loads(line)) == {
        "id",
        "machine",
        "machine_name",
        "time",
        "kind",
        "due",
        "stretch",
    }


def test_malformed_lines_are_refused():
    good = sync.to_line(sync.active_mark("a1", "m1", "desk", MONDAY_9))
    assert sync.parse_line(good) is not None
    for bad in (
        "",
        "{not json",
        "[1, 2]",
        good.replace('"active"', '"launched_rockets"'),
        good.replace("+00:00", ""),  # a naive time
        '{"id": "x", "machine": "m", "kind": "done"}',  # no time
        good.replace('"a1"', '"' + "x" * 300 + '"'),
        good.replace('"a1"', "7"),
        good[:-1] + " " * sync.LONGEST_LINE,
    ):
        assert sync.parse_line(bad) is None, bad


def test_outcomes_become_records_and_a_missed_prompt_is_not_shared():
    due = MONDAY_9 + timedelta(minutes=45)
    done = PromptOutcome(due, "twist", DONE, due + timedelta(seconds=40), 30)
    record = sync.of_outcome(done, "id1", "m1", "desk")
    assert record is not None and (record.kind, record.due, record.stretch) == (DONE, due, "twist")
    assert record.time == due + timedelta(seconds=40)
    brk = sync.of_outcome(
        PromptOutcome(due, None, NATURAL_BREAK, due + timedelta(minutes=10)), "id2", "m1", "d"
    )
    assert brk is not None and (brk.due, brk.ended) == (due, due + timedelta(minutes=10))
    assert sync.of_outcome(PromptOutcome(due, "twist", MISSED_WHILE_ASLEEP), "id3", "m1", "d") is None


def test_an_active_mark_at_most_once_a_minute():
    assert sync.active_mark_due(None, MONDAY_9)
    assert not sync.active_mark_due(MONDAY_9, MONDAY_9 + timedelta(seconds=59))
    assert sync.active_mark_due(MONDAY_9, MONDAY_9 + timedelta(minutes=1))


def test_a_stretch_done_elsewhere_withdraws_the_prompt_here_and_re_anchors():
    now = MONDAY_9 + timedelta(minutes=46)
    state = prompting(now)
    transition = sync.answered_elsewhere(state, now + timedelta(seconds=5), answer(DONE, now))
    assert transition.effects == (WithdrawPrompt(),)
    assert transition.state.phase is Phase.WAITING and transition.state.anchor == now
    assert core.next_prompt_at(transition.state.anchor, plan()) == now + timedelta(minutes=45)


def test_an_answer_elsewhere_re_anchors_a_waiting_schedule():
    state = core.start(MONDAY_9)
    later = MONDAY_9 + timedelta(minutes=20)
    transition = sync.answered_elsewhere(state, later, answer(DONE, later))
    assert transition.state.anchor == later and transition.effects == ()


def test_a_clock_ahead_elsewhere_never_pushes_the_anchor_past_now():
    state = core.start(MONDAY_9)
    now = MONDAY_9 + timedelta(minutes=20)
    transition = sync.answered_elsewhere(state, now, answer(DONE, now + timedelta(minutes=4)))
    assert transition.state.anchor == now


def test_a_clock_behind_elsewhere_still_withdraws_the_same_moments_prompt():
    now = MONDAY_9 + timedelta(minutes=46)
    state = prompting(now)
    transition = sync.answered_elsewhere(state, now, answer(DONE, now - timedelta(minutes=3)))
    assert transition.effects == (WithdrawPrompt(),)
    assert transition.state.phase is Phase.WAITING and transition.state.anchor == now - timedelta(minutes=3)


def test_an_older_answer_a_snooze_or_a_pause_changes_nothing():
    now = MONDAY_9 + timedelta(minutes=46)
    state = prompting(now)
    assert sync.answered_elsewhere(state, now, answer(DONE, now - timedelta(minutes=6))).state == state
    assert sync.answered_elsewhere(state, now, answer(SNOOZED, now)).state == state
    paused = core.pause(state, now, plan(), None).state
    assert sync.answered_elsewhere(paused, now, answer(DONE, now)).state == paused


def test_activity_on_another_machine_is_work_not_a_natural_break():
    began, ended = MONDAY_9, MONDAY_9 + timedelta(minutes=10)
    mark = sync.active_mark("x", "laptop-id", "laptop", began + timedelta(minutes=3))
    assert sync.busy_elsewhere([mark], "desk-id", began, ended)
    assert not sync.busy_elsewhere([mark], "laptop-id", began, ended)  # our own marks are not elsewhere
    assert not sync.busy_elsewhere([mark], "desk-id", ended, ended + timedelta(minutes=5))


def test_today_is_counted_across_machines_each_record_once():
    here, other = "desk-id", "laptop-id"
    records = [
        answer(DONE, MONDAY_9 + timedelta(hours=1), here, "a"),
        answer(DONE, MONDAY_9 + timedelta(hours=2), here, "b"),
        answer(DONE, MONDAY_9 + timedelta(hours=3), other, "c"),
        answer(DONE, MONDAY_9 + timedelta(hours=3), other, "c"),  # a conflict copy's duplicate
        answer(SNOOZED, MONDAY_9 + timedelta(hours=4), other, "d"),
        answer(DONE, MONDAY_9 - timedelta(days=1), other, "e"),
    ]
    day = sync.day_done(records, here, date(2026, 11, 23), BERLIN)
    assert day == sync.MachineDay(3, (("laptop", 1),))
    assert sync.day_line(day, 6) == "3 of 6 done, 1 on laptop"


def test_each_machine_last_heard_from():
    records = [
        answer(DONE, MONDAY_9, "laptop-id", "a"),
        sync.active_mark("b", "laptop-id", "laptop (new name)", MONDAY_9 + timedelta(hours=1)),
        answer(DONE, MONDAY_9, "desk-id", "c"),
    ]
    heard = sync.last_heard(records)
    assert heard["laptop-id"] == ("laptop (new name)", (MONDAY_9 + timedelta(hours=1)).astimezone(UTC))
    assert heard["desk-id"][1] == MONDAY_9.astimezone(UTC)
