"""What comes next, derived once per event: one value the tray, `status` and the timer all read.

Deriving the next prompt walks the work windows, so it is done here once per event (a status poll,
a command, a timer beat) and the views only format the result. Every instant is UTC; the views
write them in the schedule's zone at the edge. Pure: `now` is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .state import Phase, State, next_wakeup, upcoming_stretch
from .workhours import Plan, as_utc, next_prompt_at, window_at

Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class Outlook:
    """The state seen at `now`, with what the user and the timer need to know about what comes next."""

    now: datetime
    phase: str  # working | due | snoozed | paused | off (waiting outside a work window)
    window: Window | None  # the work window containing `now`
    next_prompt_at: datetime | None  # the next prompt (waiting), the open prompt's timeout, the snooze's end
    wake: datetime | None  # the next instant the core has something to decide: arm the timer for it
    off_until: datetime | None  # outside work hours: when the window of the next prompt opens
    stretch_id: str | None  # the stretch the open or next prompt offers
    progress: float  # 0..1: how near the next prompt is (the tray icon's ring)


def outlook(state: State, now: datetime, plan: Plan) -> Outlook:
    now = as_utc(now)
    window = window_at(now, plan)
    if state.phase is Phase.WAITING:
        due = next_prompt_at(state.anchor, plan)  # the one walk of the work windows for this event
        due = as_utc(due) if due is not None else None
        wake = state.recheck_at or due
        shown = due
    else:
        due = None
        wake = next_wakeup(state, plan)
        shown = None if state.phase is Phase.PAUSED else wake
    off_until = None
    if window is None and due is not None:
        due_window = window_at(due, plan)
        off_until = due_window[0] if due_window else due
    return Outlook(
        now=now,
        phase=_phase_name(state, window),
        window=window,
        next_prompt_at=shown,
        wake=wake,
        off_until=off_until,
        stretch_id=upcoming_stretch(state, plan),
        progress=_progress(state, now, window, due),
    )


def _phase_name(state: State, window: Window | None) -> str:
    if state.phase is Phase.PROMPTING:
        return "due"
    if state.phase is Phase.SNOOZED:
        return "snoozed"
    if state.phase is Phase.PAUSED:
        return "paused"
    return "working" if window else "off"


def _progress(state: State, now: datetime, window: Window | None, due: datetime | None) -> float:
    if state.phase is not Phase.WAITING:
        return 1.0 if state.phase is Phase.PROMPTING else 0.0
    if due is None or window is None:
        return 0.0
    began = max(state.anchor, window[0])
    total = (due - began).total_seconds()
    return 0.0 if total <= 0 else min(1.0, max(0.0, (now - began).total_seconds() / total))
