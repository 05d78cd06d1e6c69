"""Pure statistics over prompt outcomes: per-day counts, completion rate, streaks, favourites.

No I/O and no clock: `today` and the date range are parameters. Two ways in, same answers:
`summarize(outcomes, ...)` over `PromptOutcome`s (tests, small data), and `summarize_counts(...)`
over counts that SQLite already grouped (`History.day_counts` etc.), which keeps five years fast.

Definitions (shown to users, keep them in step with the docs):
- completion rate = done / (done + skipped + ignored). Snoozes are not counted (a snoozed prompt
  comes back and ends as its own row), nor natural breaks (no prompt was answered) nor prompts
  missed while the computer slept. None when the denominator is 0.
- a streak is a run of consecutive *work days* on which at least `goal` stretches were done. A
  day that is not a work day neither breaks nor extends it (even with stretches done); a work day
  short of the goal, including one with no data at all, breaks it. Today, while still short of
  the goal, does not break the current streak (it is simply not counted yet).
- most_done: the stretch done most often in the range. least_done: the one done least often among
  those done at least once, plus any `known_ids` given (which count from zero, so a stretch never
  done can be named). Ties go to the alphabetically first id.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta, tzinfo
from typing import TypedDict

from .outcomes import DONE, IGNORED, MISSED_WHILE_ASLEEP, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome

JSON_SCHEMA = 1
_FIELD_OF = {
    DONE: "done",
    SNOOZED: "snoozed",
    SKIPPED: "skipped",
    IGNORED: "ignored",
    NATURAL_BREAK: "natural_breaks",
    MISSED_WHILE_ASLEEP: "missed",
}


@dataclass(frozen=True, kw_only=True)
class Counts:
    """How many prompts ended each way."""

    done: int = 0
    snoozed: int = 0
    skipped: int = 0
    ignored: int = 0
    natural_breaks: int = 0
    missed: int = 0  # missed_while_asleep: fell due while the computer slept

    @property
    def total(self) -> int:
        return sum(self.as_dict().values())

    @property
    def completion_rate(self) -> float | None:
        answered = self.done + self.skipped + self.ignored
        return self.done / answered if answered else None

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(Counts)}

    def plus(self, other: Counts) -> Counts:
        mine, theirs = self.as_dict(), other.as_dict()
        return Counts(**{k: mine[k] + theirs[k] for k in mine})


@dataclass(frozen=True)
class DayCounts(Counts):
    """Counts for one local day: `DayCounts(day, done=4, skipped=1)`."""

    day: date


@dataclass(frozen=True)
class StretchCount:
    stretch_id: str
    done: int


@dataclass(frozen=True)
class Summary:
    start_day: date
    end_day: date
    today: date
    goal: int
    days: tuple[DayCounts, ...]  # every day start_day..end_day, oldest first, zeros included
    work_days: frozenset[date]  # which of `days` are work days
    totals: Counts
    completion_rate: float | None  # see the module docstring
    current_streak: int
    best_streak: int
    most_done: StretchCount | None
    least_done: StretchCount | None
    done_by_stretch: tuple[StretchCount, ...]  # most done first


def add_outcome(counts: DayCounts, outcome: str, n: int = 1) -> DayCounts:
    """`counts` with `n` more prompts that ended as `outcome`."""
    name = _FIELD_OF[outcome]
    return replace(counts, **{name: getattr(counts, name) + n})


def local_day(outcome: PromptOutcome, zone: tzinfo | None = None) -> date:
    """The local day of a prompt: in `zone`, else in the prompt's own UTC offset."""
    return (outcome.prompted_at.astimezone(zone) if zone else outcome.prompted_at).date()


def count_days(outcomes: Iterable[PromptOutcome], zone: tzinfo | None = None) -> list[DayCounts]:
    """Per-day counts for the days that have outcomes, oldest first."""
    days: dict[date, DayCounts] = {}
    for o in outcomes:
        day = local_day(o, zone)
        days[day] = add_outcome(days.get(day) or DayCounts(day), o.outcome)
    return [days[d] for d in sorted(days)]


def streaks(
    done_per_day: Mapping[date, int], goal: int, is_work_day: Callable[[date], bool], today: date
) -> tuple[int, int]:
    """(current, best) streak of work days with at least `goal` done, as defined above."""
    if goal < 1:
        raise ValueError("goal must be at least 1")
    past = [d for d, n in done_per_day.items() if d <= today and n > 0]
    if not past:
        return 0, 0
    run = best = 0
    day = min(past)
    while day < today:
        if is_work_day(day):
            run = run + 1 if done_per_day.get(day, 0) >= goal else 0
            best = max(best, run)
        day += timedelta(days=1)
    if is_work_day(today) and done_per_day.get(today, 0) >= goal:
        run += 1
        best = max(best, run)
    return run, best


