from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from deskbreak.core import config
from deskbreak.core.config import ConfigError, WorkWindow


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config.loads(text, "cfg.toml")
    return str(caught.value).splitlines()


def test_defaults_are_weekday_office_hours_every_45_minutes_seated_and_standing():
    c = config.defaults()
    assert c.schedule.interval_minutes == 45
    assert [str(w) for w in c.schedule.week[0]] == ["09:00-12:30", "13:30-17:30"]
    assert c.schedule.week[4] == c.schedule.week[0]
    assert c.schedule.week[5] == () and c.schedule.week[6] == ()
    assert c.stretches.postures == ("seated", "standing")


def test_an_empty_file_means_the_defaults():
    assert config.loads("", "cfg.toml").schedule == config.defaults().schedule


def test_a_full_config_is_parsed_into_frozen_values():
    c = config.loads(
        """
[schedule]
interval_minutes = 30
timezone = "Europe/Berlin"
mon = ["08:00-12:00", "13:00-24:00"]
sat = ["10:00-11:00"]
fri = []
days_off = ["2026-12-24"]
snooze_choices = [15, 5]
[stretches]
postures = ["floor"]
focus = ["lower_back"]
exclude = ["seated-twist"]
[[stretches.custom]]
id = "doorway-chest"
name = "Doorway chest opener"
posture = "standing"
areas = ["chest"]
steps = ["Stand in a doorway.", "Rest your right forearm on the frame.", "Step forward gently."]
hold_seconds = 20
reps = 2
per_side = true
caution = "Keep the shoulder low."
[goals]
daily_stretches = 4
""",
        "cfg.toml",
    )
    assert c.schedule.week[0] == (WorkWindow(480, 720), WorkWindow(780, 1440))
    assert c.schedule.week[4] == ()
    assert c.schedule.week[5] == (WorkWindow(600, 660),)
    assert c.schedule.days_off == (date(2026, 12, 24),)
    assert c.schedule.snooze_choices == (5, 15)
    assert c.stretches.custom[0].first_side == "right"
    assert c.goals.daily_stretches == 4
    with pytest.raises(AttributeError):
        c.schedule.interval_minutes = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "[schedule]\ninterval_minutes = 0",
            "cfg.toml:2: schedule.interval_minutes: got 0, expected a whole number from 1 to 480",
        ),
        ("[schedule]\ninterval_minutes = 481", "got 481, expected a whole number from 1 to 480"),
        ('[schedule]\ninterval_minutes = "45"', 'got "45", expected a whole number'),
        ("[schedule]\ninterval_minutes = 4.5", "got 4.5, expected a whole number"),
        ("[schedule]\ninterval_minutes = true", "got true, expected a whole number"),
        (
            '[schedule]\ntimezone = "Mars/Base"',
            'cfg.toml:2: schedule.timezone: got "Mars/Base", expected an IANA time zone',
        ),
        (
            '[schedule]\nmon = ["9-5"]',
            'cfg.toml:2: schedule.mon[0]: got "9-5", expected a range "HH:MM-HH:MM"',
        ),
        ('[schedule]\nmon = ["17:00-09:00"]', 'schedule.mon[0]: got "17:00-09:00"'),
        ('[schedule]\nmon = ["09:00-12:00", "11:00-13:00"]', "expected ranges that do not overlap"),
        (
            '[schedule]\nmon = "09:00-17:00"',
            'schedule.mon: got "09:00-17:00", expected a list of "HH:MM-HH:MM" ranges',
        ),
        (
            '[schedule]\ndays_off = ["2026-02-30"]',
            'schedule.days_off[0]: got "2026-02-30", expected ISO dates',
        ),
        (
            "[schedule]\nsnooze_choices = []",
            "schedule.snooze_choices: got [], expected a list of 1-6 whole minutes",
        ),
        (
            "[schedule]\nintervall_minutes = 3",
            'cfg.toml:2: schedule.intervall_minutes: got 3, expected a known key (did you mean "interval_minutes"?)',
        ),
        (
            "[schedul]\ninterval_minutes = 3",
            'cfg.toml:1: schedul: got {"interval_minutes": 3}, expected a known key (did you mean "schedule"?)',
        ),
        (
            '[stretches]\npostures = ["lying"]',
            'stretches.postures[0]: got "lying", expected "seated" or "standing" or "floor"',
        ),
        ('[stretches]\nfocus = ["toes"]', 'stretches.focus[0]: got "toes", expected a known body area'),
        ('[prompt]\nwindow = "always"', 'prompt.window: got "always", expected "on_click" or "with_prompt"'),
        (
            '[stretches]\nlevel = "beginer"',
            'cfg.toml:2: stretches.level: got "beginer", expected "beginner" or "regular" (did you mean "beginner"?)',
        ),
        (
            '[stretches]\nlevel = "expert"',
            'cfg.toml:2: stretches.level: got "expert", expected "beginner" or "regular"',
        ),
        ("[stretches]\nlevel = 2", 'stretches.level: got 2, expected "beginner" or "regular"'),
        (
            '[stretches]\nlevle = "regular"',
            'cfg.toml:2: stretches.levle: got "regular", expected a known key (did you mean "level"?)',
        ),
        ('[activity]\ncount = "wall"', 'activity.count: got "wall", expected "active" or "clock"'),
        (
            "[activity]\nnatural_break_minutes = 0",
            "activity.natural_break_minutes: got 0, expected a whole number from 1 to 120",
        ),
        ("[goals]\ndaily_stretches = -1", "goals.daily_stretches: got -1"),
        ("schedule = 3", "schedule: got 3, expected a table [schedule]"),
        (
            "[schedule]\nmon=[]\ntue=[]\nwed=[]\nthu=[]\nfri=[]",
            "expected at least one day with a work window",
        ),
    ],
)
def test_each_bad_value_is_one_line_naming_key_value_and_expectation(text, expected):
    lines = problems_of(text)
    assert len(lines) == 1
    assert expected in lines[0]
    assert lines[0].startswith("cfg.toml")


