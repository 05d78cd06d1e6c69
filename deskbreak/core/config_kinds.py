"""The kinds of config value: how each reads a raw TOML value (recording a problem and keeping the
default when it is bad), what it expects in one phrase, and how it writes a value back as TOML."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from ..i18n import N_, _
from . import catalog as catalog_model
from .config_checks import MISSING, ZONE_EXPECTED, Missing, Reader, did_you_mean, iso_date, timezone_problem


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
        """What a valid value is, as the end of "expected ..." (errors, the README's table). A phrase
        built from the kind's numbers is translated as it is built; a fixed one is marked with N_
        and translated where a problem is recorded."""
        ...

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        """The value for the Config, or MISSING (a problem was recorded) to keep the default.
        `known_ids`: the stretch ids a config may name, None when unchecked."""
        ...

    def to_toml(self, value: Any) -> object:
        """The Config's value as a plain TOML value (lists, strings, numbers, booleans)."""
        ...


def quoted_choices(options: Sequence[str]) -> str:
    """`"seated" or "standing"`: the options stay as written (they are values the config takes)."""
    # Translators: joins the values a key accepts: '"seated" or "standing"'; the values stay English.
    return _(" or ").join(f'"{o}"' for o in options)


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
        return _("a whole number from {low} to {high}").format(low=self.low, high=self.high)

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        if type(value) is int and self.low <= value <= self.high:
            return value
        r.problem(key, value, self.expected)
        return MISSING


@dataclass(frozen=True)
class Flag(PlainToml):
    expected: str = catalog_model.TRUE_OR_FALSE

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        if type(value) is bool:
            return value
        r.problem(key, value, _(self.expected))
        return MISSING


@dataclass(frozen=True)
class OneOf(PlainToml):
    options: tuple[str, ...]

    @property
    def expected(self) -> str:
        return quoted_choices(self.options)

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        if isinstance(value, str) and value in self.options:
            return value
        r.problem(key, value, self.expected + did_you_mean(value, self.options))
        return MISSING


@dataclass(frozen=True)
class Zone(PlainToml):
    expected: str = ZONE_EXPECTED

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        why = timezone_problem(value) if isinstance(value, str) else _(self.expected)
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
    # Translators: "HH:MM-HH:MM" and [] are written in the config as shown: keep them.
    expected: str = N_('a list of "HH:MM-HH:MM" ranges, [] for a day off')
    # Translators: "HH:MM-HH:MM" and 24:00 are written in the config as shown: keep them.
    item: str = N_('a range "HH:MM-HH:MM" with the start before the end (end up to 24:00)')

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        items = _items(key, value, r, _(self.expected))
        if items is MISSING:
            return MISSING
        windows = []
        for position, text in enumerate(items):
            try:
                windows.append(parse_window(text if isinstance(text, str) else ""))
            except ValueError:
                r.problem(f"{key}[{position}]", text, _(self.item))
        windows.sort(key=lambda w: w.start_minute)
        for index in range(1, len(windows)):
            earlier, later = windows[index - 1], windows[index]
            if later.start_minute < earlier.end_minute:
                expected = _("ranges that do not overlap ({earlier} and {later} do)")
                r.problem(key, value, expected.format(earlier=earlier, later=later))
                break
        return tuple(windows)

    def to_toml(self, value: Any) -> object:
        return [str(w) for w in value]


@dataclass(frozen=True)
class Dates:
    item: str = N_('ISO dates such as "2026-12-24"')

    @property
    def expected(self) -> str:
        # Translators: {items} describes the list's items, such as 'ISO dates such as "2026-12-24"'.
        return _("a list of {items}").format(items=_(self.item))

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        items = _items(key, value, r, self.expected)
        if items is MISSING:
            return MISSING
        good = []
        for index, item in enumerate(items):
            if isinstance(item, str) and iso_date(item):
                good.append(date.fromisoformat(item))
            else:
                r.problem(f"{key}[{index}]", item, _(self.item))
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
        return _("a list of 1-{most} whole minutes from {low} to {high}").format(
            most=self.most, low=self.low, high=self.high
        )

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        minutes = [x for x in value if type(x) is int] if isinstance(value, list) else []
        fits = isinstance(value, list) and len(minutes) == len(value) and 0 < len(minutes) <= self.most
        if fits and all(self.low <= x <= self.high for x in minutes):
            return tuple(sorted(set(minutes)))
        r.problem(key, value, self.expected)
        return MISSING


@dataclass(frozen=True)
class Text(PlainToml):
    """One line of text up to `longest` characters ("" allowed: the key's "off" or "automatic").
    `what` is marked with N_ where the schema writes it, and translated here."""

    what: str
    longest: int = 1000

    @property
    def expected(self) -> str:
        # Translators: {what} describes the value, such as 'a folder path, or "" for no sync'.
        return _("{what} (a string of one line, {longest} characters at most)").format(
            what=_(self.what), longest=self.longest
        )

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        if isinstance(value, str) and len(value) <= self.longest and not any(c in value for c in "\n\r\0"):
            return value.strip()
        r.problem(key, value, self.expected)
        return MISSING


@dataclass(frozen=True)
class Names:
    """A list of names: from fixed `options` ("seated"...), known `what`s (did-you-mean for a typo:
    body areas, or with `known=None` the stretch ids of the catalog and the config), or any text.
    `what` and `plural` are marked with N_ where the schema writes them, and translated here."""

    what: str
    plural: str
    options: tuple[str, ...] = ()
    known: tuple[str, ...] | None = ()
    at_least_one: bool = False

    @property
    def expected(self) -> str:
        if self.options:
            return _("a list of {items}").format(items=quoted_choices(self.options))
        return _("a list of {items}").format(items=_(self.plural))

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
            # Translators: {what} names one item of a list, such as "body area".
            r.problem(key, value, _("at least one {what}").format(what=_(self.what)))
        return tuple(good) if good or not self.at_least_one else MISSING

    def _item_expected(self, item: object, choices: list[str] | None) -> str:
        if self.options:
            return quoted_choices(self.options)
        if not choices:
            return _(self.plural)
        what = _(self.what)
        hint = did_you_mean(item, choices, cutoff=0.7)
        if hint:
            # Translators: {what} names the kind of item, such as "body area"; {hint} is
            # ' (did you mean "neck"?)'.
            return _("a known {what}{hint}").format(what=what, hint=hint)
        if self.known is None:
            # Translators: {what} is "stretch id"; `deskbreak stretches` is a command: keep it.
            return _("a known {what} (see `deskbreak stretches`)").format(what=what)
        # Translators: {what} names the kind of item, such as "body area"; {choices} lists them (English ids).
        return _("a known {what}: {choices}").format(what=what, choices=", ".join(choices))

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
    # Translators: [[stretches.custom]] is written in the config as shown: keep it.
    expected: str = N_("an array of tables [[stretches.custom]]")

    def read(self, key: str, value: object, r: Reader, known_ids: frozenset[str] | None) -> object:
        items = _items(key, value, r, _(self.expected))
        if items is MISSING:
            return MISSING
        custom = []
        for index, entry in enumerate(items):
            prefix = f"{key}[{index}]"
            if not isinstance(entry, dict):
                # Translators: id, name, posture, areas and steps are config keys: keep them as written.
                r.problem(prefix, entry, _("a table with id, name, posture, areas, steps, ..."))
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
