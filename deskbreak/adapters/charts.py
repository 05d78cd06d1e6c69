"""A labelled bar chart of recent days, drawn with Pillow alone (no plotting stack).

Only stretches done count toward the daily goal, so only they rise to the dashed goal line: one
green bar per day, its number above it. The other outcomes (natural breaks, snoozed, skipped,
ignored) hang as thin grey-toned bars in a separate strip below the day labels, on a scale of their
own, so they cannot be read as progress; the legend says so. Days that are not work days are shaded.
Fonts: DejaVu Sans when the system has it, else Pillow's bundled default font; a CJK font for texts
in Chinese, Japanese or Korean (adapters/fonts.py chooses). Dates in the user's locale.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..core.locale_formats import chosen_formats, month_day, month_name, weekday_date, weekday_name
from ..core.stats import DayCounts
from ..i18n import N_, _, ngettext
from .fonts import font_for

log = logging.getLogger(__name__)

SIZE = (900, 420)
BACKGROUND = (255, 255, 255)
INK = (40, 44, 52)
MUTED = (110, 116, 128)
GRID = (228, 231, 236)
OFF_DAY = (245, 246, 248)
GOAL = (200, 60, 60)
DONE_COLOUR = (46, 160, 67)
# The outcomes that do not count toward the goal: (label, DayCounts field, colour), top first.
# Labels are translated where they are drawn.
NOT_COUNTED = (
    # Translators: chart legend: prompts the user answered by taking a break of their own.
    (N_("natural break"), "natural_breaks", (120, 160, 205)),
    # Translators: chart legend: prompts the user snoozed.
    (N_("snoozed"), "snoozed", (214, 170, 90)),
    # Translators: chart legend: prompts the user skipped.
    (N_("skipped"), "skipped", (150, 156, 166)),
    # Translators: chart legend: prompts the user did not answer.
    (N_("ignored"), "ignored", (196, 200, 207)),
)
# (label, field, colour) for every series drawn, done first.
# Translators: chart label: stretches done.
SERIES = ((N_("done"), "done", DONE_COLOUR), *NOT_COUNTED)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class ChartLayout:
    """Where things go: the done plot above `axis_y`, the not-counted strip from `strip_top` down."""

    left: int
    right: int
    plot_top: int
    axis_y: int
    strip_top: int
    strip_height: int
    top_value: int  # the done plot's scale: `top_value` done reaches `plot_top`
    strip_value: int  # the strip's own scale: `strip_value` prompts fill it
    slot: float
    bar: float

    def y_of(self, done: float) -> float:
        """The height of `done` stretches in the done plot."""
        return self.axis_y - done * (self.axis_y - self.plot_top) / self.top_value

    def centre_x(self, index: int) -> float:
        return self.left + (index + 0.5) * self.slot

    def strip_depth(self, prompts: float) -> float:
        return prompts * self.strip_height / self.strip_value


def _not_counted(day: DayCounts) -> int:
    return sum(getattr(day, field) for _, field, _ in NOT_COUNTED)


def chart_layout(days: Sequence[DayCounts], goal: int, size: tuple[int, int] = SIZE) -> ChartLayout:
    """The layout for `days`: the done plot's scale comes from done and the goal alone."""
    width, height = size
    strip_height = max(24, height // 9)
    left, right, plot_top = 52, width - 58, 104
    strip_top = height - 8 - strip_height
    axis_y = strip_top - 40
    highest = max([goal, *(d.done for d in days), 1])
    step = _nice_step(highest)
    top_value = (highest // step + 1) * step  # a step of room above the goal and the tallest bar
    n = max(len(days), 1)
    slot = (right - left) / n
    return ChartLayout(
        left,
        right,
        plot_top,
        axis_y,
        strip_top,
        strip_height,
        top_value,
        max([*(_not_counted(d) for d in days), 1]),
        slot,
        max(2.0, min(slot * 0.68, 56.0)),
    )


def _font(size: int, bold: bool = False, sample: str = "") -> Font:
    """A font that draws `sample` (the chart's words) in the user's script: DejaVu for Latin."""
    return font_for(sample, size, bold, chosen_formats().name)


def _fonts(sample: str) -> tuple[Font, Font, Font]:
    """Title, text and small fonts for a chart whose words are `sample`."""
    return _font(20, True, sample), _font(13, False, sample), _font(11, False, sample)


def _date_words(days: Sequence[DayCounts]) -> str:
    formats = chosen_formats()
    return "".join(
        formats.weekdays_abbreviated + formats.weekdays_narrow + formats.months_standalone
    ) + "".join(month_day(d.day) for d in days[:1])


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if top / step <= 6:
            return step
    return max(1, top // 5)


def render_week_chart(
    days: Sequence[DayCounts],
    goal: int,
    *,
    title: str | None = None,
    work_days: Collection[date] | None = None,
    size: tuple[int, int] = SIZE,
) -> Image.Image:
    """The chart as an image; `work_days` (if given) leaves the other days shaded; `title` (default:
    "Desk stretches" in the user's language) heads it."""
    width = size[0]
    if title is None:
        # Translators: the chart's title.
        title = _("Desk stretches")
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    # Translators: the chart's span of days, from {first} to {last} (both dates).
    span = (
        _("{first} – {last}").format(first=weekday_date(days[0].day), last=weekday_date(days[-1].day))
        if days
        else ""
    )
    f_title, f_text, f_small = _fonts(title + span + _date_words(days))
    at = chart_layout(days, goal, size)

    draw.text((at.left, 14), title, font=f_title, fill=INK)
    if days:
        draw.text((width - 20, 27), span, font=f_text, fill=MUTED, anchor="rm")
    _legend(draw, f_text, at.left, 50, goal)

    strip_bottom = at.strip_top + at.strip_height
    if work_days is not None:
        for i, d in enumerate(days):
            if d.day not in work_days:
                x0, x1 = at.left + i * at.slot, at.left + (i + 1) * at.slot
                draw.rectangle([x0, at.plot_top, x1, at.axis_y], fill=OFF_DAY)
                draw.rectangle([x0, at.strip_top, x1, strip_bottom], fill=OFF_DAY)
    step = _nice_step(at.top_value)
    for tick in range(0, at.top_value + 1, step):
        y = at.y_of(tick)
        draw.line([(at.left, y), (at.right, y)], fill=GRID, width=1)
        draw.text((at.left - 8, y), str(tick), font=f_small, fill=MUTED, anchor="rm")
    # Translators: the chart's axis label beside the bars of stretches done.
    _vertical_label(image, _("done"), f_small, (16, (at.plot_top + at.axis_y) // 2))
    draw.line([(at.left, at.strip_top), (at.right, at.strip_top)], fill=GRID, width=1)
    # Translators: the chart's axis label beside the strip of prompts not done (snoozed, skipped...).
    _vertical_label(image, _("other"), f_small, (16, at.strip_top + at.strip_height // 2))

    thin = max(2.0, at.bar * 0.4)
    for i, d in enumerate(days):
        cx = at.centre_x(i)
        if d.done:
            draw.rectangle(
                [cx - at.bar / 2, at.y_of(d.done), cx + at.bar / 2, at.axis_y - 1], fill=DONE_COLOUR
            )
            draw.text((cx, at.y_of(d.done) - 4), str(d.done), font=f_small, fill=DONE_COLOUR, anchor="md")
        depth = 0
        for _label, field, colour in NOT_COUNTED:
            value = getattr(d, field)
            if value:
                y0 = at.strip_top + 1 + at.strip_depth(depth)
                draw.rectangle(
                    [cx - thin / 2, y0, cx + thin / 2, at.strip_top + at.strip_depth(depth + value)],
                    fill=colour,
                )
                depth += value
        if depth and len(days) <= 31:
            draw.text(
                (cx + thin / 2 + 3, at.strip_top + 2), str(depth), font=f_small, fill=MUTED, anchor="la"
            )
        _day_label(draw, d.day, cx, at.axis_y + 6, len(days), f_small)

    draw.line([(at.left, at.axis_y), (at.right, at.axis_y)], fill=MUTED, width=1)
    _dashed(draw, at.left, at.right, at.y_of(goal), GOAL)
    # Translators: the label at the end of the chart's goal line; {goal} is stretches a day.
    goal_label = _("goal {goal}").format(goal=goal)
    # A longer label in the user's language moves left, over the line's end, rather than off the image.
    label_x = min(at.right + 6, width - 4 - draw.textlength(goal_label, font=f_small))
    draw.text((label_x, at.y_of(goal)), goal_label, font=f_small, fill=GOAL, anchor="lm")
    return image


def draw_week_chart(
    days: Sequence[DayCounts],
    goal: int,
    path: Path,
    *,
    title: str | None = None,
    work_days: Collection[date] | None = None,
    size: tuple[int, int] = SIZE,
) -> Path:
    """Draw the chart of `days` (oldest first, one entry per day) to the PNG at `path`."""
    path = Path(path)
    render_week_chart(days, goal, title=title, work_days=work_days, size=size).save(path, "PNG")
    log.info("chart of %d days written to %s", len(days), path)
    return path


def _legend(draw: ImageDraw.ImageDraw, font: Font, x: float, y: float, goal: int) -> None:
    first: list[tuple[str, tuple[int, int, int] | None]] = [
        # Translators: chart legend for the green bars.
        (_("done: counts toward the goal"), DONE_COLOUR),
        # Translators: chart legend for the dashed goal line; {goal} is the number of stretches.
        (ngettext("goal: {goal} done a day", "goal: {goal} done a day", goal).format(goal=goal), None),
    ]
    second: list[tuple[str, tuple[int, int, int] | None]] = [
        (_(label), colour) for label, _field, colour in NOT_COUNTED
    ]
    _legend_row(draw, font, x, y, first)
    # Translators: chart legend, before the labels of the strip of prompts not done.
    lead = _("Strip below the days, not counted toward the goal:")
    draw.text((x, y + 27), lead, font=font, fill=MUTED, anchor="lm")
    _legend_row(draw, font, x + draw.textlength(lead, font=font) + 12, y + 20, second)


def _legend_row(
    draw: ImageDraw.ImageDraw,
    font: Font,
    x: float,
    y: float,
    items: list[tuple[str, tuple[int, int, int] | None]],
) -> None:
    for label, colour in items:
        if colour is None:
            _dashed(draw, x, x + 12, y + 7, GOAL)
        else:
            draw.rectangle([x, y + 1, x + 12, y + 13], fill=colour)
        draw.text((x + 18, y + 7), label, font=font, fill=INK, anchor="lm")
        x += 18 + draw.textlength(label, font=font) + 18


def _day_label(draw: ImageDraw.ImageDraw, day: date, cx: float, y: float, n: int, font: Font) -> None:
    if n <= 14:
        draw.text((cx, y), weekday_name(day), font=font, fill=INK, anchor="ma")
        draw.text((cx, y + 15), month_day(day), font=font, fill=MUTED, anchor="ma")
    elif n <= 62:
        draw.text((cx, y), str(day.day), font=font, fill=INK, anchor="ma")
        draw.text((cx, y + 15), weekday_name(day, "narrow"), font=font, fill=MUTED, anchor="ma")
    elif day.day == 1:
        draw.text((cx, y), month_name(day), font=font, fill=INK, anchor="ma")


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
