"""The schedule core: when the next prompt falls due, and what each event does to the state.

Pure: every function takes `now` (a timezone-aware datetime) and returns values; no clock, no
threads, no I/O. The daemon feeds events in and applies the effects that come out.

Intervals are counted in real elapsed time (UTC arithmetic); work windows are local wall-clock
ranges in the configured zone, so a window that spans a DST change is as long as the clock says.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum
from typing import Iterator, Sequence

from . import rotation as rot
from .config import Config, ScheduleConfig
from .outcomes import DONE, IGNORED, MISSED_WHILE_ASLEEP, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome

SEARCH_DAYS = 400  # how far ahead to look for a work window (a year of days off is still found)


class Phase(str, Enum):
    WAITING = "waiting"  # counting down to the next prompt (or off hours: no window now)
    PROMPTING = "prompting"  # a prompt is shown and unanswered
    SNOOZED = "snoozed"  # the prompt comes back at `snoozed_until`
    PAUSED = "paused"  # no prompts until `paused_until` (None: until resumed)


@dataclass(frozen=True)
class State:
    phase: Phase
    anchor: datetime  # the interval counts from here (start, last answer, return from a break)
    rotation: rot.Rotation = rot.Rotation()
    stretch_id: str | None = None  # the stretch of the shown or snoozed prompt
    prompted_at: datetime | None = None
    snoozed_until: datetime | None = None
    paused_until: datetime | None = None


@dataclass(frozen=True)
class Plan:
    """What the core needs from the config and catalog; built once per config by the daemon."""

    schedule: ScheduleConfig
    zone: tzinfo
    eligible: tuple[str, ...]
    focus: tuple[str, ...] = ()
    late_limit: timedelta = timedelta(minutes=5)  # a due instant missed by more was slept through

    @classmethod
    def from_config(cls, config: Config, zone: tzinfo, eligible: Sequence[str], focus: Sequence[str]) -> Plan:
        return cls(config.schedule, zone, tuple(eligible), tuple(focus),
                   timedelta(minutes=config.activity.natural_break_minutes))


# --- effects: what the daemon must do after a transition ---

@dataclass(frozen=True)
class ShowPrompt:
    stretch_id: str
    again: bool = False  # the same stretch coming back after a snooze


@dataclass(frozen=True)
class WithdrawPrompt:
    pass


@dataclass(frozen=True)
class Record:
    outcome: PromptOutcome


Effect = ShowPrompt | WithdrawPrompt | Record


@dataclass(frozen=True)
class Transition:
    state: State
    effects: tuple[Effect, ...] = ()
    error: str | None = None  # why the event was refused (the state is unchanged then)


def _utc(at: datetime) -> datetime:
    """Instants are compared and added in UTC: adding to a zoned datetime would add wall-clock time."""
    if at.tzinfo is None:
        raise ValueError("the schedule core needs timezone-aware datetimes")
    return at.astimezone(timezone.utc)


def start(now: datetime, seed: int = 0, rotation: rot.Rotation | None = None) -> State:
    """The state of a daemon that starts at `now`: a user who just sat down is not prompted at once."""
    return State(Phase.WAITING, anchor=_utc(now), rotation=rotation or rot.Rotation(seed=seed))


# --- work windows ---

def _at(day: date, minute: int, zone: tzinfo) -> datetime:
    """The instant of a wall-clock minute on a day; a time inside a DST gap moves forward past it."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    return naive.replace(tzinfo=zone).astimezone(timezone.utc)


