"""Pure statistics over prompt outcomes: per-day counts, completion rate, streaks, favourites.
(Their JSON and CSV shapes are in `stats_export`.)

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
  done can be named). Ties go to the alphabetically first id; `not_yet_done` and
  `unique_least_done` say it without picking among ties.
- the range never reaches back before the first recorded day (`first_use`): days before anyone used
  deskbreak are not days without stretches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta, tzinfo

from ..i18n import _, ngettext
from .outcomes import DONE, IGNORED, MISSED_WHILE_ASLEEP, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome

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
    use every outcome given (pass the whole history for a true best streak); the rest only the range.
    The first outcome given is taken as the first use (see `summarize_counts`)."""
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
        first_use=every[0].day if every else None,
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
    first_use: date | None = None,
) -> Summary:
    """Summary from counts grouped elsewhere. `days`: counts within the range (missing days are
    zero); `done_per_day`: done per day over the whole history, for streaks (default: `days`);
    `first_use`: the first day anything was recorded (None: unknown). The summary starts on it when
    it falls inside the range, and is today alone (or the range's last day) when it comes later."""
    if end_day < start_day:
        raise ValueError("end_day is before start_day")
    start_day = shown_start(start_day, end_day, first_use)
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


def shown_start(start_day: date, end_day: date, first_use: date | None) -> date:
    """The first day worth showing in [start_day, end_day]: none before the first use."""
    if first_use is None or first_use <= start_day:
        return start_day
    return min(first_use, end_day)


def not_yet_done(summary: Summary) -> tuple[str, ...]:
    """The stretches (of those known) never done in the summary's range, by id."""
    return tuple(s.stretch_id for s in summary.done_by_stretch if s.done == 0)


def unique_least_done(summary: Summary) -> StretchCount | None:
    """The stretch done least often, when exactly one is (a tie names none)."""
    least = summary.least_done
    if least is None or sum(1 for s in summary.done_by_stretch if s.done == least.done) > 1:
        return None
    return least


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
        return _("Today: no stretches yet")
    parts = [done_part(counts.done, goal)]
    if counts.skipped:
        # Translators: one item of the tray's list "Today: 4 of 6 done, 1 skipped"; stretches skipped.
        parts.append(
            ngettext("{count} skipped", "{count} skipped", counts.skipped).format(count=counts.skipped)
        )
    if counts.ignored:
        # Translators: one item of the tray's list "Today: 4 of 6 done, 1 ignored"; prompts nobody answered.
        parts.append(
            ngettext("{count} ignored", "{count} ignored", counts.ignored).format(count=counts.ignored)
        )
    if counts.natural_breaks:
        n = counts.natural_breaks
        # Translators: one item of the tray's list "Today: 4 of 6 done, 2 natural breaks"; the user was
        # away from the computer long enough to count as a break.
        parts.append(ngettext("{count} natural break", "{count} natural breaks", n).format(count=n))
    if counts.snoozed:
        # Translators: one item of the tray's list "Today: 4 of 6 done, 1 snoozed"; prompts put off.
        parts.append(
            ngettext("{count} snoozed", "{count} snoozed", counts.snoozed).format(count=counts.snoozed)
        )
    return today_of(parts)


def done_part(done: int, goal: int | None) -> str:
    """The first item of today's line: "4 of 6 done", or "4 done" without a goal."""
    if goal:
        # Translators: the first item of the tray's list "Today: 4 of 6 done, 1 skipped" (goal 6).
        return _("{done} of {goal} done").format(done=done, goal=goal)
    # Translators: the first item of the tray's list "Today: 4 done, 1 skipped" (no daily goal).
    return ngettext("{count} done", "{count} done", done).format(count=done)


def today_of(parts: list[str]) -> str:
    """The tray's line for today from its items: "Today: 4 of 6 done, 1 skipped"."""
    # Translators: separates the items of a list such as "4 of 6 done, 1 skipped" (a comma and a space).
    items = _(", ").join(parts)
    # Translators: the tray's line; {items} is a list such as "4 of 6 done, 1 skipped".
    return _("Today: {items}").format(items=items)