def test_the_stretch_level_defaults_to_beginner():
    assert config.defaults().stretches.level == "beginner"
    assert config.loads('[stretches]\nlevel = "regular"\n', "cfg.toml").stretches.level == "regular"
    assert "did you mean" not in problems_of('[stretches]\nlevel = "expert"')[0]


def test_every_problem_is_reported_once_in_file_order():
    lines = problems_of('[schedule]\ninterval_minutes = 0\n\n[stretches]\npostures = ["x"]\n')
    assert [line.split(":")[1] for line in lines] == ["2", "5"]


def test_a_custom_stretch_is_validated_like_the_built_in_ones():
    lines = problems_of('[[stretches.custom]]\nid = "x"\nname = "X"\nposture = "lying"\n')
    assert any('stretches.custom[0].posture: got "lying"' in line for line in lines)
    assert any("stretches.custom[0].steps: got nothing" in line for line in lines)


def test_broken_toml_names_the_line():
    (line,) = problems_of("[schedule]\ninterval_minutes = = 3\n")
    assert line.startswith("cfg.toml:2: not valid TOML")


def test_the_example_config_is_valid_and_documents_every_key():
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    text = example.read_text("utf-8")
    assert config.loads(text, str(example)).schedule == config.defaults().schedule
    for table in ("schedule", "stretches", "prompt", "activity", "calendar", "goals"):
        fields = getattr(config.Config(), table).__dataclass_fields__
        for name in fields:
            if name == "week":
                continue
            if name == "custom":
                assert "[[stretches.custom]]" in text
                continue
            assert f"{name} =" in text, f"config.example.toml does not document {table}.{name}"


def test_key_lines_follow_tables_and_arrays_of_tables():
    lines = config.key_lines("a = 1\n[t]\nb = [\n  1,\n]\nc = 2\n[[t.arr]]\nd = 1\n[[t.arr]]\nd = 2\n")
    assert lines["a"] == 1 and lines["t.b"] == 3 and lines["t.c"] == 6
    assert lines["t.arr[0].d"] == 8 and lines["t.arr[1].d"] == 10


# --- inputs that once escaped as a traceback: each is now one line naming file, key, value, expectation


@pytest.mark.parametrize("region", ["America", "Europe", "US"])
def test_a_time_zone_region_is_one_line_asking_for_a_zone_inside_it(region):
    (line,) = problems_of(f'[schedule]\ntimezone = "{region}"\n')
    assert line == (
        f'cfg.toml:2: schedule.timezone: got "{region}", expected a zone inside the region "{region}", '
        f'such as "{region}/<City>"'
    )


@pytest.mark.parametrize("name", ["a" * 300, "Europe/" + "b" * 300, "../../etc/passwd", "Europe/Berlin\x00"])
def test_an_impossible_time_zone_name_is_one_line(name):
    text = "[schedule]\ntimezone = " + json.dumps(name) + "\n"
    (line,) = problems_of(text)
    assert line.startswith("cfg.toml:2: schedule.timezone: got ") and line.endswith(
        'expected an IANA time zone such as "Europe/Berlin", or "" for the local zone'
    )
    assert len(line) < 250


DEEP = 3000  # past tomllib's and json's recursion limits


