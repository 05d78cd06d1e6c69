"""Calls in the schedule core, with an injected clock: a call holds a due prompt until it ends,
however long; quiet input during a call is listening, not a break; the key turns it all off."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskbreak.core import config
from deskbreak.core import schedule as core
from deskbreak.core.calls import CALL_RECHECK, AskCalls, ask_calls, listening
from deskbreak.core.config import ActivityConfig, ScheduleConfig
from deskbreak.core.presence import Presence, is_away, observe
from deskbreak.core.schedule import Phase

BERLIN = ZoneInfo("Europe/Berlin")
IDS = ("twist", "bend", "lean")
START = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)  # a Monday; the window opens at 09:00
DUE = START + timedelta(minutes=45)
ZOOM = core.Moment(call="microphone in use by zoom")


def plan(**activity: object) -> core.Plan:
    schedule = ScheduleConfig(week=config.default_week())
    return core.Plan(schedule, BERLIN, IDS, activity=replace(ActivityConfig(), **activity))


def shown(transition: core.Transition) -> bool:
    return any(isinstance(e, core.ShowPrompt) for e in transition.effects)


def run_until(
    state: core.State, p: core.Plan, end: datetime, moment: core.Moment
) -> tuple[core.State, datetime]:
    """Step the core at each instant it asks to be woken (as the armed timer does) until `end`;
    fails if a prompt shows on the way."""
    now = core.next_wakeup(state, p)
    assert now is not None
    while now <= end:
        transition = core.tick(state, now, p, moment)
        assert not shown(transition), f"prompted at {now:%H:%M:%S} during the call"
        state = transition.state
        wake = core.next_wakeup(state, p)
        assert wake is not None and wake > now
        now = wake
    return state, now


def test_a_90_minute_call_is_not_interrupted_at_minute_30_and_the_prompt_comes_right_after():
    p = plan(max_defer_minutes=30)
    call_ends = DUE + timedelta(minutes=90)
    state, now = run_until(core.start(START), p, call_ends, ZOOM)
    assert state.hold_reason == "call: microphone in use by zoom"
    assert state.held_since == DUE  # `status --json` says since when
    assert now - call_ends <= CALL_RECHECK <= timedelta(seconds=30)
    after = core.tick(state, now, p, core.Moment())
    assert shown(after) and after.state.phase is Phase.PROMPTING


def test_a_busy_moment_alone_is_still_capped():
    p = plan(max_defer_minutes=30)
    busy = core.Moment(fullscreen=True)
    state = core.tick(core.start(START), DUE, p, busy).state
    assert state.hold_reason == "fullscreen"
    assert shown(core.tick(state, DUE + timedelta(minutes=30), p, busy))


def test_after_a_call_the_busy_cap_counts_from_the_calls_end():
    p = plan(max_defer_minutes=30)
    state = core.tick(core.start(START), DUE, p, ZOOM).state
    call_ends = DUE + timedelta(minutes=60)
    busy = core.Moment(fullscreen=True)
    held = core.tick(state, call_ends, p, busy)
    assert held.state.hold_reason == "fullscreen" and held.state.held_since == call_ends
    assert not shown(core.tick(held.state, call_ends + timedelta(minutes=29), p, busy))
    assert shown(core.tick(held.state, call_ends + timedelta(minutes=30), p, busy))


def test_defer_during_calls_false_prompts_during_a_call_and_never_asks_the_sense():
    p = plan(defer_during_calls=False)
    assert core.hold_reason(ZOOM, p.activity) is None
    assert shown(core.tick(core.start(START), DUE, p, ZOOM))
    assert ask_calls(core.start(START), DUE, p) is AskCalls.NEVER


def test_the_call_sense_is_asked_now_only_when_a_prompt_is_due_or_held():
    p = plan()
    state = core.start(START)
    assert ask_calls(state, DUE - timedelta(seconds=1), p) is AskCalls.WHEN_QUIET
    assert ask_calls(state, DUE, p) is AskCalls.NOW
    held = core.tick(state, DUE, p, ZOOM).state
    assert ask_calls(held, DUE + timedelta(seconds=20), p) is AskCalls.NOW
    prompting = core.tick(held, DUE + timedelta(seconds=20), p, core.Moment()).state
    assert prompting.phase is Phase.PROMPTING
    assert ask_calls(prompting, DUE + timedelta(minutes=1), p) is AskCalls.WHEN_QUIET


def test_a_call_outranks_away_a_gnome_break_outranks_both():
    activity = ActivityConfig()
    assert core.hold_reason(replace(ZOOM, away=True), activity) == "call: microphone in use by zoom"
    assert core.hold_reason(replace(ZOOM, gnome_break=True), activity) == "GNOME break"
    assert core.hold_reason(core.Moment(call=""), activity) == "call"


def test_a_gnome_break_holds_the_prompt_until_it_ends_without_a_cap():
    p = plan(max_defer_minutes=1)
    state, now = run_until(core.start(START), p, DUE + timedelta(minutes=10), core.Moment(gnome_break=True))
    assert state.hold_reason == "GNOME break"
    assert shown(core.tick(state, now, p, core.Moment()))


# --- presence: listening is not resting ---


def test_quiet_input_during_a_call_is_not_a_natural_break():
    """Sampled each minute: 20 minutes without input, in a call the whole time, then typing."""
    presence, natural_break = Presence(), timedelta(minutes=5)
    for minute in range(1, 21):
        now = START + timedelta(minutes=minute)
        presence, returned = observe(presence, now, idle_seconds=minute * 60.0, locked=False)
        presence = listening(presence, now)  # the call sense, asked because input is quiet
        assert not is_away(presence, now, natural_break)
    _, returned = observe(presence, START + timedelta(minutes=21), idle_seconds=1.0, locked=False)
    assert returned is None


def test_a_break_after_the_call_counts_from_the_calls_end():
    presence = Presence()
    call_seen = START + timedelta(minutes=10)
    presence, _ = observe(presence, call_seen, idle_seconds=600.0, locked=False)
    presence = listening(presence, call_seen)
    # The call ended; still no input: the quiet stretch counts from the last sight of the call.
    later = call_seen + timedelta(minutes=7)
    presence, _ = observe(presence, later, idle_seconds=1020.0, locked=False)
    assert presence.away_since == call_seen
    assert is_away(presence, later, timedelta(minutes=5))
    _, returned = observe(presence, later + timedelta(minutes=1), idle_seconds=2.0, locked=False)
    assert returned is not None and returned.began == call_seen
