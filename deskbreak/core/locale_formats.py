"""Times and dates in the user's locale, from CLDR patterns (24 h or 12 h, weekday names).

Babel holds CLDR but costs the daemon ~6 MB at run time, so Babel only writes a compact table at
build time (`tools/locale_formats.py`, one line per locale); the shell reads the one line it needs
and this module formats with it. It implements the pattern letters those lines use: y M L d E h H K
k m s a B and quoted literals. The `C`/`POSIX` locale keeps deskbreak's English form (`14:30`,
`Mon 09:00`, `Mon 2026-12-07`), which the tests and scripts already read.

Like the C library's LC_TIME, the process has one choice (`use_locale_formats`, called once at
start-up by the shell); until then every text has the `C` form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

FIELDS = 14
# A run of one pattern letter, or a quoted literal ('' is a quote), or anything else as written.
_TOKEN = re.compile(r"([A-Za-z])\1*|'(?:[^']|'')*'|[^A-Za-z']+")
_POSIX_ONLY = {"", "C", "POSIX"}
# POSIX names a Chinese locale by region; CLDR by script.
_TRADITIONAL_REGIONS = {"TW", "HK", "MO"}


@dataclass(frozen=True)
class LocaleFormats:
    """One locale's patterns and names (weekdays Monday first, months January first)."""

    name: str
    time: str  # the short time: `HH:mm`, `h:mm a`, `Bh:mm`
    weekday_time: str  # a time on another day: `E HH:mm`, `H:mm (E)`
    weekday_date: str  # a day: `E, d MMM y`
    month_day: str  # a day without its year: `d MMM`
    date_time: str  # joins a date {1} and a time {0}: `{1}, {0}`
    am: str
    pm: str
    weekdays_wide: tuple[str, ...]
    weekdays_abbreviated: tuple[str, ...]
    weekdays_narrow: tuple[str, ...]
    months_abbreviated: tuple[str, ...]
    months_standalone: tuple[str, ...]
    # Flexible day periods (pattern letter B): (first minute of the day, name), in order.
    day_periods: tuple[tuple[int, str], ...] = ()


_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
POSIX_FORMATS = LocaleFormats(
    name="C",
    time="HH:mm",
    weekday_time="EEE HH:mm",
    weekday_date="EEE y-MM-dd",
    month_day="d MMM",
    date_time="{1} {0}",
    am="AM",
    pm="PM",
    weekdays_wide=_EN_DAYS,
    weekdays_abbreviated=tuple(d[:3] for d in _EN_DAYS),
    weekdays_narrow=tuple(d[0] for d in _EN_DAYS),
    months_abbreviated=_EN_MONTHS,
    months_standalone=_EN_MONTHS,
)


def to_line(formats: LocaleFormats) -> str:
    """The table's line for `formats`: tab-separated fields, lists joined by `|`."""
    periods = "|".join(f"{start}={name}" for start, name in formats.day_periods)
    fields = [
        formats.name,
        formats.time,
        formats.weekday_time,
        formats.weekday_date,
        formats.month_day,
        formats.date_time,
        formats.am,
        formats.pm,
        "|".join(formats.weekdays_wide),
        "|".join(formats.weekdays_abbreviated),
        "|".join(formats.weekdays_narrow),
        "|".join(formats.months_abbreviated),
        "|".join(formats.months_standalone),
        periods,
    ]
    return "\t".join(fields)


