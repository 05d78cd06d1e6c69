"""What comes next, for `deskbreak next` and the reload summary: the coming prompt times and the
stretch each will offer, from a schedule state. Pure: `now` is a parameter."""

from __future__ import annotations

from datetime import datetime, tzinfo

from . import rotation as rot
from .schedule import Phase, Plan, State, as_utc, next_prompt_at


def upcoming_prompts(
    state: State, now: datetime, plan: Plan, count: int = 5
) -> list[tuple[datetime, str | None]]:
    """The next `count` prompt times and stretches if every prompt were done at once (for `next`):
    the open or snoozed prompt first, then what the rotation deals from the state's own anchor (so
    the first time is the status's `next_prompt_at`)."""
    now = as_utc(now)
    result: list[tuple[datetime, str | None]] = []
    anchor, rotation = state.anchor, state.rotation
    if state.phase in (Phase.PROMPTING, Phase.SNOOZED):
        at = now if state.phase is Phase.PROMPTING else (state.snoozed_until or now)
        result.append((at, state.stretch_id))
        anchor = at
    elif state.phase is Phase.PAUSED:
        if state.paused_until is None:
            return []
        anchor = max(state.paused_until, now)
    elif state.held_since is not None:  # due already, held back for a better moment
        result.append((max(now, state.recheck_at or now), rot.peek(rotation, plan.eligible, plan.focus)))
        rotation, anchor = rot.advance(rotation, plan.eligible, plan.focus), max(now, state.recheck_at or now)
    while len(result) < count:
        due = next_prompt_at(anchor, plan)
        if due is None:
            break
        result.append((due, rot.peek(rotation, plan.eligible, plan.focus)))
        rotation = rot.advance(rotation, plan.eligible, plan.focus)
        anchor = due
    return result


def daily_seed(now: datetime, zone: tzinfo) -> int:
    """The rotation's seed: the local day, so `deskbreak next` without a daemon deals the same
    deck as a daemon started today."""
    return now.astimezone(zone).date().toordinal()
