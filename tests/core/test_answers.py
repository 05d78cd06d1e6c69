"""What the user answers is what gets recorded (issue 15): the guided window keeps its prompt due,
Done records the stretch on screen, a pause is no skip, a second `done` is refused, and `next`
deals what the daemon will deal. Pure, with an injected clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskbreak.core import config, forecast
from deskbreak.core import schedule as core
from deskbreak.core.config import ScheduleConfig
from deskbreak.core.outcomes import DONE, IGNORED, NATURAL_BREAK, SKIPPED
from deskbreak.core.schedule import Phase

BERLIN = ZoneInfo("Europe/Berlin")
IDS = ("twist", "bend", "lean", "extension")
NINE_45 = datetime(2026, 11, 23, 9, 45, tzinfo=BERLIN)  # a Monday, inside the morning window


def plan(**schedule) -> core.Plan:
    return core.Plan(replace(ScheduleConfig(week=config.default_week()), **schedule), BERLIN, IDS)


def records(transition):
    return [e.outcome for e in transition.effects if isinstance(e, core.Record)]


def prompting(p: core.Plan | None = None):
    p = p or plan()
    state = core.start(NINE_45 - timedelta(minutes=p.schedule.interval_minutes), seed=7)
    shown = core.tick(state, NINE_45, p)
    assert shown.state.phase is Phase.PROMPTING
    return shown.state, p


# --- the guided window keeps its prompt due ---


def test_a_guided_prompt_does_not_time_out_while_the_window_shows_it():
    state, p = prompting()  # timeout 10 min
    for minute in range(1, 25):
        now = NINE_45 + timedelta(minutes=minute)
        state = core.guiding(state, now).state
        after = core.tick(state, now, p)
        assert after.state.phase is Phase.PROMPTING and not records(after), minute
        state = after.state
    closed_at = NINE_45 + timedelta(minutes=24)
    assert core.next_wakeup(state, p) == core.as_utc(closed_at) + timedelta(minutes=10)
    assert core.tick(state, closed_at + timedelta(minutes=9), p).state.phase is Phase.PROMPTING
    timed_out = core.tick(state, closed_at + timedelta(minutes=10), p)
    assert [r.outcome for r in records(timed_out)] == [IGNORED]


def test_a_quiet_spell_while_the_window_guides_is_no_natural_break():
    state, p = prompting()
    state = core.guiding(state, NINE_45 + timedelta(minutes=8)).state
    quiet = core.natural_break(state, NINE_45, NINE_45 + timedelta(minutes=9), p)
    assert quiet.state == state and not quiet.effects


def test_an_unguided_prompt_left_for_a_break_is_still_ignored():
    state, p = prompting()
    away = core.natural_break(state, NINE_45, NINE_45 + timedelta(minutes=9), p)
    assert [r.outcome for r in records(away)] == [IGNORED, NATURAL_BREAK]


def test_guiding_only_concerns_an_open_prompt():
    waiting = core.start(NINE_45)
    assert core.guiding(waiting, NINE_45).state == waiting


# --- Done records the stretch on screen ---


def test_done_from_the_window_records_the_stretch_it_showed():
    state, p = prompting()
    on_screen = next(i for i in IDS if i != state.stretch_id)
    done = core.done(state, NINE_45 + timedelta(minutes=2), p, 40, stretch_id=on_screen)
    (outcome,) = records(done)
    assert (outcome.stretch_id, outcome.outcome, outcome.held_seconds) == (on_screen, DONE, 40)
    assert outcome.prompted_at == core.as_utc(NINE_45)


def test_done_after_the_prompt_was_answered_records_the_shown_stretch_never_the_upcoming_one():
    """The reported bug: the prompt went away (ignored), then Done in the window recorded the
    rotation's next stretch. Now the window names its stretch and only that one is recorded."""
    state, p = prompting()
    shown = state.stretch_id
    ignored = core.tick(state, NINE_45 + timedelta(minutes=10), p).state
    upcoming = core.upcoming_stretch(ignored, p)
    assert upcoming != shown
    done = core.done(ignored, NINE_45 + timedelta(minutes=11), p, 40, stretch_id=shown)
    assert [(o.stretch_id, o.outcome) for o in records(done)] == [(shown, DONE)]
    assert core.upcoming_stretch(done.state, p) == upcoming  # the rotation is not consumed


def test_a_second_bare_done_is_refused_with_the_reason():
    state, p = prompting()
    first = core.done(state, NINE_45 + timedelta(minutes=1), p)
    assert len(records(first)) == 1
    second = core.done(first.state, NINE_45 + timedelta(minutes=2), p)
    assert second.state == first.state and not second.effects
    assert second.error == "no prompt to mark done (the next one is due at 10:31)"


