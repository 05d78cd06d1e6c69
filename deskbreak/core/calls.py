"""Calls as the schedule sees them. Pure: every instant is a parameter.

A prompt that falls due during a call waits for the call's end, however long it lasts (the busy cap,
`max_defer_minutes`, is for moments that may go on forever, not for a call someone will hang up),
and looks again often enough to come within 30 s of the end. Time in a call is work: quiet keyboard
and mouse during one are listening, not a natural break.

The call sense is asked only when the answer can change something: when a prompt is due or held,
and while the keyboard and mouse are quiet (to tell listening from resting). While the user types
and nothing is due, it is never asked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from .config import ActivityConfig
from .presence import Presence
from .state import Moment, Phase, State
from .workhours import Plan, next_prompt_at

CALL = "call"
GNOME_BREAK = "GNOME break"
# Under the promised 30 s, with room for a busy machine: the prompt comes at most this long after
# the call's end (one sound-server round trip, ~2 ms, each time).
CALL_RECHECK = timedelta(seconds=20)


class AskCalls(StrEnum):
    NEVER = "never"  # calls hold nothing (`defer_during_calls = false`)
    WHEN_QUIET = "when_quiet"  # only if the keyboard and mouse are quiet (listening or resting?)
    NOW = "now"  # a prompt is due or held: a call would hold it


def ask_calls(state: State, now: datetime, plan: Plan) -> AskCalls:
    """When the call sense is worth asking at `now`."""
    if not plan.activity.defer_during_calls:
        return AskCalls.NEVER
    if state.held_since is not None:
        return AskCalls.NOW
    if state.phase is Phase.WAITING:
        due = next_prompt_at(state.anchor, plan)
        if due is not None and due <= now:
            return AskCalls.NOW
    return AskCalls.WHEN_QUIET


def call_reason(moment: Moment, activity: ActivityConfig) -> str | None:
    """`call: microphone in use by firefox` while a call holds prompts back, else None."""
    if moment.call is not None and activity.defer_during_calls:
        return f"{CALL}: {moment.call}" if moment.call else CALL
    return None


def is_call(reason: str | None) -> bool:
    return reason is not None and (reason == CALL or reason.startswith(f"{CALL}: "))


def waits_for_its_end(reason: str | None) -> bool:
    """A hold no cap cuts short: a call, or a break GNOME has the user on."""
    return is_call(reason) or reason == GNOME_BREAK


def recheck_after(reason: str) -> timedelta | None:
    """How soon an uncapped hold looks again (None: not one)."""
    if is_call(reason):
        return CALL_RECHECK
    if reason == GNOME_BREAK:
        return timedelta(seconds=30)
    return None


def listening(presence: Presence, now: datetime) -> Presence:
    """The user is in a call at `now`: the quiet stretch so far was listening, not a break (nor idle
    time to credit), and a later one counts from now at the earliest."""
    return replace(presence, away_since=None, quiet_from=now)