@pytest.mark.parametrize(
    "text, key",
    [
        ("[schedule]\nmon = " + "[" * DEEP + "]" * DEEP, "schedule.mon"),
        ("[schedule]\nmon = " + "[" * 400 + "]" * 400, "schedule.mon"),  # tomllib reads this one
        ("[goals]\nx = " + "{a = " * DEEP + "1" + "}" * DEEP, "goals.x"),
        ("[goals]\nx = " + "{a = " * 300 + "1" + "}" * 300, "goals.x"),
        ("a" + ".a" * DEEP + " = 1", "a"),
        ("[schedule]\nx" + ".x" * DEEP + " = 1", "schedule.x"),
        ("[" + "a." * DEEP + "a]\nb = 1", "a"),
        ("[" + "schedule." + "a." * DEEP + "a]", "schedule.a"),
    ],
    ids=[
        "arrays",
        "arrays-400",
        "inline",
        "inline-300",
        "dotted",
        "dotted-in-table",
        "header",
        "header-in-table",
    ],
)
def test_values_nested_absurdly_deep_are_one_line_not_a_recursion_error(text, key):
    lines = problems_of(text)
    assert len(lines) == 1, lines
    assert f"{key}: got lists or tables nested more than 16 levels deep, expected at most 16" in lines[0]
    assert lines[0].startswith("cfg.toml")


def test_sixteen_levels_are_still_read_and_checked_as_usual():
    # the table [schedule] is the first level, the list `mon` the second
    (line,) = problems_of("[schedule]\nmon = " + "[" * 15 + "]" * 15)
    nested = "[" * 14 + "]" * 14
    assert line.startswith(f"cfg.toml:2: schedule.mon[0]: got {nested}, expected a range")


def test_a_byte_order_mark_at_the_start_is_accepted():
    assert (
        config.loads("\ufeff[schedule]\ninterval_minutes = 40\n", "cfg.toml").schedule.interval_minutes == 40
    )


def test_a_byte_order_mark_inside_the_file_is_named():
    (line,) = problems_of("[schedule]\ninterval_minutes = 40\n\ufeffsnooze_minutes = 5\n")
    assert (
        line == "cfg.toml:3: not valid TOML: line: got a byte-order mark (U+FEFF), expected text without one"
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "[schedule]\n\ninterval_minutes =\n",
            'cfg.toml:3: not valid TOML: schedule.interval_minutes: got nothing, expected a value after "="',
        ),
        (
            "[schedule]\ninterval_minutes = = 3\n",
            'cfg.toml:2: not valid TOML: schedule.interval_minutes: got = 3, expected a value after "="',
        ),
        (
            '[schedule]\nmon = ["09:00-12:00"\n',
            'cfg.toml:2: not valid TOML: schedule.mon: got ["09:00-12:00", expected a "]" closing the list',
        ),
        (
            '[prompt]\nwindow = "on_click\n',
            'cfg.toml:2: not valid TOML: prompt.window: got "on_click, expected a closing quote on the same line',
        ),
        (
            "[schedule]\ninterval_minutes = 40\n[schedule]\n",
            "cfg.toml:3: not valid TOML: schedule: got [schedule], expected each [table] declared once",
        ),
        (
            "[schedule\ninterval_minutes = 40\n",
            'cfg.toml:1: not valid TOML: schedule: got [schedule, expected a "]" closing the [table] header',
        ),
        (
            '[schedule]\ntimezone = "Europe\\Berlin"\n',
            'cfg.toml:2: not valid TOML: schedule.timezone: got "Europe\\Berlin", expected each backslash',
        ),
        (
            "interval_minutes 45\n",
            'cfg.toml:1: not valid TOML: line: got interval_minutes 45, expected a "=" after the key',
        ),
    ],
)
def test_a_syntax_error_names_the_key_on_its_line_what_is_there_and_what_was_expected(text, expected):
    (line,) = problems_of(text)
    assert line.startswith(expected)


def test_a_key_path_of_thousands_of_parts_is_refused_before_toml_spends_minutes_on_it():
    text = "[schedule]\n" + "x" + ".x" * 200_000 + " = 1\n"  # tomllib's time grows with the square
    (line,) = problems_of(text)
    assert line.startswith("cfg.toml:2: schedule.x: got lists or tables nested more than 16 levels deep")


def test_many_dots_in_values_or_in_a_list_are_not_mistaken_for_a_key_path():
    floats = ", ".join("1.5" for _ in range(40))
    lines = problems_of(f'[schedule]\nsnooze_choices = [\n  {floats}\n]\ntimezone = "{"a." * 20}"\n')
    assert [line.split(": ")[1] for line in lines] == ["schedule.snooze_choices", "schedule.timezone"]
