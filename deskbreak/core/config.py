"""The config model: defaults, validation of a raw TOML document, and one-line errors.

`parse(doc)` turns the raw dict from tomllib into a frozen `Config` once; nothing after it sees a
dict. Every problem becomes one line `PATH:LINE: key.path: got VALUE, expected ...`.
"""

from __future__ import annotations

import difflib
import itertools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import catalog as catalog_model
from .config_checks import _MISSING, ConfigError, Problem, _iso_date, _Reader, _valid_timezone
from .config_lines import key_lines

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_DAY = ("09:00-12:30", "13:30-17:30")


@dataclass(frozen=True)
class WorkWindow:
    """A range of local wall-clock time in one day, in minutes after midnight (end may be 1440)."""

    start_minute: int
    end_minute: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start_minute)}-{_hhmm(self.end_minute)}"


@dataclass(frozen=True)
class ScheduleConfig:
    interval_minutes: int = 45
    timezone: str = ""  # IANA name; "" means the machine's local zone
    week: tuple[tuple[WorkWindow, ...], ...] = ()  # 7 entries, Monday first
    days_off: tuple[date, ...] = ()
    prompt_timeout_minutes: int = 10
    snooze_minutes: int = 10
    snooze_choices: tuple[int, ...] = (5, 10, 20)
    min_minutes_before_end: int = 10


@dataclass(frozen=True)
class StretchesConfig:
    postures: tuple[str, ...] = ("seated", "standing")
    exclude: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    custom: tuple[catalog_model.Stretch, ...] = ()
    # "beginner" (the default: a new install is "at first", and seed 001 says hold 5-10 s at first,
    # building up to 30 s) caps built-in holds at catalog.BEGINNER_MAX_HOLD; "regular" uses them in full.
    level: str = "beginner"


@dataclass(frozen=True)
class PromptConfig:
    window: str = "on_click"  # "on_click" | "with_prompt"
    sound: bool = True


@dataclass(frozen=True)
class ActivityConfig:
    natural_break_minutes: int = 5
    count: str = "active"  # "active" | "clock"
    settle_seconds: int = 10
    max_defer_minutes: int = 30
    show_after_max_defer: bool = True
    defer_when_fullscreen: bool = True
    defer_when_inhibited: bool = True
    defer_during_meetings: bool = True


@dataclass(frozen=True)
class CalendarConfig:
    ics: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoalsConfig:
    daily_stretches: int = 6


