"""The config model: the frozen Config, and validation of a TOML text or document into it.

`loads(text)` / `parse(doc)` turn the file into a frozen `Config` once; nothing after it sees a
dict. Every key's default, kind and help live in `config_schema`; every problem becomes one line
`PATH:LINE: key.path: got VALUE, expected ...`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..i18n import _
from . import catalog as catalog_model
from .config_checks import MAX_NESTING, MISSING, ConfigError, Problem, Reader, nesting_depth
from .config_kinds import WorkWindow, custom_ids, parse_window
from .config_lines import key_lines
from .config_schema import SECTIONS, SETTINGS, WEEKDAYS, default, keys_in
from .config_text import BOM, nested_too_deep, nesting_expected, read_toml

__all__ = [
    "WEEKDAYS",
    "Config",
    "ConfigError",
    "Problem",
    "WorkWindow",
    "default_week",
    "defaults",
    "key_lines",
    "loads",
    "parse",
    "parse_window",
    "read_toml",
]

TOP_LEVEL = SECTIONS


@dataclass(frozen=True)
class ScheduleConfig:
    interval_minutes: int = default("schedule.interval_minutes")
    timezone: str = default("schedule.timezone")  # IANA name; "" means the machine's local zone
    week: tuple[tuple[WorkWindow, ...], ...] = tuple(default(f"schedule.{d}") for d in WEEKDAYS)
    days_off: tuple[date, ...] = default("schedule.days_off")
    prompt_timeout_minutes: int = default("schedule.prompt_timeout_minutes")
    snooze_minutes: int = default("schedule.snooze_minutes")
    snooze_choices: tuple[int, ...] = default("schedule.snooze_choices")
    min_minutes_before_end: int = default("schedule.min_minutes_before_end")


@dataclass(frozen=True)
class StretchesConfig:
    postures: tuple[str, ...] = default("stretches.postures")
    exclude: tuple[str, ...] = default("stretches.exclude")
    focus: tuple[str, ...] = default("stretches.focus")
    custom: tuple[catalog_model.Stretch, ...] = default("stretches.custom")
    level: str = default("stretches.level")  # "beginner" caps built-in holds; "regular" uses them


@dataclass(frozen=True)
class PromptConfig:
    window: str = default("prompt.window")  # "on_click" | "with_prompt"
    sound: bool = default("prompt.sound")


@dataclass(frozen=True)
class ActivityConfig:
    natural_break_minutes: int = default("activity.natural_break_minutes")
    count: str = default("activity.count")  # "active" | "clock"
    settle_seconds: int = default("activity.settle_seconds")
    max_defer_minutes: int = default("activity.max_defer_minutes")
    show_after_max_defer: bool = default("activity.show_after_max_defer")
    defer_when_fullscreen: bool = default("activity.defer_when_fullscreen")
    defer_when_inhibited: bool = default("activity.defer_when_inhibited")
    defer_during_meetings: bool = default("activity.defer_during_meetings")
    defer_during_calls: bool = default("activity.defer_during_calls")


@dataclass(frozen=True)
class CalendarConfig:
    ics: tuple[str, ...] = default("calendar.ics")


@dataclass(frozen=True)
class GoalsConfig:
    daily_stretches: int = default("goals.daily_stretches")


@dataclass(frozen=True)
class SyncConfig:
    folder: str = default("sync.folder")
    machine_name: str = default("sync.machine_name")


@dataclass(frozen=True)
class InterfaceConfig:
    language: str = default("interface.language")  # "auto" (the desktop's) or a shipped language


_SECTION_TYPES: dict[str, type[Any]] = {
    "schedule": ScheduleConfig,
    "stretches": StretchesConfig,
    "prompt": PromptConfig,
    "activity": ActivityConfig,
    "calendar": CalendarConfig,
    "goals": GoalsConfig,
    "sync": SyncConfig,
    "interface": InterfaceConfig,
}


@dataclass(frozen=True)
class Config:
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    stretches: StretchesConfig = field(default_factory=StretchesConfig)
    prompt: PromptConfig = field(default_factory=PromptConfig)
    activity: ActivityConfig = field(default_factory=ActivityConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    goals: GoalsConfig = field(default_factory=GoalsConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)
    interface: InterfaceConfig = field(default_factory=InterfaceConfig)
    source: str = "<defaults>"


def default_week() -> tuple[tuple[WorkWindow, ...], ...]:
    return ScheduleConfig().week


def defaults() -> Config:
    return Config()


def _too_deep(r: Reader, doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` without the values nested past MAX_NESTING, each reported: walking them would exhaust
    the stack, and no real setting nests that deep."""
    expected, too_deep = nesting_expected(), nested_too_deep()
    kept: dict[str, Any] = {}
    for name, value in doc.items():
        if nesting_depth(value) <= MAX_NESTING:
            kept[name] = value
        elif name in SECTIONS and isinstance(value, dict):
            kept[name] = {}
            for inner, item in value.items():
                if nesting_depth(item, MAX_NESTING - 1) < MAX_NESTING:
                    kept[name][inner] = item
                else:
                    r.problem(f"{name}.{inner}", too_deep, expected)
        else:
            r.problem(name, too_deep, expected)
    return kept


def parse(
    doc: dict[str, Any], path: str = "<config>", text: str = "", builtin_ids: Iterable[str] | None = None
) -> Config:
    """Validate a raw TOML document into a Config, or raise ConfigError listing every problem.
    `builtin_ids`: the catalog's stretch ids, which `stretches.exclude` may name (with the
    config's own custom ones); None leaves the ids unchecked."""
    r = Reader(key_lines(text))
    doc = _too_deep(r, doc)
    r.table({"": doc}, "", TOP_LEVEL)
    tables: dict[str, dict[str, Any]] = {}
    for name in SECTIONS:
        if name in doc and not isinstance(doc[name], dict):
            # Translators: [{name}] is a table header as written in the config: keep the brackets.
            r.problem(name, doc[name], _("a table [{name}]").format(name=name))
        clean = {name: doc[name]} if isinstance(doc.get(name), dict) else {}
        tables[name] = r.table(clean, name, keys_in(name))
    known_ids = (
        None
        if builtin_ids is None
        else frozenset({*builtin_ids, *custom_ids(tables["stretches"].get("custom"))})
    )
    fields: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for setting in SETTINGS:
        table = tables[setting.section]
        value: object = MISSING
        if setting.name in table:
            value = setting.kind.read(setting.key, table[setting.name], r, known_ids)
        if value is MISSING:
            value = setting.value()
        if setting.index is None:
            fields[setting.section][setting.field] = value
        else:
            fields[setting.section].setdefault(setting.field, []).append(value)
    fields["schedule"]["week"] = tuple(fields["schedule"]["week"])
    sections = {name: _SECTION_TYPES[name](**values) for name, values in fields.items()}
    if not any(sections["schedule"].week) and not r.problems:
        r.problem("schedule", _("no work windows"), _("at least one day with a work window"))
    if r.problems:
        raise ConfigError(path, sorted(r.problems, key=lambda p: p.line or 0))
    return Config(**sections, source=path)


def loads(text: str, path: str = "<config>", builtin_ids: Iterable[str] | None = None) -> Config:
    doc = read_toml(text, path)
    return parse(doc, path, text.removeprefix(BOM), builtin_ids)
