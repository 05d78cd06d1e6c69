"""`deskbreak stats` and `deskbreak history export`: read the history file directly (no daemon
needed), summarise with the pure stats functions, print text, JSON or CSV, or draw a chart."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.locale_formats import weekday_date
from ..i18n import _, ngettext
from .options import add_config_option

if TYPE_CHECKING:
    from ..core.catalog import Catalog
    from ..core.stats import StretchCount, Summary
    from ..store.history import History

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
# The widths of `stats`' table columns: day, done, snoozed, skipped, ignored, breaks.
COLUMN_WIDTHS = (16, 5, 9, 9, 9, 8)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    stats = sub.add_parser("stats", help=_("stretches done, streaks and completion rate (from the history)"))
    span = stats.add_mutually_exclusive_group()
    span.add_argument("--days", type=int, metavar="N", help=_("the last N days, today included (default 7)"))
    span.add_argument("--week", action="store_true", help=_("this week, from Monday"))
    span.add_argument("--month", action="store_true", help=_("this month, from the 1st"))
    form = stats.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help=_("the same figures as JSON"))
    form.add_argument("--csv", action="store_true", help=_("one row per day, as CSV"))
    stats.add_argument("--chart", type=Path, metavar="FILE.png", help=_("also draw a bar chart of the days"))
    add_config_option(stats)
    stats.add_argument(
        "--machine", metavar="NAME", help=_("one machine's stretches ([sync] folder); default: every machine")
    )

    history = sub.add_parser("history", help=_("your prompt history"))
    history_sub = history.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    export = history_sub.add_parser(
        "export", help=_("every prompt and its outcome, as CSV (default) or JSON")
    )
    form = export.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help=_("comma-separated values (the default)"))
    form.add_argument("--json", action="store_true", help=_("JSON instead of CSV"))
    export.add_argument("-o", "--output", type=Path, help=_("write to this file instead of stdout"))
    export.add_argument(
        "--machine", metavar="NAME", help=_("one machine's prompts ([sync] folder); default: every machine")
    )
    add_config_option(export)


def _open_history() -> History | None:
    """The history for reading, or None after one line on stderr."""
    from ..paths import default_paths
    from ..store.history import History, HistoryError

    path = default_paths().history_file
    try:
        return History.open(path)
    except HistoryError as error:
        print(f"deskbreak: {error}", file=sys.stderr)
        return None


def cmd_stats(args: argparse.Namespace) -> int:
    from ..assets import builtin_catalog
    from ..core import stats, stats_export
    from ..core.workhours import build_plan
    from ..daemon.zone import resolve_zone
    from . import _load_or_report

    if args.days is not None and not 1 <= args.days <= 3660:
        print(_("deskbreak: --days: got {days}, expected 1 to 3660").format(days=args.days), file=sys.stderr)
        return EXIT_BAD_INPUT
    config = _load_or_report(args)
    if config is None:
        return EXIT_BAD_INPUT
    plan, catalog = build_plan(config, builtin_catalog(), resolve_zone(config.schedule.timezone))
    today = datetime.now(plan.zone).date()
    start, end = stats.window(today, days=args.days, week=args.week, month=args.month)
    schedule = config.schedule

    def is_work_day(day: date) -> bool:
        return day not in schedule.days_off and bool(schedule.week[day.weekday()])

    from ..core import sync
    from ..paths import default_paths
    from .shared_history import shared_outcomes

    shared = shared_outcomes(config, default_paths(), args.machine)
    if shared.unknown_machine:
        print(f"deskbreak: {shared.unknown_machine}", file=sys.stderr)
        return EXIT_BAD_INPUT
    history = _open_history()
    if history is None:
        return EXIT_FAILURE
    # Every machine's records once: this machine's from its history, the others' from the folder.
    theirs = list(shared.outcomes)
    their_days = stats.count_days(theirs, plan.zone)
    in_range = [o for o in theirs if start <= stats.local_day(o, plan.zone) <= end]
    with history:
        own = shared.own
        done_per_day = sync.merge_totals(
            history.done_per_day(today) if own else {},
            {d.day: d.done for d in their_days if d.day <= today},
        )
        own_first = first_recorded_day(history, start, end, done_per_day) if own else None
        their_first = min((max(d.day, start) for d in their_days if d.day <= end), default=None)
        first = min((d for d in (own_first, their_first) if d is not None), default=None)
        summary = stats.summarize_counts(
            sync.merge_days(
                history.day_counts(start, end) if own else [], stats.count_days(in_range, plan.zone)
            ),
            sync.merge_totals(
                history.done_by_stretch(start, end) if own else {},
                sync.done_by_stretch(in_range),
            ),
            start_day=start,
            end_day=end,
            goal=config.goals.daily_stretches,
            is_work_day=is_work_day,
            today=today,
            known_ids=plan.eligible,
            done_per_day=done_per_day,
            first_use=first or today,
        )
    if args.chart:
        from ..adapters.charts import draw_week_chart

        try:
            draw_week_chart(list(summary.days), summary.goal, args.chart, work_days=summary.work_days)
        except OSError as error:
            print(_cannot_write(args.chart, error), file=sys.stderr)
            return EXIT_FAILURE
    if args.json:
        print(json.dumps(stats_export.to_json(summary), indent=2))
    elif args.csv:
        sys.stdout.write(stats_export.to_csv(summary))
    else:
        print_summary(summary, catalog, requested_start=start)
    if args.chart:
        # Translators: before the path of the chart's picture file just written.
        chart = _("chart: {file}").format(file=args.chart)
        print(chart, file=sys.stderr if (args.json or args.csv) else sys.stdout)
    return EXIT_OK


def _cannot_write(path: Path, error: OSError) -> str:
    return _("deskbreak: cannot write {file}: {error}").format(file=path, error=error.strerror or error)


def first_recorded_day(
    history: History, start: date, end: date, done_per_day: dict[date, int]
) -> date | None:
    """The first day anything was recorded, when it falls in [start, end]; `start` when it came
    earlier; None when nothing was recorded up to `end`."""
    if any(day < start for day in done_per_day) or history.day_counts(date.min, start - timedelta(days=1)):
        return start
    recorded = history.day_counts(start, end)
    return recorded[0].day if recorded else None


def print_summary(summary: Summary, catalog: Catalog, requested_start: date | None = None) -> None:
    from ..core.stats import not_yet_done, unique_least_done

    def name(entry: StretchCount) -> str:
        stretch = catalog.get(entry.stretch_id)
        shown = _(stretch.name) if stretch else entry.stretch_id  # a catalog name, by its English text
        return f"{shown} ({entry.done})"

    # Translators: the first line of `deskbreak stats`: {start} and {end} are dates.
    heading = _("{start} to {end}   goal {goal} a work day")
    print(heading.format(start=summary.start_day, end=summary.end_day, goal=summary.goal))
    if requested_start is not None and summary.start_day > requested_start:
        first = weekday_date(summary.start_day)
        print(_("(your history starts on {date}: earlier days are left out)").format(date=first))
    headers = _column_headers()
    # A header longer in the user's language widens its column: one space always parts two columns.
    widths = [
        max(width, screen_width(header) + 1) for width, header in zip(COLUMN_WIDTHS, headers, strict=True)
    ]
    dates = {day.day: weekday_date(day.day) for day in summary.days}  # in the locale's form: widths vary
    widths[0] = max([widths[0], *(screen_width(text) + 1 for text in dates.values())])
    print(_table_row(headers, widths))
    for day in summary.days:
        mark = "✓" if day.done >= summary.goal else (" " if day.day in summary.work_days else "·")
        counts = (day.done, day.snoozed, day.skipped, day.ignored, day.natural_breaks)
        print(f"{_table_row((dates[day.day], *counts), widths)} {mark}")
    # Translators: the legend under the table: ✓ and · mark the days in its last column.
    legend = _("✓ goal met ({goal} done)   · not a work day (neither breaks nor extends a streak)")
    print(legend.format(goal=summary.goal))
    rate = summary.completion_rate
    # Translators: {rate} is a percentage; a streak counts work days in a row at the daily goal.
    totals = ngettext(
        "completion {rate} (done / done+skipped+ignored)   streak {current} (best {best}) work days at the goal",
        "completion {rate} (done / done+skipped+ignored)   streak {current} (best {best}) work days at the goal",
        summary.best_streak,
    )
    shown_rate = "-" if rate is None else f"{rate:.0%}"
    print(totals.format(rate=shown_rate, current=summary.current_streak, best=summary.best_streak))
    if summary.most_done:
        parts = [_("most done: {stretch}").format(stretch=name(summary.most_done))]
    else:
        parts = [_("nothing done yet")]
    never = not_yet_done(summary)
    least = unique_least_done(summary)
    if never:
        known = len(summary.done_by_stretch)
        not_yet = ngettext(
            "not yet done: {count} of {known} stretch", "not yet done: {count} of {known} stretches", known
        )
        parts.append(not_yet.format(count=len(never), known=known))
    elif least is not None and least != summary.most_done:
        parts.append(_("least done: {stretch}").format(stretch=name(least)))
    print("   ".join(parts))


def _table_row(cells: tuple[object, ...], widths: list[int]) -> str:
    """The day left-aligned, the counts right-aligned, each in its column's width (on screen: a
    Chinese or Japanese character takes two columns of a terminal)."""
    first, *rest = (str(cell) for cell in cells)
    row = first + " " * (widths[0] - screen_width(first))
    return row + "".join(
        " " * (width - screen_width(cell)) + cell for cell, width in zip(rest, widths[1:], strict=True)
    )


def screen_width(text: str) -> int:
    """How many terminal columns `text` takes: wide and full-width characters (East Asian) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _column_headers() -> tuple[str, str, str, str, str, str]:
    """The headers of the table's columns: one row per day, how many prompts ended each way."""
    # Translators: a column header of `deskbreak stats`: the date of each row.
    day = _("day")
    # Translators: a column header of `deskbreak stats`: stretches done that day.
    done = _("done")
    # Translators: a column header of `deskbreak stats`: prompts snoozed that day.
    snoozed = _("snoozed")
    # Translators: a column header of `deskbreak stats`: prompts skipped that day.
    skipped = _("skipped")
    # Translators: a column header of `deskbreak stats`: prompts left unanswered that day.
    ignored = _("ignored")
    # Translators: a column header of `deskbreak stats`: natural breaks (time away) that day.
    breaks = _("breaks")
    return day, done, snoozed, skipped, ignored, breaks