def windows_from(day: date, schedule: ScheduleConfig, zone: tzinfo, days: int = SEARCH_DAYS
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
    now = _utc(now)
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
    anchor = _utc(anchor)
    interval = timedelta(minutes=plan.schedule.interval_minutes)
    margin = timedelta(minutes=plan.schedule.min_minutes_before_end)
    first_day = anchor.astimezone(plan.zone).date() - timedelta(days=1)
    for start_at, end_at in windows_from(first_day, plan.schedule, plan.zone):
        if end_at <= anchor:
            continue
        due = max(start_at, anchor) + interval
        if due <= end_at - margin:
            return due.astimezone(plan.zone)
    return None


def next_wakeup(state: State, plan: Plan) -> datetime | None:
    """The next instant at which the core has something to decide (the daemon arms a timer for it)."""
    if state.phase is Phase.WAITING:
        return next_prompt_at(state.anchor, plan)
    if state.phase is Phase.PROMPTING and state.prompted_at is not None:
        return state.prompted_at + timedelta(minutes=plan.schedule.prompt_timeout_minutes)
    if state.phase is Phase.SNOOZED:
        return state.snoozed_until
    if state.phase is Phase.PAUSED:
        return state.paused_until
    return None


def upcoming_stretch(state: State, plan: Plan) -> str | None:
    """The stretch the next prompt will offer (the snoozed one if a snooze is running)."""
    if state.phase in (Phase.PROMPTING, Phase.SNOOZED) and state.stretch_id:
        return state.stretch_id
    return rot.peek(state.rotation, plan.eligible, plan.focus)


# --- transitions ---

def tick(state: State, now: datetime, plan: Plan) -> Transition:
    """The timer fired (or the daemon woke up): decide once what is due at `now`."""
    now = _utc(now)
    if state.phase is Phase.WAITING:
        due = next_prompt_at(state.anchor, plan)
        if due is None or due > now:
            return Transition(state)
        if now - due > plan.late_limit:
            # Slept through it (suspend, a stopped process): one record, no burst, count from now.
            missed = PromptOutcome(due, rot.peek(state.rotation, plan.eligible, plan.focus),
                                   MISSED_WHILE_ASLEEP)
            return Transition(replace(state, anchor=now), (Record(missed),))
        return _prompt(state, now, plan)
    if state.phase is Phase.PROMPTING:
        assert state.prompted_at is not None
        deadline = state.prompted_at + timedelta(minutes=plan.schedule.prompt_timeout_minutes)
        if now < deadline:
            return Transition(state)
        outcome = PromptOutcome(state.prompted_at, state.stretch_id, IGNORED, deadline)
        return Transition(_waiting(state, min(now, deadline)), (WithdrawPrompt(), Record(outcome)))
    if state.phase is Phase.SNOOZED:
        assert state.snoozed_until is not None
        if now < state.snoozed_until:
            return Transition(state)
        if window_at(now, plan) is None or now - state.snoozed_until > plan.late_limit:
            return Transition(_waiting(state, now))  # the snooze ran into off hours or a sleep
        again = replace(state, phase=Phase.PROMPTING, prompted_at=now, snoozed_until=None)
        return Transition(again, (ShowPrompt(state.stretch_id or "", again=True),))
    if state.paused_until is not None and now >= state.paused_until:
        return Transition(_waiting(state, now))
    return Transition(state)


def prompt_now(state: State, now: datetime, plan: Plan) -> Transition:
    """The user asked for a stretch now (any phase; a pause ends)."""
    now = _utc(now)
    if state.phase is Phase.PROMPTING:
        return Transition(state, (ShowPrompt(state.stretch_id or "", again=True),))
    if state.phase is Phase.SNOOZED:
        again = replace(state, phase=Phase.PROMPTING, prompted_at=now, snoozed_until=None)
        return Transition(again, (ShowPrompt(state.stretch_id or "", again=True),))
    return _prompt(replace(state, paused_until=None), now, plan)


def done(state: State, now: datetime, plan: Plan, held_seconds: int | None = None) -> Transition:
    """The user did the stretch (also accepted while waiting: they stretched on their own)."""
    now = _utc(now)
    if state.phase is Phase.PAUSED:
        return Transition(state, error="paused: resume first")
    if state.phase is Phase.WAITING:
        stretch = rot.peek(state.rotation, plan.eligible, plan.focus)
        advanced = replace(state, rotation=rot.advance(state.rotation, plan.eligible, plan.focus))
        outcome = PromptOutcome(now, stretch, DONE, now, held_seconds)
        return Transition(_waiting(advanced, now), (Record(outcome),))
    outcome = PromptOutcome(state.prompted_at or now, state.stretch_id, DONE, now, held_seconds)
    return Transition(_waiting(state, now), (WithdrawPrompt(), Record(outcome)))


def snooze(state: State, now: datetime, plan: Plan, minutes: int | None = None) -> Transition:
    now = _utc(now)
    minutes = minutes or plan.schedule.snooze_minutes
    if not 1 <= minutes <= 240:
        return Transition(state, error="snooze minutes must be from 1 to 240")
    until = now + timedelta(minutes=minutes)
    if state.phase is Phase.SNOOZED:
        return Transition(replace(state, snoozed_until=until))
    if state.phase is not Phase.PROMPTING:
        return Transition(state, error="no prompt to snooze")
    outcome = PromptOutcome(state.prompted_at or now, state.stretch_id, SNOOZED, now)
    snoozed = replace(state, phase=Phase.SNOOZED, snoozed_until=until, prompted_at=None)
    return Transition(snoozed, (WithdrawPrompt(), Record(outcome)))


def skip(state: State, now: datetime, plan: Plan) -> Transition:
    now = _utc(now)
    if state.phase not in (Phase.PROMPTING, Phase.SNOOZED):
        return Transition(state, error="no prompt to skip")
    outcome = PromptOutcome(state.prompted_at or now, state.stretch_id, SKIPPED, now)
    return Transition(_waiting(state, now), (WithdrawPrompt(), Record(outcome)))


def another(state: State, now: datetime, plan: Plan) -> Transition:
    """Offer a different stretch for the prompt being shown."""
    now = _utc(now)
    if state.phase is not Phase.PROMPTING:
        return Transition(state, error="no prompt to change")
    stretch = rot.peek(state.rotation, plan.eligible, plan.focus)
    if stretch is None or stretch == state.stretch_id:
        return Transition(state, error="no other stretch to offer")
    changed = replace(state, stretch_id=stretch,
                      rotation=rot.advance(state.rotation, plan.eligible, plan.focus))
    return Transition(changed, (ShowPrompt(stretch),))


def pause(state: State, now: datetime, plan: Plan, until: datetime | None) -> Transition:
    """Pause prompts until `until` (None: until resumed). A prompt being shown counts as skipped."""
    now = _utc(now)
    until = _utc(until) if until is not None else None
    if until is not None and until <= now:
        return Transition(state, error="pause must end in the future")
    effects: tuple[Effect, ...] = ()
    if state.phase in (Phase.PROMPTING, Phase.SNOOZED):
        effects = (WithdrawPrompt(), Record(PromptOutcome(state.prompted_at or now, state.stretch_id,
                                                          SKIPPED, now)))
    paused = replace(state, phase=Phase.PAUSED, paused_until=until, stretch_id=None,
                     prompted_at=None, snoozed_until=None)
    return Transition(paused, effects)


def resume(state: State, now: datetime, plan: Plan) -> Transition:
    now = _utc(now)
    if state.phase is not Phase.PAUSED:
        return Transition(state, error="not paused")
    return Transition(_waiting(state, now))


def natural_break(state: State, began: datetime, ended: datetime, plan: Plan) -> Transition:
    """The user was away (idle, locked, asleep) from `began` to `ended`: count from their return."""
    began, ended = _utc(began), _utc(ended)
    if state.phase is Phase.PAUSED:
        return Transition(state)
    effects: tuple[Effect, ...] = (Record(PromptOutcome(began, None, NATURAL_BREAK, ended)),)
    if state.phase is Phase.PROMPTING:
        effects = (WithdrawPrompt(), Record(PromptOutcome(state.prompted_at or began, state.stretch_id,
                                                          IGNORED, ended))) + effects
    return Transition(_waiting(state, max(ended, state.anchor)), effects)


def _prompt(state: State, now: datetime, plan: Plan) -> Transition:
    stretch = rot.peek(state.rotation, plan.eligible, plan.focus)
    if stretch is None:
        return Transition(_waiting(state, now), error="no eligible stretches")
    prompting = replace(state, phase=Phase.PROMPTING, stretch_id=stretch, prompted_at=now,
                        snoozed_until=None, paused_until=None,
                        rotation=rot.advance(state.rotation, plan.eligible, plan.focus))
    return Transition(prompting, (ShowPrompt(stretch),))


def _waiting(state: State, anchor: datetime) -> State:
    return replace(state, phase=Phase.WAITING, anchor=anchor, stretch_id=None, prompted_at=None,
                   snoozed_until=None, paused_until=None)


def upcoming_prompts(state: State, now: datetime, plan: Plan, count: int = 5) -> list[tuple[datetime, str | None]]:
    """The next `count` prompt times and stretches if every prompt were done at once (for `next`)."""
    result: list[tuple[datetime, str | None]] = []
    anchor, rotation = max(state.anchor, _utc(now)), state.rotation
    for _ in range(count):
        due = next_prompt_at(anchor, plan)
        if due is None:
            break
        result.append((due, rot.peek(rotation, plan.eligible, plan.focus)))
        rotation = rot.advance(rotation, plan.eligible, plan.focus)
        anchor = due
    return result
