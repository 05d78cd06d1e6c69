"""The schedule's state and the values a transition returns: the phase, the effects the daemon
applies, and the small reads of a state (the next instant to decide, the stretch coming up). Pure.

Every instant in a State is UTC (see `workhours.as_utc`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from . import rotation as rot
from .outcomes import PromptOutcome
from .workhours import Plan, as_utc, next_prompt_at


class Phase(StrEnum):
    WAITING = "waiting"  # counting down to the next prompt (or off hours: no window now)
    PROMPTING = "prompting"  # a prompt is shown and unanswered
    SNOOZED = "snoozed"  # the prompt comes back at `snoozed_until`
    PAUSED = "paused"  # no prompts until `paused_until` (None: until resumed)


@dataclass(frozen=True)
class State:
    phase: Phase
    anchor: datetime  # the interval counts from here (start, last answer, return from a break)
    rotation: rot.Rotation = field(default_factory=rot.Rotation)
    stretch_id: str | None = None  # the stretch of the shown or snoozed prompt
    prompted_at: datetime | None = None
    snoozed_until: datetime | None = None
    paused_until: datetime | None = None
    # A due prompt held back (busy, away, mid-sentence): since when, why, and when to look again.
    held_since: datetime | None = None
    hold_reason: str | None = None
    recheck_at: datetime | None = None
    # The guided window showed the prompt at this instant: the user is with it (not away, not
    # ignoring it), so the prompt's timeout counts from here.
    guided_at: datetime | None = None
    # The stretches the open prompt has offered ("another" walks the rotation past them).
    offered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Moment:
    """What the probes say about the user at a due instant (unknown values are False / None)."""

    fullscreen: bool = False
    inhibited: bool = False  # the desktop's do-not-disturb
    meeting_until: datetime | None = None  # a busy calendar event runs until then
    idle_seconds: float | None = None
    away: bool = False  # idle or locked long enough to be a natural break
    call: str | None = None  # in a call, by what ("microphone in use by firefox"); None: not, or unknown
    gnome_break: bool = False  # GNOME's break reminders have the user on a break right now


UNKNOWN_MOMENT = Moment()  # no probe says anything: time by the clock alone


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


def start(now: datetime, seed: int = 0, rotation: rot.Rotation | None = None) -> State:
    """The state of a daemon that starts at `now`: a user who just sat down is not prompted at once."""
    return State(Phase.WAITING, anchor=as_utc(now), rotation=rotation or rot.Rotation(seed=seed))


def next_wakeup(state: State, plan: Plan) -> datetime | None:
    """The next instant at which the core has something to decide (the daemon arms a timer for it)."""
    if state.phase is Phase.WAITING:
        return state.recheck_at or next_prompt_at(state.anchor, plan)
    if state.phase is Phase.PROMPTING and state.prompted_at is not None:
        return prompt_deadline(state, plan)
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


def prompt_deadline(state: State, plan: Plan) -> datetime:
    """When the open prompt counts as ignored: the timeout after it was shown or last guided."""
    assert state.prompted_at is not None
    seen = max(state.prompted_at, state.guided_at or state.prompted_at)
    return seen + timedelta(minutes=plan.schedule.prompt_timeout_minutes)


def waiting(state: State, anchor: datetime) -> State:
    return replace(
        unheld(state),
        phase=Phase.WAITING,
        anchor=anchor,
        stretch_id=None,
        prompted_at=None,
        snoozed_until=None,
        paused_until=None,
        guided_at=None,
        offered=(),
    )


def unheld(state: State) -> State:
    if state.held_since is None and state.recheck_at is None:
        return state
    return replace(state, held_since=None, hold_reason=None, recheck_at=None)
