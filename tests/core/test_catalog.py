"""The built-in stretch catalog, the entry validator, catalog queries, and the illustrations."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from deskbreak.assets import builtin_catalog, load_builtin
from deskbreak.core.catalog import (
    AREAS,
    BEGINNER_MAX_HOLD,
    CAUTION_SHORT_MAX,
    LEVELS,
    POSTURES,
    Catalog,
    CatalogError,
    Stretch,
    at_level,
    level_note,
    stretch_from_entry,
    stretch_problems,
)

REPO = Path(__file__).resolve().parents[2]
ILLUSTRATIONS = REPO / "assets" / "stretches"
ILLUSTRATION_SIZE = (480, 360)


def raw_entries() -> list[dict]:
    text = resources.files("deskbreak").joinpath("data/stretches.toml").read_text("utf-8")
    return tomllib.loads(text)["stretch"]


BUILTIN = load_builtin()
BUILTIN_IDS = [s.id for s in BUILTIN]


def good_entry(**changes) -> dict:
    entry = {
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


def make(**changes) -> Stretch:
    return stretch_from_entry(good_entry(**changes))


# ------------------------------------------------------------------ the real catalog


@pytest.mark.parametrize("entry", raw_entries(), ids=lambda e: e.get("id", "?"))
def test_every_builtin_entry_is_complete_and_consistent(entry):
    assert stretch_problems(entry) == []
    assert entry.get("source"), "built-in stretches name the seed they come from"
    assert len(entry["caution"].rstrip(".").split(". ")) == 1, "one caution sentence"
    assert entry["caution"].endswith(".")
    for step in entry["steps"]:
        assert step[0].isupper() and step.endswith((".", ")")), step


def test_builtin_ids_and_names_are_unique():
    names = [s.name for s in BUILTIN]
    assert len(set(BUILTIN_IDS)) == len(BUILTIN_IDS)
    assert len({n.lower() for n in names}) == len(names)


def test_builtin_catalog_covers_desk_and_floor_postures():
    # Ten desk stretches are what the seeds support as distinct stretches (issue 13 dropped the
    # invented wall slide and a second chair rotation): more than a day's goal of six, no repeats.
    by_posture = {p: [s for s in BUILTIN if s.posture == p] for p in POSTURES}
    assert len(by_posture["seated"]) + len(by_posture["standing"]) >= 10
    assert len(by_posture["floor"]) >= 6
    assert by_posture["seated"] and by_posture["standing"]


@pytest.mark.parametrize(
    "stretch_id",
    [
        "seated-twist",
        "standing-back-extension",
        "seated-side-bend",
        "standing-side-stretch",
    ],
)
def test_named_stretches_are_present(stretch_id):
    assert stretch_id in BUILTIN_IDS


def test_seeded_numbers_are_kept():
    catalog = builtin_catalog()
    extension = catalog.get("standing-back-extension")
    assert 5 <= extension.hold_seconds <= 10 and 5 <= extension.reps <= 10
    assert not extension.per_side
    side = catalog.get("standing-side-stretch")
    assert 15 <= side.hold_seconds <= 20 and 2 <= side.reps <= 3 and side.per_side


def test_per_side_steps_name_the_first_side():
    for s in BUILTIN:
        if s.per_side:
            assert any(s.first_side in step.lower() for step in s.steps), s.id


def test_every_area_is_known_and_most_are_covered():
    covered = {a for s in BUILTIN for a in s.areas}
    assert covered <= set(AREAS)
    assert {"lower_back", "upper_back", "sides", "hips", "hamstrings", "quads"} <= covered


def test_every_source_cites_a_seed_number_and_passage():
    # tests/core/test_catalog_wording.py checks each passage against the seed's text.
    for s in BUILTIN:
        for citation in s.source.split("; "):
            number, _, passage = citation.partition(" ")
            assert len(number) == 3 and number.isdigit() and passage, f"{s.id}: {citation!r}"


def test_the_seated_set_is_varied():
    seated = [s for s in BUILTIN if s.posture == "seated"]
    turns = [s for s in seated if "turn" in " ".join(s.steps).lower()]
    assert len(seated) >= 5 and len(turns) <= 2, [s.id for s in turns]


@pytest.mark.parametrize("stretch_id", BUILTIN_IDS)
def test_every_builtin_stretch_has_an_illustration(stretch_id):
    from PIL import Image

    path = ILLUSTRATIONS / f"{stretch_id}.png"
    assert path.is_file(), f"run `python assets/figures.py` to draw {path.name}"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == ILLUSTRATION_SIZE


def test_app_icon_is_square():
    from PIL import Image

    with Image.open(REPO / "assets" / "icon.png") as image:
        assert image.size == (256, 256)


def test_every_builtin_stretch_has_a_pose():
    with (REPO / "assets" / "poses.toml").open("rb") as f:
        poses = tomllib.load(f)
    assert set(BUILTIN_IDS) <= set(poses)


# ------------------------------------------------------------------ the validator


def test_a_good_entry_has_no_problems():
    assert stretch_problems(good_entry()) == []


def fields(problems) -> list[str]:
    return [field for field, _value, _expected in problems]


@pytest.mark.parametrize(
    "missing",
    [
        "id",
        "name",
        "posture",
        "areas",
        "steps",
        "hold_seconds",
        "reps",
        "per_side",
        "caution",
    ],
)
def test_a_missing_field_is_a_problem(missing):
    entry = good_entry()
    del entry[missing]
    assert missing in fields(stretch_problems(entry))


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", "Seated Twist"),
        ("id", "seated_twist"),
        ("id", ""),
        ("name", ""),
        ("name", "x" * 41),
        ("posture", "lying"),
        ("posture", "Seated"),
        ("areas", []),
        ("areas", ["back"]),
        ("areas", "hips"),
        ("steps", ["Stand up.", "Reach your right arm up."]),
        ("steps", [f"Step {n} on the right." for n in range(7)]),
        ("steps", ["Stand up.", "Reach your right arm up.", "x" * 161]),
        ("steps", ["Stand up.", "Reach your right arm up.", ""]),
        ("hold_seconds", 0),
        ("hold_seconds", 121),
        ("hold_seconds", 20.0),
        ("hold_seconds", True),
        ("reps", 0),
        ("reps", 16),
        ("per_side", "yes"),
        ("caution", ""),
        ("caution_short", ""),
        ("caution_short", "x" * 81),
        ("caution_short", 3),
        ("source", 3),
        ("first_side", "both"),
    ],
)
def test_a_bad_value_is_a_problem(field, value):
    problems = stretch_problems(good_entry(**{field: value}))
    assert field in fields(problems)
    found = next(p for p in problems if p[0] == field)
    assert found[1] == value and found[2], "the problem carries the value and what was expected"


def test_an_unknown_field_is_a_problem():
    assert "duration" in fields(stretch_problems(good_entry(duration=30)))


def test_a_per_side_stretch_must_name_a_side_in_its_steps():
    steps = ["Stand in a doorway.", "Rest your forearm on the frame.", "Step forward gently."]
    assert fields(stretch_problems(good_entry(steps=steps))) == ["steps"]


def test_first_side_is_only_for_per_side_stretches():
    assert fields(stretch_problems(good_entry(per_side=False))) == ["first_side"]
    entry = good_entry(per_side=False)
    del entry["first_side"]
    assert stretch_problems(entry) == []


def test_per_side_without_first_side_starts_on_the_right():
    entry = good_entry()
    del entry["first_side"]
    assert stretch_problems(entry) == []
    assert stretch_from_entry(entry).first_side == "right"


def test_load_builtin_names_the_entry_and_field(tmp_path):
    entries = raw_entries()
    broken = copy.deepcopy(entries)
    broken[1]["posture"] = "lying"
    shipped = tmp_path / "stretches.toml"
    shipped.write_text("\n".join(_toml_entry(e) for e in broken), "utf-8")
    with pytest.raises(CatalogError, match=rf"stretch\[1\] \({entries[1]['id']}\)\.posture: got 'lying'"):
        load_builtin(shipped)


def _toml_entry(entry: dict) -> str:
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)

    return "[[stretch]]\n" + "\n".join(f"{k} = {value(v)}" for k, v in entry.items()) + "\n"


# ------------------------------------------------------------------ the model and the catalog


def test_sides_of_a_per_side_stretch_start_with_the_first_side():
    assert make().sides == ("right", "left")
    assert make(first_side="left", steps=["Sit.", "Turn to the left.", "Breathe."]).sides == ("left", "right")


def test_a_stretch_for_both_sides_at_once_has_one_unnamed_side():
    stretch = make(per_side=False, first_side=None)
    assert stretch.sides == (None,)


def test_total_hold_counts_every_rep_on_every_side():
    assert make(hold_seconds=20, reps=2).total_hold_seconds == 80
    assert make(hold_seconds=8, reps=5, per_side=False).total_hold_seconds == 40


def test_summary_says_hold_reps_and_sides():
    assert make(hold_seconds=20, reps=3).summary() == "Hold 20 s · 3 reps · each side"
    assert make(hold_seconds=60, reps=1, per_side=False).summary() == "Hold 60 s · 1 rep"


def test_seed_holds_of_a_second_or_two_are_kept():
    catalog = builtin_catalog()
    assert catalog.get("seated-trunk-rotation").hold_seconds == 1  # 003: "holding for a second"
    assert catalog.get("seated-figure-four").hold_seconds == 2  # 003: "a second or two"
    assert stretch_problems(good_entry(hold_seconds=1)) == []


def test_caution_short_falls_back_to_the_caution():
    assert make().caution_short == "Stop if your shoulder pinches."
    assert make(caution_short="Mind the shoulder.").caution_short == "Mind the shoulder."
    for s in BUILTIN:
        assert 0 < len(s.caution_short) <= CAUTION_SHORT_MAX, s.id


def test_beginners_hold_at_most_ten_seconds_and_regular_keeps_the_catalog_hold():
    long, short = make(hold_seconds=30), make(hold_seconds=5)
    assert at_level(long, "beginner").hold_seconds == BEGINNER_MAX_HOLD == 10
    assert at_level(long, "beginner").summary() == "Hold 10 s · 2 reps · each side"
    assert at_level(short, "beginner") == short, "holds already under the cap are the seed's own"
    assert at_level(long, "regular") == long
    assert set(LEVELS) == {"beginner", "regular"}


def test_for_user_applies_the_level_to_built_ins_only():
    catalog = builtin_catalog()
    own = make(id="doorway-chest", hold_seconds=40)
    mine = catalog.for_user("beginner", [own])
    assert all(s.hold_seconds <= 10 for s in mine.stretches if s.id != own.id)
    assert mine.get("doorway-chest").hold_seconds == 40, "a user's own stretch keeps the hold they wrote"
    assert catalog.for_user("regular") == catalog
    assert mine.get("seated-side-bend").hold_seconds == 10
    assert catalog.get("seated-side-bend").hold_seconds == 30


def test_level_note_says_how_to_change_it():
    assert 'level = "regular"' in level_note("beginner") and "10 s" in level_note("beginner")
    assert 'level = "beginner"' in level_note("regular")


def test_every_builtin_summary_reads_well():
    for s in BUILTIN:
        assert s.summary().startswith(f"Hold {s.hold_seconds} s · {s.reps} rep")


def test_eligible_filters_by_posture_and_exclusions():
    catalog = builtin_catalog()
    desk = catalog.eligible(["seated", "standing"])
    assert desk and all(s.posture in ("seated", "standing") for s in desk)
    assert not any(s.posture == "floor" for s in desk)
    assert len(catalog.eligible(POSTURES)) == len(catalog.stretches)
    assert catalog.eligible([]) == ()
    fewer = catalog.eligible(["seated", "standing"], exclude=["seated-twist", "no-such-stretch"])
    assert "seated-twist" not in {s.id for s in fewer}
    assert len(fewer) == len(desk) - 1
    assert [s.id for s in desk] == [s.id for s in catalog.stretches if s.posture != "floor"]


def test_with_custom_adds_and_replaces_by_id():
    catalog = builtin_catalog()
    own = make()
    mine = make(id="seated-twist", name="My twist", posture="seated", source="user")
    merged = catalog.with_custom([own, mine])
    assert merged.get("doorway-chest") == own
    assert merged.get("seated-twist").name == "My twist"
    assert len(merged.stretches) == len(catalog.stretches) + 1
    assert merged.ids().count("seated-twist") == 1
    assert catalog.get("seated-twist").name == "Seated spinal twist", "the original is unchanged"
    assert catalog.with_custom([]) == catalog


def test_get_and_ids():
    catalog = Catalog((make(), make(id="other", name="Other")))
    assert catalog.ids() == ("doorway-chest", "other")
    assert catalog.get("other").name == "Other"
    assert catalog.get("missing") is None


def test_the_readme_table_lists_every_builtin_stretch_as_the_catalog_has_it():
    import re

    readme = (REPO / "README.md").read_text("utf-8")
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (\w+) \| (\d+) × (\d+) s( a side)? \|", readme, re.M)
    assert [(i, p, int(r), int(h), bool(side)) for i, p, r, h, side in rows] == [
        (s.id, s.posture, s.reps, s.hold_seconds, s.per_side) for s in BUILTIN
    ]
    for quoted in re.findall(r'"stretch": \{"id": "([^"]+)"', readme):
        assert quoted in BUILTIN_IDS, f"README names {quoted!r}, which the catalog does not have"
