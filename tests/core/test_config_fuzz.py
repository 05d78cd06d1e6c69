"""Bad input never escapes as anything but a ConfigError with one line per problem."""

from __future__ import annotations

import contextlib
import io
import signal
import string
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskbreak.cli import main
from deskbreak.core import config
from deskbreak.core.config import ConfigError
from deskbreak.store import config_file

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


# --- `deskbreak config check` itself, over generated TOML-like files: exit 0 or 2, one line per
# problem, never a traceback, never a hang.


class Hang(BaseException):
    """Raised by the alarm in the test's own thread; a BaseException so no handler swallows it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    def expire(signum, frame):
        raise Hang(f"config check still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


HEADERS = st.sampled_from(
    [
        "[schedule]",
        "[stretches]",
        "[[stretches.custom]]",
        "[prompt]",
        "[activity]",
        "[calendar]",
        "[goals]",
        "[schedul]",
        "[schedule.mon]",
        '["schedule"]',
        "[a.b.c]",
        "[[goals]]",
        "[",
        "[]",
    ]
)
KEY_TEXT = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from(KEYS).map(lambda k: f"schedule.{k}"),
    st.sampled_from(KEYS).map(lambda k: f'"{k}"'),
    st.text(alphabet=string.ascii_letters + '_-." ', min_size=1, max_size=12),
)
TOKENS = st.sampled_from(
    [
        "45",
        "0",
        "-1",
        "1_000",
        "0x1F",
        "4.5",
        "inf",
        "nan",
        "1e999",
        "true",
        "false",
        '""',
        '"Europe/Berlin"',
        '"America"',
        '"US"',
        '"' + "a" * 300 + '"',
        '"09:00-12:30"',
        '"25:00-26:00"',
        '"seated"',
        '"floor"',
        '"lying"',
        '"beginer"',
        '"on_click"',
        '"active"',
        '"2026-12-24"',
        '"2026-02-30"',
        "2026-12-24",
        "07:32:00",
        "1979-05-27T07:32:00Z",
        "'literal'",
        '"""multi"""',
        '"esc \\u00e9 \\t"',
        '"/dev/zero"',
        '"~/cal/work.ics"',
        "[]",
        "{}",
        "=",
        "",
        "[",
        "{",
        '"unterminated',
        "\ufeff",
        "\x00",
        "\u2028",
    ]
)


def _nest(depth: int) -> str:
    return "[" * depth + "]" * depth


VALUE_TEXT = st.recursive(
    st.one_of(TOKENS, st.sampled_from([1, 15, 16, 17, 400, 3000]).map(_nest)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(KEYS), inner), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k} = {v}" for k, v in pairs) + "}"
        ),
    ),
    max_leaves=8,
)
LINES = st.one_of(
    HEADERS,
    st.tuples(KEY_TEXT, VALUE_TEXT).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.tuples(KEY_TEXT, VALUE_TEXT).map(lambda kv: f"{kv[0]}={kv[1]} # note"),
    st.sampled_from(["", "# a comment", "a" + ".a" * 3000 + " = 1", "[" + "a." * 3000 + "a]"]),
    st.text(alphabet=string.printable + "äß€\ufeff\x00\u2028[]{}=\"'", max_size=30),
)
FILES = st.one_of(
    st.tuples(st.booleans(), st.lists(LINES, max_size=12), st.sampled_from(["\n", "\r\n"]))
    .map(lambda parts: ("\ufeff" if parts[0] else "") + parts[2].join(parts[1]))
    .map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FILES)
def test_config_check_on_generated_files_exits_0_or_2_with_one_line_per_problem(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        with time_limit(10), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["config", "check", str(path)])
        if code == 0:
            assert out.getvalue() == f"ok: {path}\n" and err.getvalue() == ""
            return
        assert code == 2 and out.getvalue() == ""
        lines = err.getvalue().splitlines()
        with pytest.raises(ConfigError) as caught:
            config_file.check(path)
        assert len(lines) == len(caught.value.problems) >= 1
        for line in lines:
            assert line.startswith(f"{path}") and ": got " in line and ", expected " in line, line
            assert "Traceback" not in line and len(line) < 500, line
