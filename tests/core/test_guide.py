"""The hold timer of the guided window, driven by an injected `now` (no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskbreak.assets import builtin_catalog
from deskbreak.core import guide
from deskbreak.core.catalog import Stretch
from deskbreak.core.guide import FINISHED, HOLDING, READY, REST, SWITCH, Guide

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def stretch(per_side: bool = True, reps: int = 2, hold: int = 20) -> Stretch:
    steps = ("Sit tall.", "Turn to the right.", "Look over your Right shoulder, then LEFT.")
    return Stretch(
        "twist",
        "Twist",
        "seated",
        ("lower_back",),
        steps,
        hold,
        reps,
        per_side,
        "Stop at sharp pain.",
        "test",
        "right" if per_side else None,
    )


def walk(state: Guide, seconds: float) -> tuple[Guide, tuple[str, ...]]:
    return guide.advance(state, state.since + timedelta(seconds=seconds))


def test_a_new_guide_waits_for_start():
    state = Guide(stretch())
    assert (state.phase, state.rep, state.side, state.running) == (READY, 1, "right", False)
    assert guide.advance(state, at(100)) == (state, ())
    assert guide.label(state) == "Press Start when you are in position"
    assert guide.seconds_left(state, at(100)) == guide.LEAD_IN


def test_a_per_side_stretch_walks_reps_and_sides():
    state = guide.start(Guide(stretch()), T0)
    assert guide.label(state) == "Get into position · right side"
    seen = []
    cues_seen = []
    t = 0.0
    while state.phase != FINISHED:
        t += 1
        state, cues = guide.advance(state, at(t))
        cues_seen.extend(cues)
        key = (state.phase, state.rep, state.side)
        if not seen or seen[-1] != key:
            seen.append(key)
    assert seen == [
        (READY, 1, "right"),
        (HOLDING, 1, "right"),
        (SWITCH, 1, "left"),
        (HOLDING, 1, "left"),
        (REST, 2, "right"),
        (HOLDING, 2, "right"),
        (SWITCH, 2, "left"),
        (HOLDING, 2, "left"),
        (FINISHED, 2, "left"),
    ]
    assert t == guide.LEAD_IN + 4 * 20 + 2 * guide.SWITCH_SECONDS + guide.REST_SECONDS
    assert cues_seen == ["hold", "switch", "hold", "rep_done", "hold", "switch", "hold", "finished"]
    assert guide.held_seconds(state) == 80
    assert not state.running and guide.label(state) == "Finished · held 80 s in all"


def test_one_big_step_catches_up_through_several_phases():
    state = guide.start(Guide(stretch()), T0)
    state, cues = guide.advance(state, at(guide.LEAD_IN + 20 + guide.SWITCH_SECONDS + 7))
    assert (state.phase, state.rep, state.side) == (HOLDING, 1, "left")
    assert guide.seconds_left(state, state.since) == 13
    assert cues == ("hold", "switch", "hold")
    assert guide.held_seconds(state) == 27


def test_labels_name_hold_rep_and_side():
    state = guide.start(Guide(stretch(reps=3)), T0)
    state, _ = guide.advance(state, at(guide.LEAD_IN + 1))
    assert guide.label(state) == "Hold 20 s · rep 1 of 3 · right side"
    state, _ = walk(state, 19)
    assert guide.label(state) == "Switch to the left side"
    state, _ = walk(state, guide.SWITCH_SECONDS + 20)
    assert guide.label(state) == "Relax · next: rep 2 of 3 · right side"
    state, _ = walk(state, guide.REST_SECONDS + 20 + guide.SWITCH_SECONDS + 1)
    assert guide.label(state) == "Hold 20 s · rep 2 of 3 · left side"
    single = guide.start(Guide(stretch(per_side=False, reps=1)), T0)
    single, _ = guide.advance(single, at(guide.LEAD_IN))
    assert guide.label(single) == "Hold 20 s"


def test_a_stretch_not_per_side_rests_between_reps():
    state = guide.start(Guide(stretch(per_side=False, reps=2, hold=5)), T0)
    state, cues = guide.advance(state, at(guide.LEAD_IN + 5))
    assert (state.phase, state.rep, state.side) == (REST, 2, None)
    assert cues == ("hold", "rep_done")
    assert state.remaining == guide.SHORT_REST_SECONDS  # short holds get short rests


def test_pause_freezes_the_countdown_and_the_held_time():
    state = guide.start(Guide(stretch()), T0)
    state, _ = guide.advance(state, at(guide.LEAD_IN + 8))
    state, _ = guide.pause(state, at(guide.LEAD_IN + 10))
    assert not state.running
    assert guide.seconds_left(state, at(500)) == 10
    assert guide.advance(state, at(500)) == (state, ())
    assert guide.held_seconds(state) == 10
    state = guide.resume(state, at(500))
    state, _ = guide.advance(state, at(503))
    assert guide.seconds_left(state, at(503)) == 7
    assert guide.held_seconds(state) == 13


def test_held_seconds_count_only_holding():
    state = guide.start(Guide(stretch()), T0)
    state, _ = guide.advance(state, at(guide.LEAD_IN - 1))
    assert guide.held_seconds(state) == 0
    state, _ = guide.advance(state, at(guide.LEAD_IN + 20 + guide.SWITCH_SECONDS))  # through a switch
    assert guide.held_seconds(state) == 20


def test_the_countdown_rounds_up():
    state = guide.start(Guide(stretch()), T0)
    state, _ = guide.advance(state, at(guide.LEAD_IN + 0.2))
    assert guide.seconds_left(state, at(guide.LEAD_IN + 0.2)) == 20
    assert guide.seconds_left(state, at(guide.LEAD_IN + 19.9)) == 1


def test_skip_lead_in_starts_holding_at_once():
    state, cues = guide.skip_lead_in(Guide(stretch()), T0)
    assert (state.phase, state.running, cues) == (HOLDING, True, ("hold",))


def test_finished_guides_do_not_restart():
    state = guide.start(Guide(stretch(per_side=False, reps=1, hold=3)), T0)
    state, _ = guide.advance(state, at(60))
    assert state.phase == FINISHED
    assert guide.start(state, at(61)) == state


@pytest.mark.parametrize(
    "text, mirrored",
    [
        ("Turn to the right.", "Turn to the left."),
        ("Right hand on the LEFT knee", "Left hand on the RIGHT knee"),
        ("upright, bright, leftover", "upright, bright, leftover"),
        ("left-hand side; right.", "right-hand side; left."),
    ],
)
def test_mirror_sides_swaps_whole_words_and_keeps_case(text, mirrored):
    assert guide.mirror_sides(text) == mirrored


def test_the_second_side_shows_mirrored_steps():
    state = guide.start(Guide(stretch()), T0)
    assert guide.steps(state)[1] == "Turn to the right."
    state, _ = guide.advance(state, at(guide.LEAD_IN + 20))
    assert state.mirrored
    assert guide.steps(state) == (
        "Sit tall.",
        "Turn to the left.",
        "Look over your Left shoulder, then RIGHT.",
    )


def test_every_builtin_per_side_stretch_mirrors_to_the_other_side():
    for s in builtin_catalog().stretches:
        if not s.per_side:
            continue
        other = "left" if s.first_side == "right" else "right"
        mirrored = " ".join(guide.mirror_steps(s.steps)).lower()
        assert f" {other}" in mirrored, s.id
        assert guide.mirror_steps(guide.mirror_steps(s.steps)) == s.steps


def test_a_one_second_hold_is_timed_like_any_other():
    """Seed 003's trunk rotations hold a second; five reps on one side, then five on the other."""
    state = guide.skip_lead_in(Guide(stretch(reps=5, hold=1)), T0)[0]
    assert (state.phase, guide.seconds_left(state, T0), guide.label(state)) == (
        HOLDING,
        1,
        "Hold 1 s · rep 1 of 5 · right side",
    )
    state, cues = walk(state, 1)
    assert (state.phase, state.rep, state.side) == (REST, 2, "right") and cues == (guide.REP_DONE,)
    state, _ = guide.advance(state, at(10_000))
    assert state.phase == FINISHED and guide.held_seconds(state) == 10


