"""What the catalog's texts promise matches what the app does: sides, levels and flowing moves."""

from __future__ import annotations

import re

import pytest

from deskbreak.assets import load_builtin
from deskbreak.core.catalog import LEVELS, Stretch, at_level, stretch_from_entry, stretch_problems

BUILTIN = load_builtin()
_SIDE = re.compile(r"\b(left|right)\b", re.IGNORECASE)
_NUMBER = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty)"
# "five or more slow breaths", "for 20 seconds", "three slow, deep breaths"
_COUNTED_HOLD = re.compile(
    _NUMBER + r"\b(,?\s+(or more|more|slow|deep|long|full))*,?\s+(breaths?|seconds?)\b"
)


def good_entry(**changes: object) -> dict:
    entry: dict = {
        "id": "doorway-chest",
        "name": "Doorway chest stretch",
        "posture": "standing",
        "areas": ["chest", "shoulders"],
        "steps": ["Stand in a doorway.", "Rest your right forearm on the frame.", "Step forward gently."],
        "hold_seconds": 20,
        "reps": 2,
        "per_side": True,
        "first_side": "right",
        "caution": "Stop if your shoulder pinches.",
        "source": "user",
    }
    entry.update(changes)
    return entry


def fields(problems: list) -> list[str]:
    return [field for field, _value, _expected in problems]


@pytest.mark.parametrize("stretch", [s for s in BUILTIN if s.per_side], ids=lambda s: s.id)
def test_a_per_side_caution_names_no_side_because_it_shows_on_both(stretch):
    assert not _SIDE.search(stretch.caution), stretch.caution
    assert not _SIDE.search(stretch.caution_short), stretch.caution_short


def test_a_side_in_a_per_side_caution_is_a_problem():
    assert "caution" in fields(stretch_problems(good_entry(caution="Hold the right armrest.")))
    assert "caution" in fields(stretch_problems(good_entry(caution_short="Mind the LEFT knee.")))
    both_at_once = good_entry(per_side=False, caution="Keep the left knee soft.")
    del both_at_once["first_side"]
    assert stretch_problems(both_at_once) == [], "a stretch done once may name a side"


def test_the_counted_hold_finder_finds_breath_and_second_counts():
    for text in (
        "After five or more slow breaths, roll up.",
        "Take three slow, deep breaths.",
        "Hold 20 seconds.",
    ):
        assert _COUNTED_HOLD.search(text.lower()), text
    assert not _COUNTED_HOLD.search("breathe slowly through the hold, five fingers spread")


@pytest.mark.parametrize("level", LEVELS)
def test_steps_leave_the_length_of_a_hold_to_the_timer_at_every_level(level):
    """The hold changes with the level (beginners hold 10 s), so a step that counts breaths or seconds
    would disagree with the countdown at one level or the other; the summary line carries the hold."""
    for stretch in BUILTIN:
        shown = at_level(stretch, level)
        for step in shown.steps:
            assert not _COUNTED_HOLD.search(step.lower()), (stretch.id, level, step)
        assert shown.summary().startswith(f"Hold {shown.hold_seconds} s"), (stretch.id, level)


def test_flowing_moves_name_the_two_positions_they_hold():
    catalog = {s.id: s for s in BUILTIN}
    assert catalog["cat-cow"].positions == ("cow", "cat")
    assert catalog["pelvic-tilts"].positions == ("back flat", "small hollow")
    assert catalog["cat-cow"].summary() == "Hold 3 s · 10 reps · cow, then cat"
    assert catalog["cat-cow"].total_hold_seconds == 3 * 10 * 2, "both positions are held"
    assert all(not s.positions for s in BUILTIN if s.per_side)


@pytest.mark.parametrize(
    "positions",
    [["cow"], ["cow", "cat", "dog"], ["cow", ""], ["cow", "x" * 21], "cow", [1, 2]],
)
def test_bad_positions_are_a_problem(positions):
    entry = good_entry(per_side=False, positions=positions)
    del entry["first_side"]
    assert "positions" in fields(stretch_problems(entry))


def test_positions_are_only_for_a_stretch_done_once():
    assert "positions" in fields(stretch_problems(good_entry(positions=["up", "down"])))
    entry = good_entry(per_side=False, positions=["up", "down"])
    del entry["first_side"]
    assert stretch_problems(entry) == []
    made: Stretch = stretch_from_entry(entry)
    assert made.positions == ("up", "down") and made.sides == (None,)