def summarize(
    outcomes: Iterable[PromptOutcome],
    start_day: date,
    end_day: date,
    goal: int,
    is_work_day: Callable[[date], bool],
    today: date,
    *,
    known_ids: Iterable[str] = (),
    zone: tzinfo | None = None,
) -> Summary:
    """Summary of [start_day, end_day]. `outcomes` may reach back before start_day: the streaks
    use every outcome given (pass the whole history for a true best streak); the rest only the range."""
    outcomes = list(outcomes)
    every = count_days(outcomes, zone)
    window = [d for d in every if start_day <= d.day <= end_day]
    by_stretch: dict[str, int] = {}
    for o in outcomes:
        if o.outcome == DONE and o.stretch_id and start_day <= local_day(o, zone) <= end_day:
            by_stretch[o.stretch_id] = by_stretch.get(o.stretch_id, 0) + 1
    return summarize_counts(
        window,
        by_stretch,
        start_day=start_day,
        end_day=end_day,
        goal=goal,
        is_work_day=is_work_day,
        today=today,
        known_ids=known_ids,
        done_per_day={d.day: d.done for d in every},
    )


def summarize_counts(
    days: Iterable[DayCounts],
    done_by_stretch: Mapping[str, int],
    *,
    start_day: date,
    end_day: date,
    goal: int,
    is_work_day: Callable[[date], bool],
    today: date,
    known_ids: Iterable[str] = (),
    done_per_day: Mapping[date, int] | None = None,
) -> Summary:
    """Summary from counts grouped elsewhere. `days`: counts within the range (missing days are
    zero); `done_per_day`: done per day over the whole history, for streaks (default: `days`)."""
    if end_day < start_day:
        raise ValueError("end_day is before start_day")
    given = {d.day: d for d in days if start_day <= d.day <= end_day}
    span = [start_day + timedelta(days=i) for i in range((end_day - start_day).days + 1)]
    table = tuple(given.get(d) or DayCounts(d) for d in span)
    totals = Counts()
    for d in table:
        totals = totals.plus(d)
    if done_per_day is None:
        done_per_day = {d.day: d.done for d in table}
    current, best = streaks(done_per_day, goal, is_work_day, today)
    ranked = {**dict.fromkeys(known_ids, 0), **{k: n for k, n in done_by_stretch.items() if n > 0}}
    by_count = tuple(StretchCount(k, n) for k, n in sorted(ranked.items(), key=lambda kv: (-kv[1], kv[0])))
    done = tuple(s for s in by_count if s.done > 0)
    least = min(by_count, key=lambda s: (s.done, s.stretch_id)) if by_count else None
    return Summary(
        start_day,
        end_day,
        today,
        goal,
        table,
        frozenset(d for d in span if is_work_day(d)),
        totals,
        totals.completion_rate,
        current,
        best,
        done[0] if done else None,
        least,
        by_count,
    )


def window(
    today: date, *, days: int | None = None, week: bool = False, month: bool = False
) -> tuple[date, date]:
    """The date range for `stats`: `--week` is this calendar week from Monday, `--month` this
    month from the 1st, `--days N` the last N days; each ends today. Default: the last 7 days."""
    if week:
        return today - timedelta(days=today.weekday()), today
    if month:
        return today.replace(day=1), today
    n = 7 if days is None else days
    if n < 1:
        raise ValueError("days must be at least 1")
    return today - timedelta(days=n - 1), today


def today_line(counts: Counts | None, goal: int | None = None) -> str:
    """The tray's line, e.g. "Today: 4 of 6 done, 1 skipped" ("4 done" without a goal).

    Zero parts are left out except done; "Today: no stretches yet" when nothing happened."""
    if counts is None or counts.total - counts.missed == 0:
        return "Today: no stretches yet"
    parts = [f"{counts.done} of {goal} done" if goal else f"{counts.done} done"]
    for n, one, many in (
        (counts.skipped, "skipped", "skipped"),
        (counts.ignored, "ignored", "ignored"),
        (counts.natural_breaks, "natural break", "natural breaks"),
        (counts.snoozed, "snoozed", "snoozed"),
    ):
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return "Today: " + ", ".join(parts)


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
