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

from ..i18n import N_, _
from .config_lines import line_for


class Missing(enum.Enum):
    """No value at all (a required key left out), as opposed to a bad one."""

    MISSING = "missing"


MISSING = Missing.MISSING

# A real config nests four levels (stretches.custom[0].steps[0]); far deeper is a mistake or an
# attack, and walking it would exhaust the interpreter's stack.
MAX_NESTING = 16

# Translators: "Europe/Berlin" and "" are written in the config as shown: keep them.
ZONE_EXPECTED = N_('an IANA time zone such as "Europe/Berlin", or "" for the local zone')


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
        """One line in the user's language; the path, key and value stay as written (`expected` was
        translated when the problem was recorded)."""
        where = f"{path}:{self.line}" if self.line else path
        # Translators: a config key was left out: "key: got nothing, expected ...".
        got = _("nothing") if self.value is MISSING else show(self.value)
        fields = {"where": where, "key": self.key, "got": got, "expected": self.expected}
        if self.toml_error:
            # Translators: {where} is the file and line, {key} a config key and {got} its value as
            # written: keep "TOML"; {expected} says what belongs there.
            return _("{where}: not valid TOML: {key}: got {got}, expected {expected}").format(**fields)
        # Translators: {where} is the file and line, {key} a config key and {got} its value as written;
        # {expected} says what belongs there.
        return _("{where}: {key}: got {got}, expected {expected}").format(**fields)


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
        text = _("(a value that cannot be shown)")
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
    # Translators: added after what a value should be, such as 'a known key (did you mean "goal"?)'.
    return _(' (did you mean "{suggestion}"?)').format(suggestion=hint[0]) if hint else ""


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
            self.problem(key, value, _("a table"))
            return {}
        for name in value:
            if name not in known:
                hint = did_you_mean(name, known)
                # Translators: {hint} is ' (did you mean "goal"?)'.
                expected = (
                    _("a known key{hint}").format(hint=hint)
                    if hint
                    else _("one of {choices}").format(choices=", ".join(known))
                )
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
    expected = _(ZONE_EXPECTED)
    if name == "":
        return None
    if not _ZONE_NAME.fullmatch(name):
        return expected
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except IsADirectoryError:  # a folder of the tz database ("America", "Europe", "US")
        # Translators: {region} is a folder of the time zone database ("Europe"); keep <City> as a
        # sample the user replaces (it may be translated).
        return _('a zone inside the region "{region}", such as "{region}/<City>"').format(region=name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return expected
    return None


def iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))
