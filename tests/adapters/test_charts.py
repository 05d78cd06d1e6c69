from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PIL import Image

from deskbreak.adapters.charts import DONE_COLOUR, SERIES, SIZE, draw_week_chart, render_week_chart
from deskbreak.core.stats import DayCounts

MON = date(2026, 6, 1)


def fortnight() -> list[DayCounts]:
    days = []
    for i in range(14):
        d = MON + timedelta(days=i)
        if d.weekday() < 5:
            days.append(
                DayCounts(
                    d, done=3 + i % 5, skipped=1, snoozed=i % 2, ignored=int(i % 3 == 0), natural_breaks=1
                )
            )
        else:
            days.append(DayCounts(d))
    return days


def colours(image: Image.Image) -> list[tuple[int, object]]:
    found = image.getcolors(maxcolors=1 << 20)
    assert found is not None
    return list(found)


def colour_count(image: Image.Image, colour: tuple[int, int, int]) -> int:
    return sum(n for n, c in colours(image) if c == colour)


def test_png_has_the_size_and_the_colours(tmp_path: Path) -> None:
    path = draw_week_chart(
        fortnight(),
        6,
        tmp_path / "week.png",
        title="Last two weeks",
        work_days={d.day for d in fortnight() if d.day.weekday() < 5},
    )
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == SIZE
        rgb = image.convert("RGB")
    for _, _, colour in SERIES:
        assert colour_count(rgb, colour) > 200, colour
    assert len(colours(rgb)) > 20  # text is antialiased: not a flat image


def test_done_bars_stand_where_the_done_days_are() -> None:
    days = [DayCounts(MON + timedelta(days=i), done=6 if i in (0, 3) else 0) for i in range(7)]
    image = render_week_chart(days, 6)
    slot_green = []
    for i in range(7):
        column = image.crop(
            (
                int(52 + (i + 0.5) * (image.width - 58 - 52) / 7) - 2,
                100,
                int(52 + (i + 0.5) * (image.width - 58 - 52) / 7) + 2,
                360,
            )
        )
        slot_green.append(colour_count(column, DONE_COLOUR) > 100)
    assert slot_green == [True, False, False, True, False, False, False]


def test_taller_bars_for_more_done() -> None:
    days = [DayCounts(MON, done=2), DayCounts(MON + timedelta(days=1), done=8)]
    image = render_week_chart(days, 6)
    half = image.width // 2
    left = colour_count(image.crop((0, 0, half, image.height)), DONE_COLOUR)
    right = colour_count(image.crop((half, 0, image.width, image.height)), DONE_COLOUR)
    assert right > 3 * left > 0


def test_empty_and_long_ranges_still_draw(tmp_path: Path) -> None:
    assert render_week_chart([], 6).size == SIZE
    quarter = [DayCounts(MON + timedelta(days=i), done=i % 9) for i in range(90)]
    image = render_week_chart(quarter, 6, size=(1200, 500))
    assert image.size == (1200, 500) and colour_count(image, DONE_COLOUR) > 1000
