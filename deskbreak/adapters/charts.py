"""A labelled bar chart of recent days, drawn with Pillow alone (no plotting stack).

Stacked bars per day, bottom up: done (green), natural breaks (blue), snoozed (amber), skipped and
ignored (greys); a dashed goal line; days that are not work days are shaded; the number done sits
above each bar. Fonts: DejaVu Sans when the system has it, else Pillow's bundled default font.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..core.stats import DayCounts

log = logging.getLogger(__name__)

SIZE = (900, 420)
BACKGROUND = (255, 255, 255)
INK = (40, 44, 52)
MUTED = (110, 116, 128)
GRID = (228, 231, 236)
OFF_DAY = (245, 246, 248)
GOAL = (200, 60, 60)
# (label, DayCounts field, colour), bottom of the stack first.
SERIES = (
    ("done", "done", (46, 160, 67)),
    ("natural break", "natural_breaks", (66, 133, 214)),
    ("snoozed", "snoozed", (240, 173, 40)),
    ("skipped", "skipped", (150, 156, 166)),
    ("ignored", "ignored", (200, 204, 211)),
)
DONE_COLOUR = SERIES[0][2]

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: int, bold: bool = False) -> Font:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for candidate in (name, f"/usr/share/fonts/truetype/dejavu/{name}"):
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if top / step <= 6:
            return step
    return max(1, top // 5)


def render_week_chart(
    days: Sequence[DayCounts],
    goal: int,
    *,
    title: str = "Desk stretches",
    work_days: Collection[date] | None = None,
    size: tuple[int, int] = SIZE,
) -> Image.Image:
    """The chart as an image; `work_days` (if given) leaves the other days shaded."""
    width, height = size
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    f_title, f_text, f_small = _font(20, bold=True), _font(13), _font(11)
    left, right, top, bottom = 52, width - 58, 86, height - 52

    draw.text((left, 14), title, font=f_title, fill=INK)
    if days:
        span = f"{days[0].day:%a %d %b %Y} – {days[-1].day:%a %d %b %Y}"
        draw.text((width - 20, 27), span, font=f_text, fill=MUTED, anchor="rm")
    _legend(draw, f_text, left, 50, goal)

    stacked = [sum(getattr(d, field) for _, field, _ in SERIES) for d in days]
    top_value = max([goal, *stacked, 1])
    step = _nice_step(top_value)
    top_value = -(-int(top_value * 1.1) // step) * step or step
    scale = (bottom - top) / top_value

    def y_of(value: float) -> float:
        return bottom - value * scale

    n = max(len(days), 1)
    slot = (right - left) / n
    bar = max(2.0, min(slot * 0.68, 56.0))
    if work_days is not None:
        for i, d in enumerate(days):
            if d.day not in work_days:
                draw.rectangle([left + i * slot, top, left + (i + 1) * slot, bottom], fill=OFF_DAY)
    for tick in range(0, top_value + 1, step):
        y = y_of(tick)
        draw.line([(left, y), (right, y)], fill=GRID, width=1)
        draw.text((left - 8, y), str(tick), font=f_small, fill=MUTED, anchor="rm")
    _vertical_label(image, "prompts", f_small, (16, (top + bottom) // 2))

    for i, d in enumerate(days):
        cx = left + (i + 0.5) * slot
        base = 0
        for _, field, colour in SERIES:
            value = getattr(d, field)
            if value:
                draw.rectangle([cx - bar / 2, y_of(base + value), cx + bar / 2, y_of(base) - 1], fill=colour)
                base += value
        if d.done:
            draw.text((cx, y_of(base) - 4), str(d.done), font=f_small, fill=DONE_COLOUR, anchor="md")
        _day_label(draw, d.day, cx, bottom + 6, n, f_small)

    draw.line([(left, bottom), (right, bottom)], fill=MUTED, width=1)
    _dashed(draw, left, right, y_of(goal), GOAL)
    draw.text((right + 6, y_of(goal)), f"goal {goal}", font=f_small, fill=GOAL, anchor="lm")
    return image


def draw_week_chart(
    days: Sequence[DayCounts],
    goal: int,
    path: Path,
    *,
    title: str = "Desk stretches",
    work_days: Collection[date] | None = None,
    size: tuple[int, int] = SIZE,
) -> Path:
    """Draw the chart of `days` (oldest first, one entry per day) to the PNG at `path`."""
    path = Path(path)
    render_week_chart(days, goal, title=title, work_days=work_days, size=size).save(path, "PNG")
    log.info("chart of %d days written to %s", len(days), path)
    return path


def _legend(draw: ImageDraw.ImageDraw, font: Font, x: float, y: float, goal: int) -> None:
    items: list[tuple[str, tuple[int, int, int] | None]] = [(label, colour) for label, _, colour in SERIES]
    items.append((f"goal: {goal} done a day", None))
    widths = [18 + draw.textlength(label, font=font) + 18 for label, _ in items]
    for (label, colour), w in zip(items, widths, strict=False):
        if colour is None:
            _dashed(draw, x, x + 12, y + 7, GOAL)
        else:
            draw.rectangle([x, y + 1, x + 12, y + 13], fill=colour)
        draw.text((x + 18, y + 7), label, font=font, fill=INK, anchor="lm")
        x += w


def _day_label(draw: ImageDraw.ImageDraw, day: date, cx: float, y: float, n: int, font: Font) -> None:
    if n <= 14:
        draw.text((cx, y), f"{day:%a}", font=font, fill=INK, anchor="ma")
        draw.text((cx, y + 15), f"{day.day} {day:%b}", font=font, fill=MUTED, anchor="ma")
    elif n <= 62:
        draw.text((cx, y), str(day.day), font=font, fill=INK, anchor="ma")
        draw.text((cx, y + 15), f"{day:%a}"[0], font=font, fill=MUTED, anchor="ma")
    elif day.day == 1:
        draw.text((cx, y), f"{day:%b}", font=font, fill=INK, anchor="ma")


def _dashed(draw: ImageDraw.ImageDraw, x0: float, x1: float, y: float, colour: tuple[int, int, int]) -> None:
    x = x0
    while x < x1:
        draw.line([(x, y), (min(x + 6, x1), y)], fill=colour, width=2)
        x += 10


def _vertical_label(image: Image.Image, text: str, font: Font, centre: tuple[int, int]) -> None:
    probe = ImageDraw.Draw(image)
    w = int(probe.textlength(text, font=font)) + 4
    label = Image.new("RGB", (w, 16), BACKGROUND)
    ImageDraw.Draw(label).text((w / 2, 8), text, font=font, fill=MUTED, anchor="mm")
    rotated = label.rotate(90, expand=True)
    image.paste(rotated, (centre[0] - rotated.width // 2, centre[1] - rotated.height // 2))
