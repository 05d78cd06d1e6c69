"""What the daemon knows about the user's moment: the activity probe, the calendar, the call sense,
GNOME's break reminders and the presence tracker, read together on the daemon's heartbeat (never
outside work hours or paused).

The call sense is asked only as `core.calls.ask_calls` says: when a prompt is due or held, and while
the keyboard and mouse are quiet; never while the user types and nothing is due.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..core.calls import AskCalls, listening
from ..core.presence import Presence, Returned, is_away, observe
from ..core.schedule import Moment

if TYPE_CHECKING:
    from ..adapters.activity.base import ActivityProbe
    from ..adapters.calendar import BusyCalendar
    from ..adapters.calls.base import CallSense

log = logging.getLogger(__name__)


class BreakFollower(Protocol):
    """A desktop's own break reminders (GNOME's): `take` never blocks."""

    def take(self) -> tuple[bool, tuple[Returned, ...]]: ...

    def close(self) -> None: ...


@dataclass
class Senses:
    """Owned by the daemon and used only under its lock."""

    probe: ActivityProbe
    calendar: BusyCalendar | None = None  # when [calendar] ics lists files
    calls: CallSense | None = None  # None: prompts are never held for a call
    desktop_breaks: BreakFollower | None = None  # GNOME's break reminders, where the shell has them
    presence: Presence = field(default_factory=Presence)

    @property
    def probe_name(self) -> str:
        return getattr(self.probe, "name", "none")

    @property
    def call_sense_name(self) -> str:
        return self.calls.name if self.calls is not None else "none"

    def read(
        self,
        now: datetime,
        natural_break: timedelta,
        present: bool = False,
        ask_calls: AskCalls = AskCalls.NEVER,
    ) -> tuple[Moment, Returned | None]:
        """`present`: the user is known to be here (following the guided window), whatever the
        idle time says: no break runs, and none is reported when input resumes. `ask_calls`: when
        the call sense is worth asking (core.calls.ask_calls)."""
        sample = self.probe.sample()
        if present:
            self.presence, returned = Presence(), None
        else:
            self.presence, returned = observe(self.presence, now, sample.idle_seconds, sample.locked)
        call = self._call(ask_calls, quiet=self.presence.away_since is not None or returned is not None)
        if call is not None:
            self.presence, returned = listening(self.presence, now), None
        in_gnome_break, returned = self._desktop_breaks(now, returned)
        meeting_until = None
        if self.calendar is not None:
            try:
                self.calendar.refresh_if_changed()
                meeting_until = self.calendar.busy_until(now)
            except Exception as error:  # a broken .ics must never stop the prompts
                log.warning("calendar not read: %s", error)
        moment = Moment(
            fullscreen=bool(sample.fullscreen),
            inhibited=bool(sample.notifications_inhibited),
            meeting_until=meeting_until,
            idle_seconds=sample.idle_seconds,
            away=is_away(self.presence, now, natural_break),
            call=call,
            gnome_break=in_gnome_break,
        )
        return moment, returned

    def _call(self, ask: AskCalls, quiet: bool) -> str | None:
        """What the call sense says is in use ("microphone in use by firefox"), or None."""
        if self.calls is None or ask is AskCalls.NEVER or (ask is AskCalls.WHEN_QUIET and not quiet):
            return None
        sample = self.calls.sample()  # never raises: a failure is "cannot tell"
        return sample.reason if sample.in_call else None

    def _desktop_breaks(self, now: datetime, returned: Returned | None) -> tuple[bool, Returned | None]:
        """A break GNOME saw through is a natural break: one return covering it and any quiet
        stretch around it, and the quiet after it counts from its end."""
        if self.desktop_breaks is None:
            return False, returned
        in_break, finished = self.desktop_breaks.take()
        if not finished:
            return in_break, returned
        began = min(b.began for b in finished)
        ended = max(b.ended for b in finished)
        if returned is not None:
            began, ended = min(began, returned.began), max(ended, returned.ended)
        elif self.presence.away_since is not None:
            began = min(began, self.presence.away_since)
        self.presence = Presence(quiet_from=min(ended, now))
        return in_break, Returned(began, ended, announced=True)

    def use_calendar(self, ics: tuple[str, ...], zone: tzinfo) -> None:
        """A newly applied config's calendars (or none), read in the schedule's zone."""
        try:
            self.calendar = load_calendar(ics, zone)
        except Exception as error:  # a broken .ics must never stop the prompts
            log.warning("calendar not read: %s", error)
            self.calendar = None

    def close(self) -> None:
        close = getattr(self.probe, "close", None)  # optional in the probe's protocol
        if close:
            close()
        for part in (self.calls, self.desktop_breaks):
            if part is not None:
                part.close()


def load_calendar(ics: tuple[str, ...], zone: tzinfo) -> BusyCalendar | None:
    if not ics:
        return None
    from ..adapters.calendar import BusyCalendar

    calendar = BusyCalendar.load([Path(p).expanduser() for p in ics], local_tz=zone)
    for error in calendar.errors:
        log.warning("calendar: %s", error)
    return calendar