def cmd_history(args: argparse.Namespace) -> int:
    from itertools import chain

    from ..daemon.zone import resolve_zone
    from ..paths import default_paths
    from ..store.export import write_csv, write_json
    from ..store.private import open_private_text
    from . import _load_or_report
    from .shared_history import export_rows, shared_outcomes

    config = _load_or_report(args)
    if config is None:
        return EXIT_BAD_INPUT
    shared = shared_outcomes(config, default_paths(), args.machine)
    if shared.unknown_machine:
        print(f"deskbreak: {shared.unknown_machine}", file=sys.stderr)
        return EXIT_BAD_INPUT
    history = _open_history()
    if history is None:
        return EXIT_FAILURE
    write = write_json if args.json else write_csv
    theirs = export_rows(shared.outcomes, resolve_zone(config.schedule.timezone))
    with history:
        rows = chain(history.export_rows() if shared.own else (), theirs)
        try:
            if args.output:
                # The whole history of one person: a new file is theirs alone (0600).
                with open_private_text(args.output) as out:
                    count = write(rows, out)
                written = ngettext(
                    "{count} prompt written to {file}", "{count} prompts written to {file}", count
                )
                print(written.format(count=count, file=args.output), file=sys.stderr)
            else:
                write(rows, sys.stdout)
        except OSError as error:
            print(_cannot_write(args.output, error), file=sys.stderr)
            return EXIT_FAILURE
    return EXIT_OK
