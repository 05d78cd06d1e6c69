"""Is the user at the computer? A pure tracker over idle-time samples.

The daemon samples the idle probe on its heartbeat (once a minute in work hours, never outside
them or while paused). A sample's idle time says how long input has been quiet, so a coarse
heartbeat still dates a break to the second: it began at `now - idle` and ended at the first
sample after input resumed, `now - idle` again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

AWAY_AFTER = timedelta(seconds=60)  # quieter than this is a pause, not work (for active counting)


@dataclass(frozen=True)
class Presence:
    away_since: datetime | None = None  # start of the current quiet stretch, if one is running


@dataclass(frozen=True)
class Returned:
    """The user came back after a quiet stretch from `began` to `ended`."""

    began: datetime
    ended: datetime

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
        return Presence(since), None
    if presence.away_since is None:
        return presence, None
    ended = max(quiet_since, presence.away_since)
    return Presence(), Returned(presence.away_since, ended)


def is_away(presence: Presence, now: datetime, natural_break: timedelta) -> bool:
    """Away long enough that a prompt would talk to an empty chair."""
    return presence.away_since is not None and now - presence.away_since >= natural_break
