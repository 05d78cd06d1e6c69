"""Shifting the state's instants by a step of the wall clock: elapsed time is kept, pauses are not."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta

from deskbreak.core import config as config_model
from deskbreak.core import schedule as core
from deskbreak.core.clock_shift import shift_instants
from deskbreak.core.workhours import Plan

T = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BACK = timedelta(hours=-1)
WALL_CLOCK_FIELDS = {"paused_until"}  # a time of day the user chose


def full_state() -> core.State:
    """Every instant set, each to a different time."""
    instants = [f.name for f in fields(core.State) if "datetime" in str(f.type)]
    values = {name: T + timedelta(minutes=i) for i, name in enumerate(instants)}
    return core.State(core.Phase.SNOOZED, **values)


def test_every_elapsed_time_instant_moves_with_the_clock_and_the_pause_end_does_not():
    state = full_state()
    shifted = shift_instants(state, BACK)
    for f in fields(core.State):
        before, after = getattr(state, f.name), getattr(shifted, f.name)
        if isinstance(before, datetime) and f.name not in WALL_CLOCK_FIELDS:
            assert after == before + BACK, f.name
        else:
            assert after == before, f.name


def test_no_jump_is_the_same_state_and_absent_instants_stay_absent():
    state = core.start(T)
    assert shift_instants(state, timedelta(0)) is state
    shifted = shift_instants(state, BACK)
    assert shifted.anchor == T + BACK and shifted.snoozed_until is None and shifted.prompted_at is None


def test_the_next_prompt_stays_the_same_real_time_away_in_both_directions():
    config = config_model.loads('[schedule]\ntimezone = "UTC"\ninterval_minutes = 1\n')
    plan = Plan.from_config(config, UTC, ["a", "b"], [])
    start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, inside 09:00-12:30
    state, now = core.start(start), start + timedelta(seconds=30)
    assert core.next_wakeup(state, plan) - now == timedelta(seconds=30)
    for jump in (timedelta(hours=-1), timedelta(hours=1)):
        shifted = shift_instants(state, jump)
        assert core.next_wakeup(shifted, plan) - (now + jump) == timedelta(seconds=30)
        assert core.tick(shifted, now + jump + timedelta(seconds=31), plan).effects  # then it is due