def from_line(line: str) -> LocaleFormats:
    """Reads one line of the table back (ValueError when it is not one)."""
    fields = line.rstrip("\n").split("\t")
    if len(fields) != FIELDS:
        raise ValueError(f"a locale-formats line has {FIELDS} fields, not {len(fields)}")
    periods = tuple(
        (int(start), name) for start, _, name in (p.partition("=") for p in fields[13].split("|") if p)
    )
    name, time_pattern, weekday_time_pattern, weekday_date_pattern, month_day_pattern, date_time, am, pm = (
        fields[:8]
    )
    return LocaleFormats(
        name=name,
        time=time_pattern,
        weekday_time=weekday_time_pattern,
        weekday_date=weekday_date_pattern,
        month_day=month_day_pattern,
        date_time=date_time,
        am=am,
        pm=pm,
        weekdays_wide=tuple(fields[8].split("|")),
        weekdays_abbreviated=tuple(fields[9].split("|")),
        weekdays_narrow=tuple(fields[10].split("|")),
        months_abbreviated=tuple(fields[11].split("|")),
        months_standalone=tuple(fields[12].split("|")),
        day_periods=periods,
    )


def format_pattern(pattern: str, moment: date | time, formats: LocaleFormats) -> str:
    """`moment` written with a CLDR pattern (a date for date letters, a time or datetime for both)."""
    return "".join(_field(m.group(0), moment, formats) for m in _TOKEN.finditer(pattern))


def _field(token: str, moment: date | time, formats: LocaleFormats) -> str:
    letter, width = token[0], len(token)
    if token.startswith("'"):
        return token[1:-1].replace("''", "'") if width > 2 else "'"
    if not ("a" <= letter.lower() <= "z"):  # CJK text is alphabetic to str.isalpha, not a letter here
        return token
    if isinstance(moment, date) and letter in "yMLdE":
        return _date_field(letter, width, moment, formats)
    if isinstance(moment, (time, datetime)) and letter in "hHKkmsaB":
        return _time_field(letter, width, moment, formats)
    raise ValueError(f"pattern letter {token!r} is not supported for {type(moment).__name__}")


def _date_field(letter: str, width: int, day: date, formats: LocaleFormats) -> str:
    if letter == "y":
        return f"{day.year % 100:02d}" if width == 2 else f"{day.year:0{width}d}"
    if letter in "ML":
        if width <= 2:
            return f"{day.month:0{width}d}"
        if width == 3:
            names = formats.months_abbreviated if letter == "M" else formats.months_standalone
            return names[day.month - 1]
    if letter == "d" and width <= 2:
        return f"{day.day:0{width}d}"
    if letter == "E":
        if width <= 3:
            return formats.weekdays_abbreviated[day.weekday()]
        if width == 4:
            return formats.weekdays_wide[day.weekday()]
        if width == 5:
            return formats.weekdays_narrow[day.weekday()]
    raise ValueError(f"pattern letter {letter * width!r} is not supported")


def _time_field(letter: str, width: int, moment: time | datetime, formats: LocaleFormats) -> str:
    hour, minute = moment.hour, moment.minute
    numbers = {
        "H": hour,
        "h": hour % 12 or 12,
        "K": hour % 12,
        "k": hour or 24,
        "m": minute,
        "s": moment.second,
    }
    if letter in numbers and width <= 2:
        return f"{numbers[letter]:0{width}d}"
    if letter == "a":
        return formats.am if hour < 12 else formats.pm
    if letter == "B":
        return day_period(hour * 60 + minute, formats)
    raise ValueError(f"pattern letter {letter * width!r} is not supported")


def day_period(minute_of_day: int, formats: LocaleFormats) -> str:
    """The flexible day period (`下午`, `in the evening`) that holds this minute of the day."""
    name = formats.day_periods[-1][1] if formats.day_periods else ""
    for start, period in formats.day_periods:
        if start > minute_of_day:
            break
        name = period
    return name


def short_time(moment: time | datetime, formats: LocaleFormats | None = None) -> str:
    """`14:30`, `2:30 PM`, `下午2:30`."""
    chosen = formats or chosen_formats()
    return format_pattern(chosen.time, moment, chosen)


def clock(at: datetime, today: date, formats: LocaleFormats | None = None) -> str:
    """`14:30` on `today`, with its weekday on another day (`Mon 09:00`): both in one zone."""
    chosen = formats or chosen_formats()
    return format_pattern(chosen.time if at.date() == today else chosen.weekday_time, at, chosen)


