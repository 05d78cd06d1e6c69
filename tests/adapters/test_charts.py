from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PIL import Image

from deskbreak.adapters import charts
from deskbreak.adapters.charts import (
    DONE_COLOUR,
    SERIES,
    SIZE,
    ChartLayout,
    chart_layout,
    draw_week_chart,
    render_week_chart,
)
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


def column(image: Image.Image, at: ChartLayout, index: int, top: float, bottom: float) -> Image.Image:
    x = int(at.centre_x(index))
    return image.crop((x - 2, int(top), x + 3, int(bottom)))


def test_only_done_rises_toward_the_goal() -> None:
    # 3 done + 2 snoozed + 1 skipped is half way to a goal of 6, not at it.
    mixed = [DayCounts(MON, done=3, snoozed=2, skipped=1)]
    at = chart_layout(mixed, 6)
    image = render_week_chart(mixed, 6)
    above_axis = column(image, at, 0, at.plot_top, at.axis_y)
    green_rows = [y for y in range(above_axis.height) if above_axis.getpixel((2, y)) == DONE_COLOUR]
    bar_top = at.plot_top + min(green_rows)
    goal_rows = [y for y in range(at.plot_top, at.axis_y) if image.getpixel((at.left + 2, y)) == charts.GOAL]
    assert goal_rows, "the goal line is drawn"
    bar_height, goal_height = at.axis_y - bar_top, at.axis_y - min(goal_rows)
    assert abs(bar_height - goal_height / 2) <= 2, (bar_height, goal_height)
    for _, _, colour in charts.NOT_COUNTED:
        assert colour_count(above_axis, colour) == 0  # nothing else stacks on the done bar
    # ...and the same picture above the axis as 3 done alone
    alone = render_week_chart([DayCounts(MON, done=3)], 6)
    region = (0, at.plot_top, image.width, at.axis_y)
    assert image.crop(region).tobytes() == alone.crop(region).tobytes()


def test_the_other_outcomes_sit_in_their_own_strip() -> None:
    days = [DayCounts(MON, done=1, snoozed=2, skipped=1, ignored=1, natural_breaks=1)]
    at = chart_layout(days, 6)
    image = render_week_chart(days, 6)
    strip = column(image, at, 0, at.strip_top, at.strip_top + at.strip_height + 1)
    for _, _, colour in charts.NOT_COUNTED:
        assert colour_count(strip, colour) > 0, colour
    assert colour_count(strip, DONE_COLOUR) == 0
    assert at.strip_top > at.axis_y and at.top_value < 10  # the scale comes from done and the goal
