"""Following a wall clock that was set: the state's instants move with it, so intervals stay real.

Intervals are real elapsed time, but the state keeps them as wall-clock instants (the anchor an
interval counts from, the snooze's end, the prompt's start...). When the clock is set back by an
hour, those instants would suddenly lie an hour later in real time, and the next prompt with them;
set forward, a running interval would look long over. The daemon measures the jump (the wall
clock against one that does not jump) and shifts every instant that counts elapsed time by it:
after the shift each lies as far from the new "now" as it did from the old one.

Not shifted: `paused_until`. A pause ends at a time the user chose and saw as a time of day ("until
tomorrow", "until 14:00"), so it stays on the wall clock, like the work-hour windows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from .schedule import State


def _moved(instant: datetime | None, jump: timedelta) -> datetime | None:
    return None if instant is None else instant + jump


def shift_instants(state: State, jump: timedelta) -> State:
    """`state` with its elapsed-time instants moved by `jump` (the wall clock's own step: negative
    when it was set back). A zero jump returns `state` itself."""
    if not jump:
        return state
    return replace(
        state,
        anchor=state.anchor + jump,
        prompted_at=_moved(state.prompted_at, jump),
        snoozed_until=_moved(state.snoozed_until, jump),
        held_since=_moved(state.held_since, jump),
        recheck_at=_moved(state.recheck_at, jump),
        guided_at=_moved(state.guided_at, jump),
    )
