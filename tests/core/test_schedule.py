from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from deskbreak.core import config
from deskbreak.core import schedule as core
from deskbreak.core.config import ScheduleConfig, WorkWindow
from deskbreak.core.outcomes import DONE, IGNORED, MISSED_WHILE_ASLEEP, NATURAL_BREAK, SKIPPED, SNOOZED
from deskbreak.core.schedule import Phase

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
IDS = ("twist", "bend", "lean")


def plan(zone=BERLIN, **schedule) -> core.Plan:
    base = ScheduleConfig(week=config.default_week())
    return core.Plan(replace(base, **schedule), zone, IDS)


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def records(transition):
    return [e.outcome for e in transition.effects if isinstance(e, core.Record)]


# --- next prompt ---


def test_first_prompt_is_an_interval_after_the_window_opens():
    p = plan()
    assert core.next_prompt_at(at(BERLIN, 2026, 11, 23, 7, 0), p) == at(BERLIN, 2026, 11, 23, 9, 45)


def test_a_user_who_just_sat_down_is_not_prompted_at_once():
    p = plan()
    assert core.next_prompt_at(at(BERLIN, 2026, 11, 23, 10, 7), p) == at(BERLIN, 2026, 11, 23, 10, 52)


def test_no_prompt_in_the_last_minutes_of_a_window_it_moves_to_the_next_window():
    p = plan()  # morning ends 12:30, margin 10 min: 11:50 + 45 = 12:35 is too late
    assert core.next_prompt_at(at(BERLIN, 2026, 11, 23, 11, 50), p) == at(BERLIN, 2026, 11, 23, 14, 15)
    assert core.next_prompt_at(at(BERLIN, 2026, 11, 23, 11, 35), p) == at(BERLIN, 2026, 11, 23, 12, 20)


def test_weekends_and_days_off_have_no_prompts():
    p = plan(days_off=(date(2026, 11, 23),))
    friday_evening = at(BERLIN, 2026, 11, 20, 17, 0)
    assert core.next_prompt_at(friday_evening, p) == at(BERLIN, 2026, 11, 24, 9, 45)


def test_a_window_shorter_than_the_interval_never_prompts():
    short = tuple((WorkWindow(540, 570),) for _ in range(7))
    assert core.next_prompt_at(at(BERLIN, 2026, 11, 23, 7, 0), plan(week=short)) is None


def test_no_windows_at_all_means_no_prompt():
    assert core.next_prompt_at(at(BERLIN, 2026, 11, 23, 7, 0), plan(week=((),) * 7)) is None


# --- DST ---


def test_berlin_spring_forward_counts_real_minutes_across_the_gap():
    night = tuple((WorkWindow(60, 300),) for _ in range(7))  # 01:00-05:00
    p = plan(week=night, interval_minutes=60, min_minutes_before_end=0)
    # 2026-03-29 02:00 CET jumps to 03:00 CEST: 01:30 + 60 real minutes is 03:30 on the wall.
    due = core.next_prompt_at(at(BERLIN, 2026, 3, 29, 1, 30), p)
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert due.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_berlin_fall_back_window_is_an_hour_longer():
    night = tuple((WorkWindow(60, 240),) for _ in range(7))  # 01:00-04:00 on the wall: 4 real hours
    p = plan(week=night, interval_minutes=200, min_minutes_before_end=0)
    assert core.next_prompt_at(at(BERLIN, 2026, 10, 25, 0, 0), p) is not None  # 4 h window
    assert core.next_prompt_at(at(BERLIN, 2026, 10, 24, 0, 0), p).date() == date(2026, 10, 25)


def test_new_york_spring_forward_keeps_wall_clock_windows():
    p = plan(NEW_YORK)
    # 2026-03-08 is a Sunday; Monday's window opens at 09:00 EDT.
    due = core.next_prompt_at(at(NEW_YORK, 2026, 3, 6, 18, 0), p)
    assert due.astimezone(NEW_YORK).strftime("%a %H:%M %Z") == "Mon 09:45 EDT"


