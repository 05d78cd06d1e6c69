"""The chart in the user's language: its title, axis labels, legend and goal label are translated
(the dates are the locale formatter's; the numbers are numbers)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from PIL import ImageDraw
from pseudo_language import translated

from deskbreak.adapters.charts import render_week_chart
from deskbreak.core.stats import DayCounts

MON = date(2026, 6, 1)
NUMBER = re.compile(r"^\d+$")


def drawn_texts(monkeypatch: pytest.MonkeyPatch, **kw: object) -> list[str]:
    drawn: list[str] = []
    draw_text = ImageDraw.ImageDraw.text

    def spy(self: ImageDraw.ImageDraw, xy: object, text: str, *args: object, **kwargs: object) -> None:
        drawn.append(text)
        draw_text(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    days = [DayCounts(MON + timedelta(days=i), done=i, snoozed=1, skipped=1, ignored=1) for i in range(7)]
    render_week_chart(days, 6, **kw)
    return drawn


def test_every_word_on_the_chart_is_translated(
    monkeypatch: pytest.MonkeyPatch, pseudo_language: None
) -> None:
    drawn = drawn_texts(monkeypatch)
    # The day labels under the bars (a weekday, a day and month) are dates: not ours to translate.
    words = [t for t in drawn if not NUMBER.match(t) and not re.match(r"^(\w{2,3}|\d+ \w+)$", t)]
    assert "⟦Desk stretches⟧" in words and "⟦goal 6⟧" in words and "⟦snoozed⟧" in words
    assert "⟦goal: 6 done a day⟧" in words and "⟦done⟧" in words and "⟦other⟧" in words
    assert [t for t in words if not translated(t)] == []


def test_a_title_given_is_drawn_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = drawn_texts(monkeypatch, title="Last week")
    assert drawn[0] == "Last week" and "goal 6" in drawn and "natural break" in drawn
