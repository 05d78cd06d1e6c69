"""The pieces of config validation: a problem, the error that lists them, a reader that records a
problem and carries on (so one run reports every problem), and the value checks the schema uses."""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .config_lines import line_for


class Missing(enum.Enum):
    """No value at all (a required key left out), as opposed to a bad one."""

    MISSING = "missing"


MISSING = Missing.MISSING

# A real config nests four levels (stretches.custom[0].steps[0]); far deeper is a mistake or an
# attack, and walking it would exhaust the interpreter's stack.
MAX_NESTING = 16


@dataclass(frozen=True)
class Problem:
    key: str
    value: object
    expected: str
    line: int | None = None
    # For a file TOML cannot read, what the parser said is wrong; the key then names the key on
    # the line, when there is one.
    toml_error: bool = False

    def format(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        got = "nothing" if self.value is MISSING else show(self.value)
        if self.toml_error:
            return f"{where}: not valid TOML: {self.key}: got {got}, expected {self.expected}"
        return f"{where}: {self.key}: got {got}, expected {self.expected}"


class ConfigError(ValueError):
    """One or more problems in a config file; `str()` is one line per problem."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(p.format(path) for p in problems))


class Raw(str):
    """Text shown as it is, not quoted: a piece of TOML as written, or a description of a value."""


def show(value: object) -> str:
    """A value as the user wrote it, on one line, at most 80 characters."""
    try:
        text = str(value) if isinstance(value, Raw) else json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = "(a value that cannot be shown)"
    # One line, always: escape line separators and other unprintable characters JSON lets through.
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= 80 else text[:77] + "..."


def nesting_depth(value: object, limit: int = MAX_NESTING) -> int:
    """How deeply lists and tables nest in `value`, counted without recursion and up to `limit + 1`."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if not isinstance(item, (list, dict)):
            continue
        deepest = max(deepest, depth + 1)
        if deepest > limit:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)
    return deepest


def did_you_mean(value: object, options: tuple[str, ...] | list[str], cutoff: float = 0.6) -> str:
    """' (did you mean "x"?)' for a string close to one of `options`, else ""."""
    if not isinstance(value, str) or value in options:
        return ""
    import difflib  # only for a config with a typo: not kept in the daemon's memory otherwise

    hint = difflib.get_close_matches(value, options, n=1, cutoff=cutoff)
    return f' (did you mean "{hint[0]}"?)' if hint else ""


class Reader:
    """Collects problems with the line each key is on, so every one of them is reported at once."""

    def __init__(self, lines: Mapping[str, int]):
        self.problems: list[Problem] = []
        self.lines = lines

    def problem(self, key: str, value: object, expected: str) -> None:
        self.problems.append(Problem(key, value, expected, line_for(self.lines, key)))

    def table(self, doc: Mapping[str, Any], key: str, known: tuple[str, ...]) -> dict[str, Any]:
        """The table `doc[key]` (empty when absent), each unknown key in it reported."""
        value = doc.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, value, "a table")
            return {}
        for name in value:
            if name not in known:
                hint = did_you_mean(name, known)
                expected = f"a known key{hint}" if hint else f"one of {', '.join(known)}"
                self.problem(f"{key}.{name}" if key else name, value[name], expected)
        return value


def valid_timezone(name: str) -> bool:
    """An IANA zone name this machine knows, or "" (the local zone)."""
    return name == "" or timezone_problem(name) is None


# An IANA name is ASCII parts (Area/Location, e.g. America/Argentina/Buenos_Aires, Etc/GMT+5) of at
# most 14 characters by the tz database's own rule; 40 leaves room for older aliases.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]{1,40}(/[A-Za-z0-9_+\-]{1,40}){0,3}")


def timezone_problem(name: str) -> str | None:
    """Why `name` is not a usable zone ("" for the local zone is fine), or None."""
    expected = 'an IANA time zone such as "Europe/Berlin", or "" for the local zone'
    if name == "":
        return None
    if not _ZONE_NAME.fullmatch(name):
        return expected
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except IsADirectoryError:  # a folder of the tz database ("America", "Europe", "US")
        return f'a zone inside the region "{name}", such as "{name}/<City>"'
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return expected
    return None


def iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))
