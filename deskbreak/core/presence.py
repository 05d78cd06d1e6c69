"""Is the user at the computer? A pure tracker over idle-time samples.

The daemon samples the idle probe on its heartbeat (once a minute in work hours, never outside
them or while paused). A sample's idle time says how long input has been quiet, so a coarse
heartbeat still dates a break to the second: it began at `now - idle` and ended at the first
sample after input resumed, `now - idle` again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

AWAY_AFTER = timedelta(seconds=60)  # quieter than this is a pause, not work (for active counting)


@dataclass(frozen=True)
class Presence:
    away_since: datetime | None = None  # start of the current quiet stretch, if one is running
    # A quiet stretch counts from no earlier than this: until then the user was in a call (listening
    # is not resting) or on a break already counted (GNOME's).
    quiet_from: datetime | None = None


@dataclass(frozen=True)
class Returned:
    """The user came back after a quiet stretch from `began` to `ended`. `announced`: a break the
    desktop called and saw through (GNOME's break reminders), natural whatever its length."""

    began: datetime
    ended: datetime
    announced: bool = False

    @property
    def length(self) -> timedelta:
        return self.ended - self.began


def observe(
    presence: Presence, now: datetime, idle_seconds: float | None, locked: bool | None
) -> tuple[Presence, Returned | None]:
    """Fold one probe sample into the tracker; report a return when input resumed after quiet."""
    if idle_seconds is None and locked is None:
        return presence, None  # no probe: time by the clock
    idle = timedelta(seconds=max(0.0, idle_seconds or 0.0))
    quiet_since = now - idle
    if locked or idle >= AWAY_AFTER:
        since = quiet_since if idle_seconds is not None else now
        if presence.away_since is not None:
            since = min(since, presence.away_since)
        if presence.quiet_from is not None:
            since = max(since, presence.quiet_from)
        return replace(presence, away_since=since), None
    if presence.away_since is None:
        return presence, None
    ended = max(quiet_since, presence.away_since)
    return replace(presence, away_since=None), Returned(presence.away_since, ended)


def is_away(presence: Presence, now: datetime, natural_break: timedelta) -> bool:
    """Away long enough that a prompt would talk to an empty chair."""
    return presence.away_since is not None and now - presence.away_since >= natural_break
