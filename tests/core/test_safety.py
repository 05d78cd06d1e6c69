"""The safety note and the stretch cautions carry every safety fact of the seeds, never softened."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deskbreak.assets import load_builtin
from deskbreak.core.safety import SAFETY_NOTE

NOTE = SAFETY_NOTE.lower()


@pytest.mark.parametrize(
    "fact",
    [
        r"never bouncing",
        r"keep breathing",
        r"stop at sharp pain",
        r"recent injury.*severe back pain.*spine condition.*see a health professional before you start",
        r"numbness, tingling or weakness means stop and seek care",
        r"pain running down one or both legs.*control of your bladder or bowels.*seek care at once",
        r"not medical advice",
    ],
)
def test_the_note_states_each_fact(fact):
    assert re.search(fact, NOTE), fact


def test_tingling_or_numbness_in_a_caution_always_means_stop_and_seek_care():
    for s in load_builtin():
        for text in (s.caution, s.caution_short):
            lowered = text.lower()
            if re.search(r"tingl|numb", lowered):
                assert "stop and seek care" in lowered, (s.id, text)
                assert "skip" not in lowered, (s.id, text)


def test_chair_twists_warn_about_swivel_chairs_and_armrests():
    for s in load_builtin():
        if s.posture == "seated" and re.search(r"\bturn", " ".join(s.steps).lower()):
            assert "swivel" in s.caution.lower() and "swivel" in s.caution_short.lower(), s.id
    twist = next(s for s in load_builtin() if s.id == "seated-twist")
    assert "armrest" in twist.caution and "armrest" in twist.caution_short


def readme_safety_section() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    return readme.split("## Safety", 1)[1].split("\n## ", 1)[0]


def test_the_readme_quotes_the_note_word_for_word():
    """One text everywhere: the README's quoted note is SAFETY_NOTE, not a retelling of it."""
    quoted = [line[1:].strip() for line in readme_safety_section().splitlines() if line.startswith(">")]
    assert " ".join(quoted) == SAFETY_NOTE


def test_the_readme_safety_section_says_the_same():
    section = readme_safety_section().replace("**", "").replace("\n> ", " ").replace("\n", " ")
    for fact in (
        "bounc",
        "keep breathing",
        "sharp pain",
        "recent injury",
        "spine condition",
        "one or both legs",
        "bladder or bowels",
        "at once",
        "Numbness, tingling or weakness",
        "not medical advice",
        "swivel",
    ):
        assert fact in section, fact


def test_the_catalog_header_points_at_the_note_instead_of_retelling_it():
    header = (Path(__file__).resolve().parents[2] / "deskbreak" / "data" / "stretches.toml").read_text(
        "utf-8"
    )
    header = header.split("\n[[stretch]]", 1)[0]
    assert "deskbreak/core/safety.py" in header
    assert "keep breathing" not in header.lower(), "the note's facts live in one text"