def test_a_window_start_inside_the_gap_moves_past_it():
    gap = tuple((WorkWindow(150, 300),) for _ in range(7))  # 02:30 does not exist on 2026-03-08 in NY
    p = plan(NEW_YORK, week=gap, interval_minutes=30, min_minutes_before_end=0)
    due = core.next_prompt_at(at(NEW_YORK, 2026, 3, 8, 0, 0), p)
    assert due.astimezone(NEW_YORK).strftime("%H:%M") == "04:00"  # 02:30 EST = 03:30 EDT, + 30


# --- transitions ---


def prompting(p=None, now=None):
    p = p or plan()
    now = now or at(BERLIN, 2026, 11, 23, 9, 45)
    state = core.start(now - timedelta(minutes=p.schedule.interval_minutes), seed=1)
    t = core.tick(state, now, p)
    assert t.state.phase is Phase.PROMPTING
    return t, p, now


def test_due_timer_shows_the_upcoming_stretch_and_advances_the_rotation():
    p = plan()
    state = core.start(at(BERLIN, 2026, 11, 23, 8, 0), seed=1)
    expected = core.upcoming_stretch(state, p)
    t = core.tick(state, at(BERLIN, 2026, 11, 23, 9, 45), p)
    assert t.effects == (core.ShowPrompt(expected),)
    assert core.upcoming_stretch(t.state, p) == expected
    assert core.tick(state, at(BERLIN, 2026, 11, 23, 9, 44), p).state == state


def test_done_records_and_counts_the_next_interval_from_the_answer():
    t, p, now = prompting()
    answered = now + timedelta(minutes=2)
    d = core.done(t.state, answered, p, held_seconds=40)
    (outcome,) = records(d)
    assert (outcome.outcome, outcome.held_seconds, outcome.prompted_at) == (DONE, 40, now)
    assert d.state.phase is Phase.WAITING
    assert core.next_prompt_at(d.state.anchor, p) == answered + timedelta(minutes=45)
    assert core.WithdrawPrompt() in d.effects


def test_snooze_brings_the_same_stretch_back():
    t, p, now = prompting()
    s = core.snooze(t.state, now, p, 5)
    assert records(s)[0].outcome == SNOOZED
    assert core.next_wakeup(s.state, p) == now + timedelta(minutes=5)
    back = core.tick(s.state, now + timedelta(minutes=5), p)
    assert back.effects == (core.ShowPrompt(t.state.stretch_id, again=True),)
    assert back.state.phase is Phase.PROMPTING


def test_snooze_without_minutes_uses_the_default():
    t, p, now = prompting()
    s = core.snooze(t.state, now, p)
    assert s.state.snoozed_until == now + timedelta(minutes=10)


def test_a_snooze_that_ends_after_work_hours_drops_the_prompt():
    t, p, _now = prompting(now=at(BERLIN, 2026, 11, 23, 12, 20))
    s = core.snooze(t.state, at(BERLIN, 2026, 11, 23, 12, 25), p, 20)
    later = core.tick(s.state, at(BERLIN, 2026, 11, 23, 12, 45), p)
    assert later.state.phase is Phase.WAITING and not later.effects


def test_skip_records_and_restarts_the_interval():
    t, p, now = prompting()
    s = core.skip(t.state, now, p)
    assert records(s)[0].outcome == SKIPPED and s.state.phase is Phase.WAITING


def test_an_unanswered_prompt_times_out_as_ignored():
    t, p, now = prompting()
    deadline = now + timedelta(minutes=10)
    assert core.next_wakeup(t.state, p) == deadline
    assert core.tick(t.state, deadline - timedelta(seconds=1), p).state == t.state
    timed_out = core.tick(t.state, deadline, p)
    assert records(timed_out)[0].outcome == IGNORED
    assert timed_out.state.anchor == deadline


