"""Busy stretches from the user's local iCalendar files (`[calendar] ics = [...]`).

Parsed with `icalendar`, recurrences expanded with `recurring-ical-events` (RRULE, RDATE, EXDATE,
RECURRENCE-ID overrides and cancelled instances), Google's X-WR-TIMEZONE normalised by
`x-wr-timezone`. An event makes the user busy unless it is:

- all-day (a DATE start): holidays, birthdays, "out of office" and "working from home" are not
  meetings, and treating them as busy would silence prompts for whole days;
- TRANSP:TRANSPARENT ("show as free"), or Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE;
- STATUS:CANCELLED (the whole series, or one instance through its RECURRENCE-ID override).

Times with a TZID or in UTC are exact; floating times are read in `local_tz` (default: the
system's zone, DST included). Events overlapping or touching (within `merge_gap`) form one stretch.
Only regular files of at most ICS_MAX_BYTES are read. Files are parsed once and re-read by `refresh_if_changed()` when their mtime or size changes;
occurrences are expanded for a window of a few days around `now` and kept until `now` leaves it,
so `busy_until` is cheap to call before every prompt. The clock is a parameter: no I/O in queries.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

import icalendar
import recurring_ical_events
import x_wr_timezone

from ..core.config_schema import ICS_MAX_BYTES
from ..store.config_file import UnusableFile, read_regular

log = logging.getLogger(__name__)

BEFORE, AFTER = timedelta(days=1), timedelta(days=2)  # the expanded window around `now`
MAX_STRETCH = timedelta(days=14)  # how far busy_until follows back-to-back events
PAD = timedelta(days=1)  # query margin: floating times shift by up to ±14 h once placed in a zone


@dataclass(frozen=True)
class BusySpan:
    start: datetime  # aware
    end: datetime  # aware, > start
    summary: str


@dataclass
class _Source:
    path: Path
    stamp: tuple[int, int] | None = None  # (mtime_ns, size) of the version parsed
    calendars: list[icalendar.Calendar] = field(default_factory=list)
    error: str | None = None


class BusyCalendar:
    def __init__(
        self, paths: Iterable[Path | str], local_tz: tzinfo | None = None, merge_gap: timedelta = timedelta(0)
    ) -> None:
        self._sources = [_Source(Path(p).expanduser()) for p in paths]
        self._local_tz = local_tz
        self._gap = merge_gap
        self._lock = threading.RLock()
        self._window: tuple[datetime, datetime] | None = None
        self._stretches: list[tuple[datetime, datetime]] = []
        self._starts: list[datetime] = []

    @classmethod
    def load(
        cls, paths: Sequence[Path | str], local_tz: tzinfo | None = None, merge_gap: timedelta = timedelta(0)
    ) -> BusyCalendar:
        """Read every file; a missing or broken one is reported in `errors`, the others still work."""
        calendar = cls(paths, local_tz, merge_gap)
        calendar.refresh_if_changed()
        return calendar

    @property
    def errors(self) -> tuple[str, ...]:
        """One line per file that could not be used, e.g. "~/cal/work.ics: not found"."""
        return tuple(s.error for s in self._sources if s.error)

    def refresh_if_changed(self) -> bool:
        """Re-read the files whose mtime or size changed (or that appeared or vanished)."""
        changed = False
        with self._lock:
            for source in self._sources:
                try:
                    st = source.path.stat()
                    stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
                except OSError:
                    stamp = None
                if stamp == source.stamp and (stamp is not None or source.error):
                    continue
                changed = True
                source.stamp, source.calendars, source.error = stamp, [], None
                try:
                    # never a FIFO (it would block) nor more than the cap (a device never ends)
                    data = read_regular(source.path, ICS_MAX_BYTES)
                    source.calendars = [
                        x_wr_timezone.to_standard(c)
                        for c in icalendar.Calendar.from_ical(data, multiple=True)
                    ]
                    if not source.calendars:
                        raise ValueError("no VCALENDAR")
                except FileNotFoundError:
                    source.error = f"{source.path}: not found"
                except UnusableFile as exc:
                    source.error = f"{source.path}: not used: {exc.what}, expected {exc.expected}"
                except OSError as exc:
                    source.error = f"{source.path}: cannot read ({exc.strerror or exc})"
                except Exception as exc:
                    source.error = f"{source.path}: not a readable iCalendar file ({_line(exc)})"
                if source.error:
                    log.warning("calendar %s", source.error)
                else:
                    log.info("calendar %s read", source.path)
            if changed:
                self._window = None
        return changed

    def spans(self, start: datetime, end: datetime) -> list[BusySpan]:
        """The busy events overlapping [start, end), sorted by start."""
        found: list[BusySpan] = []
        with self._lock:
            for source in self._sources:
                try:
                    for calendar in source.calendars:
                        query = recurring_ical_events.of(calendar).between(start - PAD, end + PAD)
                        found.extend(s for ev in query if (s := self._busy(ev)) is not None)
                except Exception as exc:  # a broken RRULE or DTSTART surfaces only here
                    source.error = f"{source.path}: cannot expand events ({_line(exc)})"
                    source.calendars = []
                    log.warning("calendar %s", source.error)
        return sorted((s for s in found if s.start < end and s.end > start), key=lambda s: (s.start, s.end))

    def busy_until(self, now: datetime) -> datetime | None:
        """The end of the busy stretch containing `now` (aware), or None when the user is free."""
        if now.tzinfo is None:
            raise ValueError("busy_until needs an aware datetime")
        with self._lock:
            window = self._window
            if window is None or now - BEFORE / 2 < window[0] or now + AFTER / 2 > window[1]:
                window = self._window = (now - BEFORE, now + AFTER)
                self._stretches = self._merge(self.spans(*window))
                self._starts = [s for s, _ in self._stretches]
            i = bisect.bisect_right(self._starts, now) - 1
            if i < 0 or self._stretches[i][1] <= now:
                return None
            end, horizon = self._stretches[i][1], window[1]
            while end >= horizon and horizon < now + MAX_STRETCH:  # runs past the window: follow it
                for start, stop in self._merge(self.spans(horizon, horizon + AFTER)):
                    if start <= end + self._gap:
                        end = max(end, stop)
                horizon += AFTER
            return end

    def _busy(self, event: icalendar.Event) -> BusySpan | None:
        start = event.get("DTSTART")
        if start is None or not isinstance(start.dt, datetime):
            return None  # all-day (DATE) events are not meetings
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            return None
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            return None
        if str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() == "FREE":
            return None
        end = event.end
        if not isinstance(end, datetime):
            return None
        span = BusySpan(self._aware(start.dt), self._aware(end), str(event.get("SUMMARY", "")))
        return span if span.end > span.start else None

    def _aware(self, moment: datetime | date) -> datetime:
        assert isinstance(moment, datetime)
        if moment.tzinfo is not None:
            return moment
        if self._local_tz is not None:
            return moment.replace(tzinfo=self._local_tz)
        return moment.astimezone()  # a naive time is read as the system's local time

    def _merge(self, spans: list[BusySpan]) -> list[tuple[datetime, datetime]]:
        merged: list[tuple[datetime, datetime]] = []
        for span in spans:
            if merged and span.start <= merged[-1][1] + self._gap:
                merged[-1] = (merged[-1][0], max(merged[-1][1], span.end))
            else:
                merged.append((span.start, span.end))
        return merged


def _line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
