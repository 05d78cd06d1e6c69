"""The kinds of config value: how each reads a raw TOML value (recording a problem and keeping the
default when it is bad), what it expects in one phrase, and how it writes a value back as TOML."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from . import catalog as catalog_model
from .config_checks import MISSING, Missing, Reader, did_you_mean, iso_date, timezone_problem


@dataclass(frozen=True)
class WorkWindow:
    """A range of local wall-clock time in one day, in minutes after midnight (end may be 1440)."""

    start_minute: int
    end_minute: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start_minute)}-{_hhmm(self.end_minute)}"


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_window(text: str) -> WorkWindow:
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(text)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 1440 or end <= start:
        raise ValueError(text)
    return WorkWindow(start, end)


class Kind(Protocol):
    """How one key's value is read and written."""

    @property
    def expected(self) -> str:
        """What a valid value is, as the end of "expected ..." (errors, the README's table)."""
        ...

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        """The value for the Config, or MISSING (a problem was recorded) to keep the default.
        `known_ids`: the stretch ids a config may name, None when unchecked."""
        ...

    def to_toml(self, value: Any) -> object:
        """The Config's value as a plain TOML value (lists, strings, numbers, booleans)."""
        ...


def toml_literal(value: object) -> str:
    """A plain value as TOML text: `45`, `true`, `"on_click"`, `["09:00-12:30", "13:30-17:30"]`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


class PlainToml:
    """A kind whose Config value is already a plain TOML value."""

    def to_toml(self, value: Any) -> object:
        return value


@dataclass(frozen=True)
class Whole(PlainToml):
    low: int
    high: int

    @property
    def expected(self) -> str:
        return f"a whole number from {self.low} to {self.high}"

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        if type(value) is int and self.low <= value <= self.high:
            return value
        r.problem(key, value, self.expected)
        return MISSING


@dataclass(frozen=True)
class Flag(PlainToml):
    expected: str = "true or false"

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        if type(value) is bool:
            return value
        r.problem(key, value, self.expected)
        return MISSING


@dataclass(frozen=True)
class OneOf(PlainToml):
    options: tuple[str, ...]

    @property
    def expected(self) -> str:
        return " or ".join(f'"{o}"' for o in self.options)

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        if isinstance(value, str) and value in self.options:
            return value
        r.problem(key, value, self.expected + did_you_mean(value, self.options))
        return MISSING


@dataclass(frozen=True)
class Zone(PlainToml):
    expected: str = 'an IANA time zone such as "Europe/Berlin", or "" for the local zone'

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        why = timezone_problem(value) if isinstance(value, str) else self.expected
        if why is None:
            return value
        r.problem(key, value, why)
        return MISSING


def _items(key: str, value: object, r: Reader, expected: str) -> Sequence[object] | Missing:
    if isinstance(value, list):
        return value
    r.problem(key, value, expected)
    return MISSING


@dataclass(frozen=True)
class DayWindows:
    expected: str = 'a list of "HH:MM-HH:MM" ranges, [] for a day off'
    item: str = 'a range "HH:MM-HH:MM" with the start before the end (end up to 24:00)'

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        items = _items(key, value, r, self.expected)
        if items is MISSING:
            return MISSING
        windows = []
        for position, text in enumerate(items):
            try:
                windows.append(parse_window(text if isinstance(text, str) else ""))
            except ValueError:
                r.problem(f"{key}[{position}]", text, self.item)
        windows.sort(key=lambda w: w.start_minute)
        for index in range(1, len(windows)):
            earlier, later = windows[index - 1], windows[index]
            if later.start_minute < earlier.end_minute:
                r.problem(key, value, f"ranges that do not overlap ({earlier} and {later} do)")
                break
        return tuple(windows)

    def to_toml(self, value: Any) -> object:
        return [str(w) for w in value]


@dataclass(frozen=True)
class Dates:
    item: str = 'ISO dates such as "2026-12-24"'

    @property
    def expected(self) -> str:
        return f"a list of {self.item}"

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        items = _items(key, value, r, self.expected)
        if items is MISSING:
            return MISSING
        good = []
        for index, item in enumerate(items):
            if isinstance(item, str) and iso_date(item):
                good.append(date.fromisoformat(item))
            else:
                r.problem(f"{key}[{index}]", item, self.item)
        return tuple(good)

    def to_toml(self, value: Any) -> object:
        return [d.isoformat() for d in value]


@dataclass(frozen=True)
class MinuteChoices(PlainToml):
    most: int
    low: int
    high: int

    @property
    def expected(self) -> str:
        return f"a list of 1-{self.most} whole minutes from {self.low} to {self.high}"

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        minutes = [x for x in value if type(x) is int] if isinstance(value, list) else []
        fits = isinstance(value, list) and len(minutes) == len(value) and 0 < len(minutes) <= self.most
        if fits and all(self.low <= x <= self.high for x in minutes):
            return tuple(sorted(set(minutes)))
        r.problem(key, value, self.expected)
        return MISSING


@dataclass(frozen=True)
class Text(PlainToml):
    """One line of text up to `longest` characters ("" allowed: the key's "off" or "automatic")."""

    what: str
    longest: int = 1000

    @property
    def expected(self) -> str:
        return f"{self.what} (a string of one line, {self.longest} characters at most)"

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        if isinstance(value, str) and len(value) <= self.longest and not any(c in value for c in "\n\r\0"):
            return value.strip()
        r.problem(key, value, self.expected)
        return MISSING


@dataclass(frozen=True)
class Names:
    """A list of names: from fixed `options` ("seated"...), known `what`s (did-you-mean for a typo:
    body areas, or with `known=None` the stretch ids of the catalog and the config), or any text."""

    what: str
    plural: str
    options: tuple[str, ...] = ()
    known: tuple[str, ...] | None = ()
    at_least_one: bool = False

    @property
    def expected(self) -> str:
        if self.options:
            return "a list of " + " or ".join(f'"{o}"' for o in self.options)
        return f"a list of {self.plural}"

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        items = _items(key, value, r, self.expected)
        if items is MISSING:
            return MISSING
        choices = sorted(self.options or self.known or ()) or (
            sorted(known_ids) if self.known is None and known_ids is not None else None
        )
        good = []
        for index, item in enumerate(items):
            if isinstance(item, str) and item.strip() and (choices is None or item in choices):
                good.append(item)
            else:
                r.problem(f"{key}[{index}]", item, self._item_expected(item, choices))
        if self.at_least_one and not items:
            r.problem(key, value, f"at least one {self.what}")
        return tuple(good) if good or not self.at_least_one else MISSING

    def _item_expected(self, item: object, choices: list[str] | None) -> str:
        if self.options:
            return " or ".join(f'"{o}"' for o in self.options)
        if not choices:
            return self.plural
        hint = did_you_mean(item, choices, cutoff=0.7)
        if hint:
            return f"a known {self.what}{hint}"
        if self.known is None:
            return f"a known {self.what} (see `deskbreak stretches`)"
        return f"a known {self.what}: {', '.join(choices)}"

    def to_toml(self, value: Any) -> object:
        return list(value)


STRETCH_FIELDS = (
    "id",
    "name",
    "posture",
    "areas",
    "steps",
    "hold_seconds",
    "reps",
    "per_side",
    "first_side",
    "caution",
)


@dataclass(frozen=True)
class CustomStretches:
    expected: str = "an array of tables [[stretches.custom]]"

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        items = _items(key, value, r, self.expected)
        if items is MISSING:
            return MISSING
        custom = []
        for index, entry in enumerate(items):
            prefix = f"{key}[{index}]"
            if not isinstance(entry, dict):
                r.problem(prefix, entry, "a table with id, name, posture, areas, steps, ...")
                continue
            entry = {"source": "user", **entry}
            problems = catalog_model.stretch_problems(entry)
            for name, bad, expected in problems:
                r.problem(f"{prefix}.{name}", MISSING if name not in entry else bad, expected)
            if not problems:
                custom.append(catalog_model.stretch_from_entry(entry))
        return tuple(custom)

    def to_toml(self, value: Any) -> object:
        return [
            {name: getattr(s, name) for name in STRETCH_FIELDS if getattr(s, name) is not None}
            | ({"caution_short": s.caution_short} if s.caution_short != s.caution else {})
            for s in value
        ]


def custom_ids(raw: object) -> set[str]:
    """The ids the raw [[stretches.custom]] tables give, valid or not: `exclude` may name them."""
    entries = raw if isinstance(raw, list) else []
    return {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}
