"""What the daemon knows about the user's moment: the activity probe, the calendar and the
presence tracker, read together on the daemon's heartbeat (never outside work hours or paused)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.presence import Presence, Returned, is_away, observe
from ..core.schedule import Moment

if TYPE_CHECKING:
    from ..adapters.activity.base import ActivityProbe
    from ..adapters.calendar import BusyCalendar

log = logging.getLogger(__name__)


@dataclass
class Senses:
    """Owned by the daemon and used only under its lock."""

    probe: ActivityProbe
    calendar: BusyCalendar | None = None  # when [calendar] ics lists files
    presence: Presence = field(default_factory=Presence)

    @property
    def probe_name(self) -> str:
        return getattr(self.probe, "name", "none")

    def read(
        self, now: datetime, natural_break: timedelta, present: bool = False
    ) -> tuple[Moment, Returned | None]:
        """`present`: the user is known to be here (following the guided window), whatever the
        idle time says: no break runs, and none is reported when input resumes."""
        sample = self.probe.sample()
        if present:
            self.presence, returned = Presence(), None
        else:
            self.presence, returned = observe(self.presence, now, sample.idle_seconds, sample.locked)
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
        )
        return moment, returned

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


def load_calendar(ics: tuple[str, ...], zone: tzinfo) -> BusyCalendar | None:
    if not ics:
        return None
    from ..adapters.calendar import BusyCalendar

    calendar = BusyCalendar.load([Path(p).expanduser() for p in ics], local_tz=zone)
    for error in calendar.errors:
        log.warning("calendar: %s", error)
    return calendar
