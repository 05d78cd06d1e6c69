"""The shapes `deskbreak stats` exports: JSON (schema-versioned, typed field by field) and CSV.

Pure: a `Summary` in, text or a JSON-ready dict out. The counting itself is in `stats`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import TypedDict

from .stats import Counts, DayCounts, StretchCount, Summary

JSON_SCHEMA = 1


# The JSON export's shape, field by field (`to_json`'s docstring shows it whole).
class CountsJson(TypedDict):
    done: int
    snoozed: int
    skipped: int
    ignored: int
    natural_breaks: int
    missed_while_asleep: int


class DayJson(CountsJson):
    date: str
    work_day: bool
    goal_met: bool


class StretchCountJson(TypedDict):
    stretch_id: str
    done: int


class StreakJson(TypedDict):
    current: int
    best: int


class StretchesJson(TypedDict):
    most_done: StretchCountJson | None
    least_done: StretchCountJson | None
    done_by_stretch: list[StretchCountJson]


class SummaryJson(TypedDict):
    schema: int
    start: str
    end: str
    today: str
    goal: int
    days: list[DayJson]
    totals: CountsJson
    completion_rate: float | None
    streak: StreakJson
    stretches: StretchesJson


def _day_dict(summary: Summary, d: DayCounts) -> DayJson:
    return {
        "date": d.day.isoformat(),
        "work_day": d.day in summary.work_days,
        **_counts_dict(d),
        "goal_met": d.done >= summary.goal,
    }


def _counts_dict(c: Counts) -> CountsJson:
    return {
        "done": c.done,
        "snoozed": c.snoozed,
        "skipped": c.skipped,
        "ignored": c.ignored,
        "natural_breaks": c.natural_breaks,
        "missed_while_asleep": c.missed,
    }


def _stretch(s: StretchCount) -> StretchCountJson:
    return {"stretch_id": s.stretch_id, "done": s.done}


def _maybe_stretch(s: StretchCount | None) -> StretchCountJson | None:
    return None if s is None else _stretch(s)


def to_json(summary: Summary) -> SummaryJson:
    """A JSON-ready dict; the shape is stable (`schema` bumps when it changes):

    {"schema": 1, "start": "YYYY-MM-DD", "end": ..., "today": ..., "goal": 6,
     "days": [{"date", "work_day", "done", "snoozed", "skipped", "ignored", "natural_breaks",
               "missed_while_asleep", "goal_met"}, ...],
     "totals": {"done", "snoozed", "skipped", "ignored", "natural_breaks", "missed_while_asleep"},
     "completion_rate": 0.8 | null, "streak": {"current": 3, "best": 12},
     "stretches": {"most_done": {"stretch_id", "done"} | null, "least_done": ... | null,
                   "done_by_stretch": [{"stretch_id", "done"}, ...]}}
    """
    rate = summary.completion_rate
    return {
        "schema": JSON_SCHEMA,
        "start": summary.start_day.isoformat(),
        "end": summary.end_day.isoformat(),
        "today": summary.today.isoformat(),
        "goal": summary.goal,
        "days": [_day_dict(summary, d) for d in summary.days],
        "totals": _counts_dict(summary.totals),
        "completion_rate": None if rate is None else round(rate, 4),
        "streak": {"current": summary.current_streak, "best": summary.best_streak},
        "stretches": {
            "most_done": _maybe_stretch(summary.most_done),
            "least_done": _maybe_stretch(summary.least_done),
            "done_by_stretch": [_stretch(s) for s in summary.done_by_stretch],
        },
    }


CSV_COLUMNS = (
    "date",
    "work_day",
    "done",
    "snoozed",
    "skipped",
    "ignored",
    "natural_breaks",
    "missed_while_asleep",
    "goal_met",
)


def to_csv(summary: Summary) -> str:
    """One row per day (header `CSV_COLUMNS`); booleans as 1/0. Totals and streaks are in JSON."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in summary.days:
        row: Mapping[str, object] = _day_dict(summary, d)
        writer.writerow([int(v) if isinstance(v, bool) else v for v in (row[c] for c in CSV_COLUMNS)])
    return buf.getvalue()
