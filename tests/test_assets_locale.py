"""Reading the user's locale's line of the shipped locale-formats table, and the CLI using it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from deskbreak.assets import LOCALE_TABLE, desktop_locale_formats, locale_formats
from deskbreak.core import locale_formats as lf
from deskbreak.core import status_forms

REPO = Path(__file__).resolve().parents[1]


def test_a_posix_locale_finds_its_cldr_line():
    assert locale_formats("zh_CN").name == "zh_Hans_CN"
    assert locale_formats("zh_TW").name == "zh_Hant_TW"
    assert locale_formats("de_AT").name == "de_AT"
    assert locale_formats("pt_BR").name == "pt_BR"
    assert locale_formats("en_US").time == "h:mm\u202fa"


def test_a_region_the_table_lacks_takes_its_languages_line():
    assert locale_formats("de_XX").name == "de"


def test_a_language_the_table_lacks_or_no_table_keeps_the_c_form(tmp_path):
    assert locale_formats("xx_YY") is lf.POSIX_FORMATS
    assert locale_formats("de_DE", tmp_path / "missing.tsv") is lf.POSIX_FORMATS


def test_the_desktops_locale_decides_the_clock():
    at = datetime(2026, 12, 7, 14, 30)
    assert lf.short_time(at, desktop_locale_formats({"LANG": "en_US.UTF-8"})) == "2:30\u202fPM"
    assert lf.short_time(at, desktop_locale_formats({"LANG": "en_GB.UTF-8"})) == "14:30"
    assert desktop_locale_formats({"LANG": "C.UTF-8"}) is lf.POSIX_FORMATS
    assert desktop_locale_formats({}) is lf.POSIX_FORMATS
    german = desktop_locale_formats({"LANG": "en_US.UTF-8"}, language="de")
    assert lf.weekday_time(at, german) == "Mo., 14:30"


def test_the_table_is_read_one_line_at_a_time_and_stops_at_its_locale(tmp_path):
    table = tmp_path / "table.tsv"
    line = LOCALE_TABLE.read_text("utf-8").splitlines()[1:]
    de = next(x for x in line if x.startswith("de\t"))
    table.write_text(de + "\nnot a line the reader reaches\n", "utf-8")
    assert locale_formats("de", table).name == "de"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "C.UTF-8"}, "🧘 10:30"),
        ({"LANG": "en_US.UTF-8"}, "🧘 10:30\u202fAM"),
        ({"LANG": "en_GB.UTF-8", "LC_TIME": "zh_TW.UTF-8"}, "🧘 上午10:30"),
    ],
)
def test_the_status_bar_line_reads_the_time_in_the_daemons_locale(environ, expected):
    # The daemon renders the one-shot forms (the console entry prints them): in its locale's forms.
    status = {"ok": True, "state": "working", "next_prompt_at": "2026-12-07T10:30:00+01:00", "headline": "x"}
    before = lf.chosen_formats()
    lf.use_locale_formats(desktop_locale_formats(environ))
    try:
        assert status_forms.render(status, status_forms.SHORT) == expected
    finally:
        lf.use_locale_formats(before)
