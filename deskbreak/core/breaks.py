"""The user's presence as schedule events: a natural break, a short idle stretch credited, the
guided window followed. Pure: every instant is a parameter."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from . import rotation as rot
from .outcomes import IGNORED, MISSED_WHILE_ASLEEP, NATURAL_BREAK, PromptOutcome
from .state import Effect, Phase, Record, State, Transition, WithdrawPrompt, waiting
from .workhours import Plan, as_utc, next_prompt_at


def credit_idle(state: State, began: datetime, ended: datetime, plan: Plan) -> Transition:
    """With `count = "active"`: a short idle stretch does not count towards the interval."""
    began, ended = as_utc(began), as_utc(ended)
    if state.phase is not Phase.WAITING or plan.activity.count != "active" or ended <= began:
        return Transition(state)
    counted_from = max(began, state.anchor)
    if ended <= counted_from:
        return Transition(state)
    return Transition(replace(state, anchor=state.anchor + (ended - counted_from)))


def natural_break(
    state: State, began: datetime, ended: datetime, plan: Plan, asleep: bool = False
) -> Transition:
    """The user was away (idle, locked, asleep) from `began` to `ended`: count from their return.

    A prompt that fell due while the machine slept is recorded as missed_while_asleep. A quiet
    stretch while the guided window showed the prompt is no break: the user was stretching.
    """
    began, ended = as_utc(began), as_utc(ended)
    if state.phase is Phase.PAUSED:
        return Transition(state)
    if (
        state.phase is Phase.PROMPTING
        and not asleep
        and state.guided_at is not None
        and state.guided_at >= began
    ):
        return Transition(state)
    effects: tuple[Effect, ...] = (Record(PromptOutcome(began, None, NATURAL_BREAK, ended)),)
    due = next_prompt_at(state.anchor, plan) if state.phase is Phase.WAITING else None
    if asleep and due is not None and began <= due <= ended:
        missed = PromptOutcome(due, rot.peek(state.rotation, plan.eligible, plan.focus), MISSED_WHILE_ASLEEP)
        effects = (Record(missed), *effects)
    if state.phase is Phase.PROMPTING:
        effects = (
            WithdrawPrompt(),
            Record(PromptOutcome(state.prompted_at or began, state.stretch_id, IGNORED, ended)),
            *effects,
        )
    return Transition(waiting(state, max(ended, state.anchor)), effects)


def guiding(state: State, now: datetime) -> Transition:
    """The guided window is showing the open prompt at `now`: it stays due while the user follows
    it (its timeout counts from the last instant the window was seen open)."""
    if state.phase is not Phase.PROMPTING:
        return Transition(state)
    return Transition(replace(state, guided_at=as_utc(now)))
