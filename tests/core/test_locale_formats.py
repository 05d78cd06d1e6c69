"""Our formatter against Babel's own for every locale in the table, and the table against Babel."""

from __future__ import annotations

import functools
import importlib.util
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from deskbreak.core import locale_formats as lf

babel_dates = pytest.importorskip("babel.dates")
ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "deskbreak" / "data" / "locale-formats.tsv"
# Every quarter hour of a day, and the minutes where day periods and the 12 h clock turn over.
TIMES = [time(h, m) for h in range(24) for m in (0, 1, 15, 30, 59)]
DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 365, 17)] + [date(2027, 12, 31)]


@functools.cache
def _generator():
    spec = importlib.util.spec_from_file_location("locale_formats_tool", ROOT / "tools" / "locale_formats.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table() -> dict[str, lf.LocaleFormats]:
    lines = TABLE.read_text("utf-8").splitlines()
    return {f.name: f for f in (lf.from_line(line) for line in lines if not line.startswith("#"))}


TABLE_FORMATS = _table()
SAMPLE = sorted(TABLE_FORMATS)


def test_the_table_is_what_babel_writes_today():
    assert TABLE.read_text("utf-8") == _generator().table_text()


def test_the_table_holds_every_locale_of_the_shipped_languages():
    languages = {name.split("_")[0] for name in TABLE_FORMATS}
    assert languages >= {"en", "de", "fr", "es", "it", "pt", "pl", "ja", "zh"}
    assert {"en_US", "en_GB", "pt_BR", "zh_Hans_CN", "zh_Hant_TW", "ja", "pl"} <= set(TABLE_FORMATS)


@pytest.mark.parametrize("name", SAMPLE)
def test_times_read_as_babel_writes_them(name):
    formats = TABLE_FORMATS[name]
    day = date(2026, 12, 7)
    for t in TIMES:
        moment = datetime.combine(day, t)
        assert lf.short_time(t, formats) == babel_dates.format_time(t, "short", locale=name), (name, t)
        skeleton = _generator().weekday_time_skeleton(formats.time)
        expected = babel_dates.format_skeleton(skeleton, moment, locale=name)
        assert lf.weekday_time(moment, formats) == expected, (name, t)


@pytest.mark.parametrize("name", SAMPLE)
def test_dates_and_weekdays_read_as_babel_writes_them(name):
    formats = TABLE_FORMATS[name]
    for day in DAYS:
        assert lf.weekday_date(day, formats) == babel_dates.format_skeleton("yMMMEd", day, locale=name)
        assert lf.month_day(day, formats) == babel_dates.format_skeleton("MMMd", day, locale=name)
        assert lf.weekday_name(day, "wide", formats) == babel_dates.format_date(day, "EEEE", locale=name)
        assert lf.weekday_name(day, "abbreviated", formats) == babel_dates.format_date(
            day, "EEE", locale=name
        )
        assert lf.weekday_name(day, "narrow", formats) == babel_dates.format_date(day, "EEEEE", locale=name)
        assert lf.month_name(day, formats) == babel_dates.format_date(day, "LLL", locale=name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("en_US", "2:30\u202fPM"),
        ("en_GB", "14:30"),
        ("de", "14:30"),
        ("ja", "14:30"),
        ("zh_Hans_CN", "14:30"),
        ("zh_Hant_TW", "下午2:30"),
        ("es", "14:30"),
    ],
)
def test_the_short_time_follows_the_regions_clock(name, expected):
    assert lf.short_time(time(14, 30), TABLE_FORMATS[name]) == expected


