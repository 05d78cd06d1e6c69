"""The moment of a prompt: holds for busy / away / typing, active-time counting, sleeps."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskbreak.core import config
from deskbreak.core import schedule as core
from deskbreak.core.config import ActivityConfig, ScheduleConfig
from deskbreak.core.outcomes import MISSED_WHILE_ASLEEP, NATURAL_BREAK
from deskbreak.core.schedule import Moment

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
DUE = MONDAY_9 + timedelta(minutes=45)


def plan(**activity) -> core.Plan:
    return core.Plan(
        ScheduleConfig(week=config.default_week()),
        BERLIN,
        ("twist", "bend"),
        activity=replace(ActivityConfig(), **activity),
    )


def shown(transition) -> bool:
    return any(isinstance(e, core.ShowPrompt) for e in transition.effects)


def outcomes(transition) -> list[str]:
    return [e.outcome.outcome for e in transition.effects if isinstance(e, core.Record)]


def run(p, moments, start=DUE, step=timedelta(seconds=30)):
    """Tick at the core's own wake-ups, feeding moments(now); return (when shown, state)."""
    state, now = core.start(MONDAY_9), start
    for _ in range(2000):
        t = core.tick(state, now, p, moments(now))
        state = t.state
        if shown(t):
            return now, state
        wake = core.next_wakeup(state, p)
        now = wake if wake and wake > now else now + step
    raise AssertionError("never shown")


@pytest.mark.parametrize(
    "moment, reason",
    [
        (Moment(fullscreen=True), "fullscreen"),
        (Moment(inhibited=True), "do-not-disturb"),
        (Moment(meeting_until=DUE + timedelta(minutes=20)), "meeting"),
        (Moment(away=True, idle_seconds=900), "away"),
    ],
)
def test_each_busy_reason_holds_the_prompt_and_says_why(moment, reason):
    t = core.tick(core.start(MONDAY_9), DUE, plan(), moment)
    assert not shown(t) and t.state.hold_reason == reason and t.state.held_since == DUE
    assert core.next_wakeup(t.state, plan()) > DUE


def test_a_held_prompt_is_shown_when_the_busy_moment_ends():
    fullscreen_until = DUE + timedelta(minutes=12)
    at, _ = run(plan(), lambda now: Moment(fullscreen=now < fullscreen_until))
    assert fullscreen_until <= at <= fullscreen_until + core.RECHECK


def test_a_meeting_hold_wakes_at_the_meeting_end():
    end = DUE + timedelta(minutes=17)
    t = core.tick(core.start(MONDAY_9), DUE, plan(), Moment(meeting_until=end))
    assert core.next_wakeup(t.state, plan()) == end
    at, _ = run(plan(), lambda now: Moment(meeting_until=end if now < end else None))
    assert at == end


def test_after_max_defer_the_prompt_is_shown_anyway():
    at, _ = run(plan(max_defer_minutes=30), lambda now: Moment(fullscreen=True))
    assert at == DUE + timedelta(minutes=30)


def test_after_max_defer_it_can_be_dropped_instead():
    p = plan(max_defer_minutes=10, show_after_max_defer=False)
    state, now = core.start(MONDAY_9), DUE
    while True:
        t = core.tick(state, now, p, Moment(fullscreen=True))
        assert not shown(t)
        if t.error:
            break
        state, now = t.state, core.next_wakeup(t.state, p)
    assert now == DUE + timedelta(minutes=10) and "dropped" in t.error
    assert t.state.anchor == now and t.state.hold_reason is None


def test_turned_off_reasons_do_not_hold():
    p = plan(defer_when_fullscreen=False, defer_when_inhibited=False, defer_during_meetings=False)
    moment = Moment(fullscreen=True, inhibited=True, meeting_until=DUE + timedelta(hours=1))
    assert shown(core.tick(core.start(MONDAY_9), DUE, p, moment))


def test_typing_delays_the_prompt_until_a_pause_but_no_longer_than_settle_seconds():
    pause_at = DUE + timedelta(seconds=4)
    at, _ = run(
        plan(settle_seconds=10),
        lambda now: Moment(idle_seconds=0.3 if now < pause_at else 2.5),
        step=timedelta(seconds=1),
    )
    assert at == pause_at
    at, _ = run(plan(settle_seconds=10), lambda now: Moment(idle_seconds=0.2), step=timedelta(seconds=1))
    assert at == DUE + timedelta(seconds=10)


def test_settle_zero_shows_at_once_even_mid_sentence():
    assert shown(core.tick(core.start(MONDAY_9), DUE, plan(settle_seconds=0), Moment(idle_seconds=0.1)))


def test_a_held_prompt_is_not_mistaken_for_one_slept_through():
    at, _ = run(plan(max_defer_minutes=60), lambda now: Moment(inhibited=now < DUE + timedelta(minutes=40)))
    assert at >= DUE + timedelta(minutes=40)


def test_active_counting_adds_short_idle_stretches_to_the_interval():
    p = plan(count="active")
    state = core.start(MONDAY_9)
    state = core.credit_idle(
        state, MONDAY_9 + timedelta(minutes=10), MONDAY_9 + timedelta(minutes=13), p
    ).state
    assert core.next_prompt_at(state.anchor, p) == DUE + timedelta(minutes=3)
    clock = plan(count="clock")
    assert (
        core.credit_idle(core.start(MONDAY_9), MONDAY_9, MONDAY_9 + timedelta(minutes=3), clock).state.anchor
        == MONDAY_9
    )


def test_a_natural_break_restarts_the_count_from_the_return():
    p = plan()
    back = MONDAY_9 + timedelta(minutes=30)
    t = core.natural_break(core.start(MONDAY_9), MONDAY_9 + timedelta(minutes=20), back, p)
    assert outcomes(t) == [NATURAL_BREAK]
    assert core.next_prompt_at(t.state.anchor, p) == back + timedelta(minutes=45)


@pytest.mark.parametrize(
    "slept, missed",
    [
        (timedelta(minutes=10), 0),
        (timedelta(hours=3), 1),
        (timedelta(days=2, hours=18), 1),  # Friday 17:00 to Monday 11:00: one record, not dozens
    ],
)
def test_a_sleep_yields_at_most_one_record_and_no_prompt(slept, missed):
    p = plan()
    fell_asleep = (
        datetime(2026, 11, 20, 9, 40, tzinfo=BERLIN)
        if slept < timedelta(days=1)
        else datetime(2026, 11, 20, 17, 0, tzinfo=BERLIN)
    )
    state = core.start(fell_asleep - timedelta(minutes=5))
    woke = fell_asleep + slept
    t = core.natural_break(state, fell_asleep, woke, p, asleep=True)
    assert outcomes(t).count(MISSED_WHILE_ASLEEP) == missed
    assert not shown(t)
    after = core.tick(t.state, woke, p)
    assert not shown(after) and outcomes(after) == []


def test_a_clock_set_back_counts_from_the_new_time():
    p = plan()
    state = core.start(MONDAY_9 + timedelta(hours=2))
    t = core.tick(state, MONDAY_9, p)
    assert t.state.anchor == MONDAY_9
    assert core.next_prompt_at(t.state.anchor, p) == DUE


def test_timing_across_the_dst_change_stays_on_the_wall_clock_windows():
    p = plan()
    friday = datetime(2026, 10, 23, 17, 0, tzinfo=BERLIN)  # DST ends on Sunday 25 October
    state = core.start(friday)
    due = core.next_prompt_at(state.anchor, p)
    assert due.astimezone(BERLIN).strftime("%a %H:%M %Z") == "Mon 09:45 CET"
