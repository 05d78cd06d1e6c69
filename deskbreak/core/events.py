"""The event stream's lines, derived from what the daemon does. Pure: `now` is a parameter.

`deskbreak events --json` prints these lines; `deskbreak status --follow` prints a status line when
`status_is_news` says one is worth sending. The names and fields are a stable, versioned schema
(`protocol.EVENTS_SCHEMA`, documented in the README): fields are only ever added.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any

from ..i18n import _
from . import protocol
from .catalog import Catalog
from .outcomes import DONE, IGNORED, MISSED_WHILE_ASLEEP, NATURAL_BREAK, SKIPPED, SNOOZED
from .state import Phase, Record, ShowPrompt, State, Transition

# The record of an outcome -> its event name (the same words as the history's outcomes).
OUTCOME_EVENTS = {
    DONE: protocol.EVENT_DONE,
    SNOOZED: protocol.EVENT_SNOOZED,
    SKIPPED: protocol.EVENT_SKIPPED,
    IGNORED: protocol.EVENT_IGNORED,
    NATURAL_BREAK: protocol.EVENT_NATURAL_BREAK,
    MISSED_WHILE_ASLEEP: protocol.EVENT_MISSED,
}


def event(name: str, now: datetime, zone: tzinfo, **fields: Any) -> dict[str, Any]:
    """One line of the stream: the schema, the event's name, when (ISO 8601 in the schedule zone)
    and its own fields."""
    return {"schema": protocol.EVENTS_SCHEMA, "event": name, "time": iso(now, zone), **fields}


def of_transition(
    before: State, transition: Transition, now: datetime, zone: tzinfo, catalog: Catalog
) -> list[dict[str, Any]]:
    """What a transition of the schedule did, as events, in the order a user would tell it: a hold
    ends before the prompt it held back shows; the answer is recorded before a pause begins."""
    after = transition.state
    lines: list[dict[str, Any]] = []
    if before.hold_reason and before.hold_reason != after.hold_reason:
        lines.append(event(protocol.EVENT_RELEASED, now, zone, reason=before.hold_reason))
    for effect in transition.effects:
        if isinstance(effect, Record):
            outcome = effect.outcome
            fields: dict[str, Any] = {"stretch": stretch(catalog, outcome.stretch_id)}
            if outcome.outcome == DONE:
                fields["held_seconds"] = outcome.held_seconds
            elif outcome.outcome == SNOOZED:
                fields["until"] = iso(after.snoozed_until, zone)
            elif outcome.outcome == NATURAL_BREAK:
                fields = {"began": iso(outcome.prompted_at, zone), "ended": iso(outcome.answered_at, zone)}
            elif outcome.outcome == MISSED_WHILE_ASLEEP:
                fields["due"] = iso(outcome.prompted_at, zone)
            lines.append(event(OUTCOME_EVENTS[outcome.outcome], now, zone, **fields))
        elif isinstance(effect, ShowPrompt):
            lines.append(
                event(
                    protocol.EVENT_PROMPT,
                    now,
                    zone,
                    stretch=stretch(catalog, effect.stretch_id),
                    again=effect.again,
                )
            )
    if after.hold_reason and after.hold_reason != before.hold_reason:
        lines.append(
            event(
                protocol.EVENT_HELD,
                now,
                zone,
                reason=after.hold_reason,
                stretch=stretch(catalog, after.stretch_id),
            )
        )
    if after.phase is Phase.PAUSED and (
        before.phase is not Phase.PAUSED or before.paused_until != after.paused_until
    ):
        lines.append(event(protocol.EVENT_PAUSED, now, zone, until=iso(after.paused_until, zone)))
    elif before.phase is Phase.PAUSED and after.phase is not Phase.PAUSED:
        lines.append(event(protocol.EVENT_RESUMED, now, zone))
    return lines


def of_reload(reply: Mapping[str, Any], now: datetime, zone: tzinfo) -> dict[str, Any]:
    """A reload's reply (`Daemon.reload`) as `config_applied` or `config_rejected`."""
    if reply.get("ok"):
        return event(
            protocol.EVENT_CONFIG_APPLIED,
            now,
            zone,
            config=reply.get("config"),
            changed=reply.get("changed") or [],
        )
    return event(
        protocol.EVENT_CONFIG_REJECTED, now, zone, config=reply.get("config"), error=reply.get("error")
    )


def status_is_news(
    previous: Mapping[str, Any] | None,
    previous_at: datetime | None,
    current: Mapping[str, Any],
    now: datetime,
    progress_every: timedelta = timedelta(minutes=1),
) -> bool:
    """Whether `current` status is worth a line to status bars: any change but progress at once,
    progress alone at most once every `progress_every` (a bar redraws its ring, no more)."""
    if previous is None or previous_at is None:
        return True
    if _without_progress(previous) != _without_progress(current):
        return True
    return previous.get("progress") != current.get("progress") and now - previous_at >= progress_every


def _without_progress(status: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in status.items() if key != "progress"}


def stretch(catalog: Catalog, stretch_id: str | None) -> dict[str, str] | None:
    if not stretch_id:
        return None
    known = catalog.get(stretch_id)
    # The id is for scripts; the name is for people, in their language (as `status` gives it).
    return {"id": stretch_id, "name": _(known.name) if known else stretch_id}


def iso(at: datetime | None, zone: tzinfo) -> str | None:
    return at.astimezone(zone).isoformat(timespec="seconds") if at else None