def weekday_time(at: datetime, formats: LocaleFormats | None = None) -> str:
    """`Mon 09:00`, `月 9:00`... whatever day it is."""
    chosen = formats or chosen_formats()
    return format_pattern(chosen.weekday_time, at, chosen)


def weekday_date(day: date, formats: LocaleFormats | None = None) -> str:
    """A day with its weekday and year: `Mon 2026-12-07` (C), `Mon, Dec 7, 2026` (en_US)."""
    chosen = formats or chosen_formats()
    return format_pattern(chosen.weekday_date, day, chosen)


def weekday_date_time(at: datetime, formats: LocaleFormats | None = None) -> str:
    """A moment with its weekday and date: `Mon 2026-12-07 09:00` (C)."""
    chosen = formats or chosen_formats()
    return chosen.date_time.replace("{1}", weekday_date(at.date(), chosen)).replace(
        "{0}", short_time(at, chosen)
    )


def month_day(day: date, formats: LocaleFormats | None = None) -> str:
    """`7 Dec`, `Dec 7`, `12月7日`."""
    chosen = formats or chosen_formats()
    return format_pattern(chosen.month_day, day, chosen)


def weekday_name(day: date, width: str = "abbreviated", formats: LocaleFormats | None = None) -> str:
    """The weekday's name: `wide` (Monday), `abbreviated` (Mon) or `narrow` (M), format context."""
    chosen = formats or chosen_formats()
    names = {
        "wide": chosen.weekdays_wide,
        "abbreviated": chosen.weekdays_abbreviated,
        "narrow": chosen.weekdays_narrow,
    }[width]
    return names[day.weekday()]


def month_name(day: date, formats: LocaleFormats | None = None) -> str:
    """The month's abbreviated name on its own (a chart's label): `Dec`, `12月`."""
    return (formats or chosen_formats()).months_standalone[day.month - 1]


def locale_tag(environ: Mapping[str, str], language: str | None = None) -> str | None:
    """The locale whose forms the user reads: LC_ALL, LC_TIME or LANG (its region decides 12 h or
    24 h); when `language` (the config's override, else LANGUAGE's first) is another language, that
    language's own. None for the `C` form."""
    posix = _posix_tag(next((environ[k] for k in ("LC_ALL", "LC_TIME", "LANG") if environ.get(k)), ""))
    wanted = _posix_tag(language or (environ.get("LANGUAGE") or "").split(":")[0])
    if wanted and wanted.split("_")[0] != (posix or "").split("_")[0]:
        return wanted if wanted.split("_")[0] != "en" or posix else None
    return posix


def _posix_tag(value: str) -> str | None:
    """`de_DE.UTF-8@euro` -> `de_DE`; None for C/POSIX."""
    tag = value.split(".")[0].split("@")[0].replace("-", "_")
    return None if tag in _POSIX_ONLY else tag


def candidates(tag: str) -> list[str]:
    """The table's names to try for a POSIX tag, most specific first (`zh_CN` is `zh_Hans_CN`)."""
    parts = tag.split("_")
    language, rest = parts[0], parts[1:]
    if language == "zh" and rest and len(rest[0]) == 2:
        script = "Hant" if rest[0].upper() in _TRADITIONAL_REGIONS else "Hans"
        rest = [script, *rest]
    found = ["_".join([language, *rest[:n]]) for n in range(len(rest), -1, -1)]
    return list(dict.fromkeys(found))


class _Chosen:
    """The process's one choice, as the C library holds LC_TIME; the `C` form until one is made."""

    formats: LocaleFormats = POSIX_FORMATS


def use_locale_formats(formats: LocaleFormats) -> None:
    _Chosen.formats = formats


def chosen_formats() -> LocaleFormats:
    return _Chosen.formats