@dataclass(frozen=True)
class Config:
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    stretches: StretchesConfig = field(default_factory=StretchesConfig)
    prompt: PromptConfig = field(default_factory=PromptConfig)
    activity: ActivityConfig = field(default_factory=ActivityConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    goals: GoalsConfig = field(default_factory=GoalsConfig)
    source: str = "<defaults>"


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def default_week() -> tuple[tuple[WorkWindow, ...], ...]:
    workday = tuple(parse_window(text) for text in DEFAULT_DAY)
    return (workday,) * 5 + ((), ())


def defaults() -> Config:
    return Config(schedule=ScheduleConfig(week=default_week()))


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


_SCHEDULE_KEYS = (
    "interval_minutes",
    "timezone",
    *WEEKDAYS,
    "days_off",
    "prompt_timeout_minutes",
    "snooze_minutes",
    "snooze_choices",
    "min_minutes_before_end",
)


def _parse_schedule(r: _Reader, doc: dict) -> ScheduleConfig:
    t = r.table(doc, "schedule", _SCHEDULE_KEYS)
    base = ScheduleConfig()
    week = list(default_week())
    for index, day in enumerate(WEEKDAYS):
        if day not in t:
            continue
        ranges = t[day]
        if not isinstance(ranges, list):
            r.problem(f"schedule.{day}", ranges, 'a list of "HH:MM-HH:MM" ranges, [] for a day off')
            continue
        windows = []
        for position, text in enumerate(ranges):
            try:
                windows.append(parse_window(text) if isinstance(text, str) else parse_window(""))
            except ValueError:
                r.problem(
                    f"schedule.{day}[{position}]",
                    text,
                    'a range "HH:MM-HH:MM" with the start before the end (end up to 24:00)',
                )
        windows.sort(key=lambda w: w.start_minute)
        for earlier, later in itertools.pairwise(windows):
            if later.start_minute < earlier.end_minute:
                r.problem(f"schedule.{day}", ranges, f"ranges that do not overlap ({earlier} and {later} do)")
                break
        week[index] = tuple(windows)
    choices = r.get(
        t,
        "schedule",
        "snooze_choices",
        list(base.snooze_choices),
        lambda v: (
            isinstance(v, list) and 0 < len(v) <= 6 and all(type(x) is int and 1 <= x <= 240 for x in v)
        ),
        "a list of 1-6 whole minutes from 1 to 240",
    )
    return ScheduleConfig(
        interval_minutes=r.integer(t, "schedule", "interval_minutes", base.interval_minutes, 1, 480),
        timezone=r.get(
            t,
            "schedule",
            "timezone",
            base.timezone,
            lambda v: isinstance(v, str) and _valid_timezone(v),
            'an IANA time zone such as "Europe/Berlin", or "" for the local zone',
        ),
        week=tuple(week),
        days_off=tuple(
            date.fromisoformat(d)
            for d in r.string_list(t, "schedule", "days_off", _iso_date, 'ISO dates such as "2026-12-24"')
        ),
        prompt_timeout_minutes=r.integer(
            t, "schedule", "prompt_timeout_minutes", base.prompt_timeout_minutes, 1, 240
        ),
        snooze_minutes=r.integer(t, "schedule", "snooze_minutes", base.snooze_minutes, 1, 240),
        snooze_choices=tuple(sorted(set(choices))),
        min_minutes_before_end=r.integer(
            t, "schedule", "min_minutes_before_end", base.min_minutes_before_end, 0, 240
        ),
    )


def _known_list(
    r: _Reader, table: dict, name: str, known: Iterable[str] | None, what: str
) -> tuple[str, ...]:
    """`stretches.<name>`: a list of known names (`known` None: any non-empty string); an
    unknown one is a problem with a did-you-mean, like an unknown key."""
    key = f"stretches.{name}"
    choices = sorted(set(known)) if known is not None else None
    value = r.get(table, "stretches", name, [], lambda v: isinstance(v, list), f"a list of {what}s")
    good = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item and (choices is None or item in choices):
            good.append(item)
            continue
        hint = (
            difflib.get_close_matches(item, choices, n=1, cutoff=0.7)
            if choices and isinstance(item, str)
            else []
        )
        expected = (
            f'a known {what} (did you mean "{hint[0]}"?)'
            if hint
            else (
                f"a known {what} (see `deskbreak stretches`)"
                if what == "stretch id" and choices
                else f"a known {what}: {', '.join(choices)}"
                if choices
                else f"a {what}"
            )
        )
        r.problem(f"{key}[{index}]", item, expected)
    return tuple(good)


def _custom_ids(entries: list) -> set[str]:
    return {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _parse_stretches(r: _Reader, doc: dict, builtin_ids: Iterable[str] | None = None) -> StretchesConfig:
    t = r.table(doc, "stretches", ("postures", "exclude", "focus", "custom", "level"))
    postures = r.string_list(
        t,
        "stretches",
        "postures",
        lambda p: p in catalog_model.POSTURES,
        " or ".join(f'"{p}"' for p in catalog_model.POSTURES),
    )
    if "postures" in t and isinstance(t["postures"], list) and not t["postures"]:
        r.problem("stretches.postures", [], "at least one posture")
    custom = []
    raw_custom = t.get("custom", [])
    if not isinstance(raw_custom, list):
        r.problem("stretches.custom", raw_custom, "an array of tables [[stretches.custom]]")
        raw_custom = []
    for index, entry in enumerate(raw_custom):
        prefix = f"stretches.custom[{index}]"
        if not isinstance(entry, dict):
            r.problem(prefix, entry, "a table with id, name, posture, areas, steps, ...")
            continue
        entry = {"source": "user", **entry}
        problems = catalog_model.stretch_problems(entry)
        for name, value, expected in problems:
            r.problem(f"{prefix}.{name}", _MISSING if name not in entry else value, expected)
        if not problems:
            custom.append(catalog_model.stretch_from_entry(entry))
    return StretchesConfig(
        postures=postures if postures else StretchesConfig.postures,
        exclude=_known_list(
            r,
            t,
            "exclude",
            None
            if builtin_ids is None
            # a broken custom
            else {*builtin_ids, *_custom_ids(raw_custom)},
            "stretch id",
        ),  # is its own error
        focus=_known_list(r, t, "focus", catalog_model.AREAS, "body area"),
        custom=tuple(custom),
        level=r.choice(t, "stretches", "level", StretchesConfig.level, catalog_model.LEVELS),
    )


def _parse_activity(r: _Reader, doc: dict) -> ActivityConfig:
    keys = tuple(ActivityConfig.__dataclass_fields__)
    t = r.table(doc, "activity", keys)
    d = ActivityConfig()
    return ActivityConfig(
        natural_break_minutes=r.integer(
            t, "activity", "natural_break_minutes", d.natural_break_minutes, 1, 120
        ),
        count=r.choice(t, "activity", "count", d.count, ("active", "clock")),
        settle_seconds=r.integer(t, "activity", "settle_seconds", d.settle_seconds, 0, 120),
        max_defer_minutes=r.integer(t, "activity", "max_defer_minutes", d.max_defer_minutes, 0, 480),
        show_after_max_defer=r.boolean(t, "activity", "show_after_max_defer", d.show_after_max_defer),
        defer_when_fullscreen=r.boolean(t, "activity", "defer_when_fullscreen", d.defer_when_fullscreen),
        defer_when_inhibited=r.boolean(t, "activity", "defer_when_inhibited", d.defer_when_inhibited),
        defer_during_meetings=r.boolean(t, "activity", "defer_during_meetings", d.defer_during_meetings),
    )


TOP_LEVEL = ("schedule", "stretches", "prompt", "activity", "calendar", "goals")


def parse(
    doc: dict[str, Any], path: str = "<config>", text: str = "", builtin_ids: Iterable[str] | None = None
) -> Config:
    """Validate a raw TOML document into a Config, or raise ConfigError listing every problem.
    `builtin_ids`: the catalog's stretch ids, which `stretches.exclude` may name (with the
    config's own custom ones); None leaves the ids unchecked."""
    r = _Reader(key_lines(text))
    r.table({"": doc}, "", TOP_LEVEL)
    for name in TOP_LEVEL:
        if name in doc and not isinstance(doc[name], dict):
            r.problem(name, doc[name], f"a table [{name}]")
    clean = {k: v for k, v in doc.items() if k in TOP_LEVEL and isinstance(v, dict)}
    schedule = _parse_schedule(r, clean)
    stretches = _parse_stretches(r, clean, builtin_ids)
    pt = r.table(clean, "prompt", ("window", "sound"))
    prompt = PromptConfig(
        window=r.choice(pt, "prompt", "window", "on_click", ("on_click", "with_prompt")),
        sound=r.boolean(pt, "prompt", "sound", True),
    )
    activity = _parse_activity(r, clean)
    ct = r.table(clean, "calendar", ("ics",))
    calendar = CalendarConfig(
        ics=r.string_list(ct, "calendar", "ics", lambda s: bool(s.strip()), "paths of .ics files")
    )
    gt = r.table(clean, "goals", ("daily_stretches",))
    goals = GoalsConfig(daily_stretches=r.integer(gt, "goals", "daily_stretches", 6, 1, 50))
    if not any(schedule.week) and not r.problems:
        r.problem("schedule", "no work windows", "at least one day with a work window")
    if r.problems:
        raise ConfigError(path, sorted(r.problems, key=lambda p: p.line or 0))
    return Config(schedule, stretches, prompt, activity, calendar, goals, source=path)


def loads(text: str, path: str = "<config>", builtin_ids: Iterable[str] | None = None) -> Config:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise ConfigError(
            path, [Problem("toml", _MISSING, message, int(line.group(1)) if line else None)]
        ) from None
    return parse(doc, path, text, builtin_ids)
