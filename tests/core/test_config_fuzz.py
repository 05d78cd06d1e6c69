"""Bad input never escapes as anything but a ConfigError with one line per problem."""

from __future__ import annotations

import string
import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskbreak.core import config
from deskbreak.core.config import ConfigError

SECTIONS = ("schedule", "stretches", "prompt", "activity", "calendar", "goals", "schedul", "")
KEYS = (
    "interval_minutes",
    "timezone",
    "mon",
    "sat",
    "days_off",
    "prompt_timeout_minutes",
    "snooze_minutes",
    "snooze_choices",
    "min_minutes_before_end",
    "postures",
    "exclude",
    "focus",
    "custom",
    "window",
    "sound",
    "natural_break_minutes",
    "count",
    "settle_seconds",
    "ics",
    "daily_stretches",
    "id",
    "steps",
    "per_side",
    "x",
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(
        ["09:00-17:00", "25:00-26:00", "Europe/Berlin", "seated", "floor", "2026-02-30", "active"]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
documents = st.dictionaries(
    st.sampled_from(SECTIONS),
    st.one_of(st.dictionaries(st.sampled_from(KEYS), values, max_size=6), values),
    max_size=6,
)


def check(parse) -> None:
    try:
        parse()
    except ConfigError as error:
        lines = str(error).splitlines()
        assert lines and all(line.startswith("cfg.toml") and ": " in line for line in lines)
        assert all("Traceback" not in line for line in lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_documents_parse_or_give_one_line_errors(doc):
    check(lambda: config.parse({k: v for k, v in doc.items() if k}, "cfg.toml"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "äß€\x00", max_size=200))
def test_random_text_parses_or_gives_one_line_errors(text):
    check(lambda: config.loads(text, "cfg.toml"))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(KEYS), st.sampled_from(("schedule", "stretches", "activity", "goals")), scalars)
def test_one_bad_value_in_a_real_file_names_its_line(key, section, value):
    try:
        literal = tomllib.loads(
            f"v = {value!r}".replace("None", '""').replace("True", "true").replace("False", "false")
        )
    except tomllib.TOMLDecodeError:
        return
    text = f"# comment\n[{section}]\n{key} = {_toml(literal['v'])}\n"
    try:
        config.loads(text, "cfg.toml")
    except ConfigError as error:
        assert all(line.startswith("cfg.toml:") for line in str(error).splitlines())


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