def test_skip_from_the_window_records_the_stretch_it_showed():
    state, p = prompting()
    skipped = core.skip(state, NINE_45, p, stretch_id="lean")
    assert [(o.stretch_id, o.outcome) for o in records(skipped)] == [("lean", SKIPPED)]


# --- pausing never turns a due prompt into a skip ---


def test_pause_withdraws_a_due_prompt_without_recording_it():
    state, p = prompting()
    paused = core.pause(state, NINE_45 + timedelta(minutes=1), p, None)
    assert paused.state.phase is Phase.PAUSED
    assert paused.effects == (core.WithdrawPrompt(),)


def test_pause_withdraws_a_snoozed_prompt_without_recording_it():
    state, p = prompting()
    snoozed = core.snooze(state, NINE_45, p, 5).state
    paused = core.pause(snoozed, NINE_45 + timedelta(minutes=1), p, None)
    assert paused.effects == (core.WithdrawPrompt(),) and paused.state.snoozed_until is None


def test_done_while_paused_records_the_windows_stretch_and_stays_paused():
    state, p = prompting()
    shown = state.stretch_id
    paused = core.pause(state, NINE_45, p, None).state
    bare = core.done(paused, NINE_45 + timedelta(minutes=1), p)
    assert bare.error == "no prompt to mark done (reminders are paused)" and not bare.effects
    done = core.done(paused, NINE_45 + timedelta(minutes=1), p, 30, stretch_id=shown)
    assert [(o.stretch_id, o.outcome) for o in records(done)] == [(shown, DONE)]
    assert done.state == paused


# --- `next` deals what the daemon will deal ---


def test_upcoming_starts_at_the_status_next_prompt_time():
    p = plan()
    state = core.start(NINE_45 - timedelta(minutes=30), seed=3)  # 15 minutes to go
    upcoming = forecast.upcoming_prompts(state, NINE_45, p, 3)
    assert upcoming[0] == (core.next_prompt_at(state.anchor, p), core.upcoming_stretch(state, p))
    assert upcoming[0][0] == core.as_utc(NINE_45 + timedelta(minutes=15))
    assert len({sid for _, sid in upcoming}) == 3


def test_upcoming_lists_the_open_then_the_snoozed_prompt_first():
    state, p = prompting()
    assert forecast.upcoming_prompts(state, NINE_45, p, 2)[0] == (core.as_utc(NINE_45), state.stretch_id)
    snoozed = core.snooze(state, NINE_45, p, 5).state
    first = forecast.upcoming_prompts(snoozed, NINE_45, p, 2)[0]
    assert first == (core.as_utc(NINE_45 + timedelta(minutes=5)), state.stretch_id)


def test_upcoming_while_paused_until_resumed_is_empty():
    p = plan()
    paused = core.pause(core.start(NINE_45), NINE_45, p, None).state
    assert forecast.upcoming_prompts(paused, NINE_45, p, 3) == []


def test_the_daily_seed_deals_one_deck_per_local_day():
    morning, evening = NINE_45, NINE_45.replace(hour=23, minute=30)
    assert forecast.daily_seed(morning, BERLIN) == forecast.daily_seed(evening, BERLIN)
    assert forecast.daily_seed(morning, BERLIN) != forecast.daily_seed(morning + timedelta(days=1), BERLIN)
    p = plan()
    a = core.start(morning, seed=forecast.daily_seed(morning, BERLIN))
    b = core.start(evening, seed=forecast.daily_seed(evening, BERLIN))
    assert core.upcoming_stretch(a, p) == core.upcoming_stretch(b, p)


# --- the wire: the window names its stretch, `next` asks how many ---


def test_the_protocol_takes_the_windows_answer_and_next():
    import pytest

    from deskbreak.core import commands, protocol

    for cmd, arg in (
        ("done", 30),
        ("done", {"stretch": "seated-twist", "held_seconds": 30}),
        ("done", {"stretch": "seated-twist"}),
        ("skip", None),
        ("skip", {"stretch": "wall-slide"}),
        ("next", 5),
        ("next", None),
    ):
        commands.check(cmd, arg)
    for cmd, arg in (
        ("done", {"stretch": "Seated Twist"}),
        ("done", {"held_seconds": 4000}),
        ("done", {"stretch": "x", "other": 1}),
        ("done", {}),
        ("skip", {"held_seconds": 3}),
        ("skip", 3),
        ("next", 0),
        ("next", 51),
        ("next", "5"),
    ):
        with pytest.raises(protocol.ProtocolError):
            commands.check(cmd, arg)


def test_a_bare_done_on_sunday_names_the_day_of_the_next_prompt():
    p = plan()
    sunday = datetime(2026, 11, 22, 15, 0, tzinfo=BERLIN)
    refused = core.done(core.start(sunday), sunday, p)
    assert refused.error == "no prompt to mark done (the next one is due at Mon 09:45)"