def test_pause_until_a_time_then_resume_by_itself():
    t, p, now = prompting()
    until = now + timedelta(hours=1)
    paused = core.pause(t.state, now, p, until)
    assert records(paused) == [] and core.WithdrawPrompt() in paused.effects  # not a skip
    assert core.next_wakeup(paused.state, p) == until
    resumed = core.tick(paused.state, until, p)
    assert resumed.state.phase is Phase.WAITING and resumed.state.anchor == until


def test_pause_indefinitely_waits_for_resume():
    p = plan()
    state = core.start(at(BERLIN, 2026, 11, 23, 9, 0))
    paused = core.pause(state, state.anchor, p, None).state
    assert core.next_wakeup(paused, p) is None
    assert core.tick(paused, at(BERLIN, 2026, 11, 30, 9, 0), p).state == paused
    assert core.resume(paused, at(BERLIN, 2026, 11, 23, 11, 0), p).state.phase is Phase.WAITING


def test_refused_events_say_why_and_change_nothing():
    p = plan()
    state = core.start(at(BERLIN, 2026, 11, 23, 9, 0))
    for transition in (
        core.skip(state, state.anchor, p),
        core.snooze(state, state.anchor, p),
        core.resume(state, state.anchor, p),
        core.another(state, state.anchor, p),
    ):
        assert transition.error and transition.state == state and not transition.effects


def test_done_while_waiting_records_only_a_named_stretch():
    p = plan()
    state = core.start(at(BERLIN, 2026, 11, 23, 9, 0), seed=2)
    bare = core.done(state, at(BERLIN, 2026, 11, 23, 9, 30), p)
    assert bare.error and not bare.effects and bare.state == state
    d = core.done(state, at(BERLIN, 2026, 11, 23, 9, 30), p, stretch_id="bend")
    assert records(d)[0].outcome == DONE and records(d)[0].stretch_id == "bend"


def test_another_offers_a_different_stretch():
    t, p, now = prompting()
    a = core.another(t.state, now, p)
    assert a.state.stretch_id != t.state.stretch_id and a.effects == (core.ShowPrompt(a.state.stretch_id),)


def test_prompt_now_outside_work_hours_and_while_paused():
    p = plan()
    state = core.start(at(BERLIN, 2026, 11, 22, 20, 0))
    assert core.prompt_now(state, state.anchor, p).state.phase is Phase.PROMPTING
    paused = core.pause(state, state.anchor, p, None).state
    assert core.prompt_now(paused, state.anchor, p).state.phase is Phase.PROMPTING


def test_a_prompt_slept_through_is_recorded_once_and_the_count_restarts_at_wake_up():
    p = plan()
    state = core.start(at(BERLIN, 2026, 11, 23, 9, 0))
    woke = at(BERLIN, 2026, 11, 23, 13, 0)
    t = core.tick(state, woke, p)
    assert [o.outcome for o in records(t)] == [MISSED_WHILE_ASLEEP]
    assert not any(isinstance(e, core.ShowPrompt) for e in t.effects)
    assert core.tick(t.state, woke, p).effects == ()


def test_a_natural_break_records_and_counts_from_the_return():
    t, p, now = prompting()
    back = now + timedelta(minutes=20)
    b = core.natural_break(t.state, now + timedelta(minutes=1), back, p)
    assert [o.outcome for o in records(b)] == [IGNORED, NATURAL_BREAK]
    assert b.state.anchor == back


# --- property: 60 days of random configs and events ---

windows = st.lists(st.tuples(st.integers(0, 22 * 60), st.integers(15, 10 * 60)), max_size=3)


@st.composite
def week_config(draw):
    week = []
    for _ in range(7):
        day, cursor = [], 0
        for start, length in draw(windows):
            start = max(start, cursor)
            end = min(start + length, 1440)
            if end - start >= 15:
                day.append(WorkWindow(start, end))
                cursor = end
        week.append(tuple(day))
    return tuple(week)


ACTIONS = st.sampled_from(["wait", "done", "snooze", "skip", "pause", "resume", "now", "another", "break"])


