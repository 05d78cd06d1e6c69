"""The chart's font draws Chinese and Japanese for real (no .notdef boxes), and doctor says once when
no installed font can."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from desktop_stack import skip_or_fail
from PIL import ImageFont

from deskbreak.adapters import charts, fonts
from deskbreak.assets import locale_formats
from deskbreak.cli.doctor_install import check_fonts
from deskbreak.core import locale_formats as lf
from deskbreak.core.stats import DayCounts

OUTPUT = Path(__file__).resolve().parents[1] / "output"
TITLES = {"zh_CN": "每周伸展 · 目标", "ja": "デスクストレッチ · 目標"}
DAYS = [DayCounts(date(2026, 11, 30) + timedelta(days=i), done=i % 5 + 1, snoozed=i % 2) for i in range(7)]


@pytest.fixture
def chosen():
    """Sets the process's locale forms for one test, and puts the C form back."""

    def use(tag: str) -> lf.LocaleFormats:
        formats = locale_formats(tag)
        lf.use_locale_formats(formats)
        return formats

    yield use
    lf.use_locale_formats(lf.POSIX_FORMATS)


@pytest.fixture
def cjk_installed():
    if shutil.which("fc-match") is None or not fonts.cjk_candidates("ja"):
        skip_or_fail(f"no CJK font installed ({fonts.INSTALL_HINT})")


def chart_words(tag: str) -> str:
    """Every text the chart of DAYS draws in `tag`'s forms, but the legend (English until translated)."""
    span = f"{lf.weekday_date(DAYS[0].day)} – {lf.weekday_date(DAYS[-1].day)}"
    labels = "".join(
        lf.weekday_name(d.day) + lf.month_day(d.day) + lf.weekday_name(d.day, "narrow") for d in DAYS
    )
    return TITLES[tag] + span + labels + "".join(lf.month_name(d.day) for d in DAYS)


@pytest.mark.parametrize(("tag", "language"), [("zh_CN", "zh-cn"), ("ja", "ja")])
def test_the_charts_fonts_draw_every_chinese_and_japanese_character(chosen, cjk_installed, tag, language):
    chosen(tag)
    words = chart_words(tag)
    assert fonts.script_language(words, lf.chosen_formats().name) == language
    assert fonts.missing_glyphs(fonts.latin_font(13), words)  # DejaVu would draw boxes: the check can fail
    for font in charts._fonts(words):
        assert fonts.missing_glyphs(font, words) == set(), font
        assert isinstance(font, ImageFont.FreeTypeFont) and "CJK" in (font.getname()[0] or "")


@pytest.mark.parametrize("tag", ["zh_CN", "ja"])
def test_a_chart_in_chinese_and_japanese_is_drawn(chosen, cjk_installed, tag):
    chosen(tag)
    OUTPUT.mkdir(exist_ok=True)
    path = charts.draw_week_chart(DAYS, 4, OUTPUT / f"chart-{tag}.png", title=TITLES[tag])
    assert path.stat().st_size > 0  # a person looks at tests/output/chart-*.png: real glyphs, no boxes


def test_latin_text_keeps_dejavu():
    assert fonts.script_language("Desk stretches Mon 7 Dec", None) is None
    assert fonts.script_language("Dehnübungen Mo., 7. Dez.", "de") is None
    assert fonts.font_for("Desk stretches", 13).getname() == fonts.latin_font(13).getname()


def test_han_alone_is_drawn_in_the_users_shapes():
    assert fonts.script_language("月曜日", None) == "zh-cn"  # no kana: nothing says Japanese
    assert fonts.script_language("月曜日", "ja") == "ja"
    assert fonts.script_language("週一", "zh_Hant_TW") == "zh-tw"
    assert fonts.script_language("ひらがな", "de") == "ja"
    assert fonts.script_language("한국어", None) == "ko"


def test_the_systems_own_fonts_come_before_fontconfigs_match():
    def fc(args: list[str]) -> str:
        assert args[:2] == ["fc-match", "-s"] and args[-1] == ":lang=ja"
        return "/fonts/NotoSansCJK.ttc\t1\taa|ja|ko\n/fonts/DejaVuSans.ttf\t0\taa|de\n"

    found = fonts.cjk_candidates("ja", platform="win32", run=fc)
    assert found == [
        fonts.FontFile("C:/Windows/Fonts/YuGothM.ttc"),
        fonts.FontFile("C:/Windows/Fonts/meiryo.ttc"),
        fonts.FontFile("/fonts/NotoSansCJK.ttc", 1),  # DejaVu does not claim Japanese: left out
    ]
    assert fonts.cjk_candidates("zh-cn", platform="darwin", run=lambda _: "")[0].path.endswith("PingFang.ttc")


def test_with_no_cjk_font_the_chart_falls_back_and_doctor_says_so_once(chosen, monkeypatch):
    chosen("ja")
    monkeypatch.setattr(fonts, "cjk_candidates", lambda *a, **k: [])
    assert fonts.font_for("月曜日", 13, language="ja").getname() == fonts.latin_font(13).getname()
    lines = [check.line() for check in check_fonts()]
    assert lines == [
        f"✗ fonts: no installed font has the Japanese glyphs the chart needs — fix: {fonts.INSTALL_HINT}"
    ]


def test_doctor_says_nothing_of_fonts_when_they_are_fine(chosen, cjk_installed):
    assert check_fonts() == []  # the C form: Latin
    chosen("zh_CN")
    assert check_fonts() == []


def test_doctor_names_the_missing_language_in_the_users_words(chosen, monkeypatch):
    from deskbreak import i18n

    chosen("ja")
    monkeypatch.setattr(fonts, "cjk_candidates", lambda *a, **k: [])
    before = i18n._Chosen.translations
    try:
        i18n.use_language(["de"])
        (line,) = [check.line() for check in check_fonts()]
    finally:
        i18n._Chosen.translations = before
    assert "die Zeichen für Japanisch" in line and " ja " not in line