def test_the_c_form_is_deskbreaks_english_as_before():
    at = datetime(2026, 12, 7, 9, 5)  # a Monday
    assert lf.short_time(at, lf.POSIX_FORMATS) == at.strftime("%H:%M")
    assert lf.weekday_time(at, lf.POSIX_FORMATS) == at.strftime("%a %H:%M")
    assert lf.weekday_date(at.date(), lf.POSIX_FORMATS) == at.strftime("%a %Y-%m-%d")
    assert lf.weekday_date_time(at, lf.POSIX_FORMATS) == at.strftime("%a %Y-%m-%d %H:%M")
    assert lf.month_day(at.date(), lf.POSIX_FORMATS) == f"{at.day} {at:%b}"
    assert lf.clock(at, at.date(), lf.POSIX_FORMATS) == "09:05"
    assert lf.clock(at, date(2026, 12, 6), lf.POSIX_FORMATS) == "Mon 09:05"


def test_date_and_time_are_joined_by_the_locales_own_glue():
    at = datetime(2026, 12, 7, 14, 30)
    assert lf.weekday_date_time(at, TABLE_FORMATS["de"]) == "Mo., 7. Dez. 2026, 14:30"
    assert lf.weekday_date_time(at, TABLE_FORMATS["ja"]) == "2026年12月7日(月) 14:30"


def test_quoted_literals_are_written_as_they_are():
    formats = TABLE_FORMATS["pt_BR"]
    assert lf.weekday_date(date(2026, 12, 7), formats) == "seg., 7 de dez. de 2026"
    assert lf.format_pattern("HH 'o''clock' ''", time(9, 0), formats) == "09 o'clock '"


def test_an_unsupported_letter_is_refused_not_guessed():
    with pytest.raises(ValueError, match="not supported"):
        lf.format_pattern("G y", date(2026, 1, 1), lf.POSIX_FORMATS)


def test_a_line_reads_back_as_written():
    for formats in TABLE_FORMATS.values():
        assert lf.from_line(lf.to_line(formats)) == formats


@pytest.mark.parametrize(
    ("environ", "language", "expected"),
    [
        ({}, None, None),
        ({"LANG": "C.UTF-8"}, None, None),
        ({"LANG": "POSIX"}, None, None),
        ({"LANG": "en_US.UTF-8"}, None, "en_US"),
        ({"LANG": "en_GB.UTF-8", "LC_TIME": "de_DE.UTF-8"}, None, "de_DE"),
        ({"LANG": "de_DE.UTF-8", "LC_TIME": "de_DE", "LC_ALL": "fr_CA.UTF-8"}, None, "fr_CA"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "de:en"}, None, "de"),
        ({"LANG": "de_AT.UTF-8", "LANGUAGE": "de"}, None, "de_AT"),
        ({"LANG": "en_US.UTF-8"}, "zh_CN", "zh_CN"),
        ({"LANG": "en_GB.UTF-8", "LANGUAGE": "de"}, "en", "en_GB"),
        ({"LANG": "C.UTF-8", "LANGUAGE": "de"}, None, "de"),
        ({"LANG": "C.UTF-8", "LANGUAGE": "en"}, None, None),
        ({"LANG": "sr_RS@latin"}, None, "sr_RS"),
    ],
)
def test_the_locale_follows_lc_all_lc_time_lang_and_the_chosen_language(environ, language, expected):
    assert lf.locale_tag(environ, language) == expected


def test_posix_tags_find_cldr_names():
    assert lf.candidates("zh_CN") == ["zh_Hans_CN", "zh_Hans", "zh"]
    assert lf.candidates("zh_TW") == ["zh_Hant_TW", "zh_Hant", "zh"]
    assert lf.candidates("de_AT") == ["de_AT", "de"]
    assert lf.candidates("ja") == ["ja"]


def test_the_process_choice_is_the_c_form_until_one_is_made():
    at = datetime(2026, 12, 7, 14, 30)
    assert lf.chosen_formats() is lf.POSIX_FORMATS
    try:
        lf.use_locale_formats(TABLE_FORMATS["en_US"])
        assert lf.short_time(at) == "2:30\u202fPM"
    finally:
        lf.use_locale_formats(lf.POSIX_FORMATS)
    assert lf.short_time(at) == "14:30"
