"""Work hours: the configured windows as real instants, and when the next prompt falls due. Pure.

Windows are local wall-clock ranges in the configured zone; intervals are real elapsed time, so
every instant here is compared and added in UTC (adding to a zoned datetime adds wall-clock time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .catalog import Catalog
from .config import ActivityConfig, Config, ScheduleConfig

SEARCH_DAYS = 400  # how far ahead to look for a work window (a year of days off is still found)


@dataclass(frozen=True)
class Plan:
    """What the core needs from the config and catalog; built once per config by the daemon."""

    schedule: ScheduleConfig
    zone: tzinfo
    eligible: tuple[str, ...]
    focus: tuple[str, ...] = ()
    late_limit: timedelta = timedelta(minutes=5)  # a due instant missed by more was slept through
    activity: ActivityConfig = field(default_factory=ActivityConfig)

    @classmethod
    def from_config(cls, config: Config, zone: tzinfo, eligible: Sequence[str], focus: Sequence[str]) -> Plan:
        return cls(
            config.schedule,
            zone,
            tuple(eligible),
            tuple(focus),
            timedelta(minutes=config.activity.natural_break_minutes),
            config.activity,
        )


def build_plan(config: Config, catalog: Catalog, zone: tzinfo) -> tuple[Plan, Catalog]:
    """The plan for `config` in `zone` (looked up by the shell: a zone name may mean the machine's
    local zone) and the user's catalog (their level and custom stretches) it deals from."""
    full = catalog.for_user(config.stretches.level, config.stretches.custom)
    eligible = full.eligible(config.stretches.postures, config.stretches.exclude)
    focus = [s.id for s in eligible if set(s.areas) & set(config.stretches.focus)]
    return Plan.from_config(config, zone, [s.id for s in eligible], focus), full


def as_utc(at: datetime) -> datetime:
    """Instants are compared and added in UTC: adding to a zoned datetime would add wall-clock time."""
    if at.tzinfo is None:
        raise ValueError("the schedule core needs timezone-aware datetimes")
    return at.astimezone(UTC)


def _at(day: date, minute: int, zone: tzinfo) -> datetime:
    """The instant of a wall-clock minute on a day; a time inside a DST gap moves forward past it."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def windows_from(
    day: date, schedule: ScheduleConfig, zone: tzinfo, days: int = SEARCH_DAYS
) -> Iterator[tuple[datetime, datetime]]:
    """The work windows as (start, end) UTC instants, in order, from the start of `day`."""
    days_off = set(schedule.days_off)
    for offset in range(days):
        current = day + timedelta(days=offset)
        if current in days_off:
            continue
        for window in schedule.week[current.weekday()]:
            yield _at(current, window.start_minute, zone), _at(current, window.end_minute, zone)


def window_at(now: datetime, plan: Plan) -> tuple[datetime, datetime] | None:
    """The work window containing `now`, if any."""
    now = as_utc(now)
    local_day = now.astimezone(plan.zone).date()
    for start_at, end_at in windows_from(local_day - timedelta(days=1), plan.schedule, plan.zone, days=3):
        if start_at <= now < end_at:
            return start_at, end_at
    return None


def next_prompt_at(anchor: datetime, plan: Plan) -> datetime | None:
    """When the next prompt falls due, counting from `anchor`.

    Inside a work window, `interval_minutes` after the later of the window's start and the anchor,
    and at least `min_minutes_before_end` before the window ends; else in a later window.
    """
    anchor = as_utc(anchor)
    interval = timedelta(minutes=plan.schedule.interval_minutes)
    margin = timedelta(minutes=plan.schedule.min_minutes_before_end)
    first_day = anchor.astimezone(plan.zone).date() - timedelta(days=1)
    for start_at, end_at in windows_from(first_day, plan.schedule, plan.zone):
        if end_at <= anchor:
            continue
        due = max(start_at, anchor) + interval
        if due <= end_at - margin and due < end_at:
            return due.astimezone(plan.zone)
    return None