@settings(max_examples=60, deadline=None)
@given(
    week=week_config(),
    interval=st.integers(1, 240),
    margin=st.integers(0, 30),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe"]),
    actions=st.lists(st.tuples(ACTIONS, st.integers(1, 600)), min_size=20, max_size=200),
)
def test_random_event_sequences_never_prompt_outside_windows_or_too_soon(
    week, interval, margin, zone, actions
):
    p = plan(ZoneInfo(zone), week=week, interval_minutes=interval, min_minutes_before_end=margin)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    end = now + timedelta(days=60)
    state = core.start(now, seed=4)
    last_answer = now
    user_asked = False
    for action, minutes in actions * 10:
        if now >= end:
            break
        wake = core.next_wakeup(state, p)
        step = timedelta(minutes=minutes)
        if action == "wait" and wake is not None and wake - now < step:
            now = max(now, wake)  # the timer fires on time
        else:
            now += step
            if wake is not None and wake < now:
                now = wake
        auto = core.tick(state, now, p)
        for effect in auto.effects:
            if isinstance(effect, core.ShowPrompt) and not effect.again:
                assert core.window_at(now, p) is not None, "prompt outside a window"
                assert now - last_answer >= timedelta(minutes=interval) or user_asked
                assert now <= core.window_at(now, p)[1] - timedelta(minutes=margin)
        state = auto.state
        handlers = {
            "done": lambda state=state, now=now, minutes=minutes, step=step: core.done(state, now, p),
            "snooze": lambda state=state, now=now, minutes=minutes, step=step: core.snooze(
                state, now, p, minutes % 60 + 1
            ),
            "skip": lambda state=state, now=now, minutes=minutes, step=step: core.skip(state, now, p),
            "pause": lambda state=state, now=now, minutes=minutes, step=step: core.pause(
                state, now, p, now + step
            ),
            "resume": lambda state=state, now=now, minutes=minutes, step=step: core.resume(state, now, p),
            "now": lambda state=state, now=now, minutes=minutes, step=step: core.prompt_now(state, now, p),
            "another": lambda state=state, now=now, minutes=minutes, step=step: core.another(state, now, p),
            "break": lambda state=state, now=now, minutes=minutes, step=step: core.natural_break(
                state, now - timedelta(minutes=5), now, p
            ),
        }
        if action in handlers:
            transition = handlers[action]()
            if not transition.error:
                user_asked = action == "now" or (user_asked and state.phase is not Phase.WAITING)
                state = transition.state
                if state.phase is Phase.WAITING:
                    last_answer = state.anchor
                    user_asked = False
        if state.phase is Phase.WAITING and auto.state.phase is not Phase.WAITING:
            last_answer = state.anchor
        assert state.anchor <= now


def test_another_follows_the_rotation_without_bringing_a_stretch_straight_back():
    many = tuple(f"s{n}" for n in range(7))
    p = replace(plan(), eligible=many)
    now = at(BERLIN, 2026, 11, 23, 10, 0)
    for seed in range(60):  # decks end and begin again many times in 30 presses
        state = core.prompt_now(core.start(now, seed=seed), now, p).state
        seen = [state.stretch_id]
        for _ in range(30):
            changed = core.another(state, now, p)
            assert changed.error is None and changed.effects == (core.ShowPrompt(changed.state.stretch_id),)
            state = changed.state
            seen.append(state.stretch_id)
        assert sorted(seen[:7]) == sorted(many), "every stretch before any comes again"
        assert all(len(set(seen[i : i + 3])) == 3 for i in range(len(seen) - 2)), (seed, seen)


def test_another_with_one_stretch_has_nothing_else_to_offer():
    p = replace(plan(), eligible=("twist",))
    now = at(BERLIN, 2026, 11, 23, 10, 0)
    state = core.prompt_now(core.start(now), now, p).state
    assert core.another(state, now, p).error == "no other stretch to offer"