def test_the_beginner_level_times_the_capped_hold():
    from deskbreak.core.catalog import at_level

    full = builtin_catalog().get("seated-side-bend")
    state = guide.skip_lead_in(Guide(at_level(full, "beginner")), T0)[0]
    assert guide.label(state) == "Hold 10 s · rep 1 of 3 · right side"
    assert guide.seconds_left(state, at(4)) == 6
    regular = guide.skip_lead_in(Guide(at_level(full, "regular")), T0)[0]
    assert guide.label(regular) == "Hold 30 s · rep 1 of 3 · right side"


def test_quick_pulses_do_every_rep_on_one_side_then_switch_once():
    state = guide.start(Guide(stretch(per_side=True, reps=3, hold=1)), T0)
    seen, t = [], 0.0
    while state.phase != FINISHED:
        t += 0.5
        state, _cues = guide.advance(state, at(t))
        key = (state.phase, state.rep, state.side)
        if not seen or seen[-1] != key:
            seen.append(key)
    assert seen[1:] == [
        (HOLDING, 1, "right"),
        (REST, 2, "right"),
        (HOLDING, 2, "right"),
        (REST, 3, "right"),
        (HOLDING, 3, "right"),
        (SWITCH, 1, "left"),
        (HOLDING, 1, "left"),
        (REST, 2, "left"),
        (HOLDING, 2, "left"),
        (REST, 3, "left"),
        (HOLDING, 3, "left"),
        (FINISHED, 3, "left"),
    ]
    assert state.held == 6 * 1


def test_long_holds_still_alternate_sides_every_rep():
    assert not guide.one_side_first(stretch(per_side=True, reps=2, hold=10))
    assert guide.one_side_first(stretch(per_side=True, reps=5, hold=2))
    assert not guide.one_side_first(stretch(per_side=False, reps=5, hold=2))


def test_a_flowing_move_holds_both_positions_of_every_rep():
    """Cat-cow is held as cow, then as cat, each for the hold; neither is a rest."""
    cat_cow = builtin_catalog().get("cat-cow")
    state = guide.start(Guide(cat_cow), T0)
    assert guide.label(state) == "Get into position · start with cow"
    seen, labels, cues_seen, t = [], [], [], 0.0
    while state.phase != FINISHED:
        t += 0.5
        state, cues = guide.advance(state, at(t))
        cues_seen.extend(cues)
        key = (state.phase, state.rep, state.position)
        if not seen or seen[-1] != key:
            seen.append(key)
            labels.append(guide.label(state))
    assert seen[1:5] == [(HOLDING, 1, "cow"), (HOLDING, 1, "cat"), (HOLDING, 2, "cow"), (HOLDING, 2, "cat")]
    assert seen[-1] == (FINISHED, 10, "cat")
    assert REST not in {phase for phase, _rep, _position in seen}
    assert labels[1:3] == ["Cow · hold 3 s · rep 1 of 10", "Cat · hold 3 s · rep 1 of 10"]
    assert not any("Relax" in line for line in labels)
    assert t == guide.LEAD_IN + 10 * 2 * 3, "both positions are timed, and reps flow with no rest"
    assert guide.held_seconds(state) == cat_cow.total_hold_seconds == 60
    assert cues_seen.count(guide.HOLD_START) == 20 and cues_seen.count(guide.REP_DONE) == 9


def test_pelvic_tilts_time_the_flat_back_and_the_hollow_alike():
    tilts = builtin_catalog().get("pelvic-tilts")
    state, _ = guide.skip_lead_in(Guide(tilts), T0)
    assert guide.label(state) == "Back flat · hold 5 s · rep 1 of 10"
    state, cues = guide.advance(state, at(5))
    assert (state.phase, state.position, guide.seconds_left(state, at(5))) == (HOLDING, "small hollow", 5)
    assert guide.label(state) == "Small hollow · hold 5 s · rep 1 of 10" and cues == (guide.HOLD_START,)
    state, cues = guide.advance(state, at(10))
    assert (state.rep, state.position) == (2, "back flat") and cues == (guide.REP_DONE, guide.HOLD_START)


def test_a_stretch_without_positions_has_no_position():
    assert Guide(stretch()).position is None
