"""BusyCalendar on real .ics files: recurrences, exceptions, all-day, free/cancelled, zones, DST."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskbreak.adapters.calendar import BusyCalendar
from deskbreak.core.config_schema import ICS_MAX_BYTES

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = UTC

NY_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
"""


def vevent(uid: str, *lines: str) -> str:
    return "BEGIN:VEVENT\nUID:{}\nDTSTAMP:20240101T000000Z\n{}\nEND:VEVENT\n".format(uid, "\n".join(lines))


def write_ics(path: Path, *parts: str) -> Path:
    body = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//deskbreak//tests//EN\n" + "".join(parts)
    body += "END:VCALENDAR\n"
    path.write_text(body.replace("\n", "\r\n"), encoding="utf-8")
    return path


STANDUP = (  # Mondays 10:00-10:30 Berlin; 18 March dropped; 25 March moved to 14:00
    vevent(
        "standup",
        "SUMMARY:Standup",
        "DTSTART;TZID=Europe/Berlin:20240304T100000",
        "DTEND;TZID=Europe/Berlin:20240304T103000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8",
        "EXDATE;TZID=Europe/Berlin:20240318T100000",
    )
    + vevent(
        "standup",
        "SUMMARY:Standup (moved)",
        "RECURRENCE-ID;TZID=Europe/Berlin:20240325T100000",
        "DTSTART;TZID=Europe/Berlin:20240325T140000",
        "DTEND;TZID=Europe/Berlin:20240325T143000",
    )
    + vevent(
        "standup",
        "SUMMARY:Standup",
        "RECURRENCE-ID;TZID=Europe/Berlin:20240408T100000",
        "DTSTART;TZID=Europe/Berlin:20240408T100000",
        "DTEND;TZID=Europe/Berlin:20240408T103000",
        "STATUS:CANCELLED",
    )
)
NY_SYNC = NY_VTIMEZONE + vevent(  # Wednesdays 11:00-12:00 New York, with its VTIMEZONE block
    "ny-sync",
    "SUMMARY:NY sync",
    "DTSTART;TZID=America/New_York:20240306T110000",
    "DTEND;TZID=America/New_York:20240306T120000",
    "RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20240410T000000Z",
)
OTHERS = (
    vevent("holiday", "SUMMARY:Holiday", "DTSTART;VALUE=DATE:20240305", "DTEND;VALUE=DATE:20240306")
    + vevent(
        "focus",
        "SUMMARY:Focus (free)",
        "DTSTART;TZID=Europe/Berlin:20240305T130000",
        "DTEND;TZID=Europe/Berlin:20240305T140000",
        "TRANSP:TRANSPARENT",
    )
    + vevent(
        "called-off",
        "SUMMARY:Called off",
        "DTSTART;TZID=Europe/Berlin:20240305T150000",
        "DTEND;TZID=Europe/Berlin:20240305T160000",
        "STATUS:CANCELLED",
    )
    + vevent("utc", "SUMMARY:UTC call", "DTSTART:20240305T080000Z", "DTEND:20240305T090000Z")
    + vevent(
        "ooo-outlook",
        "SUMMARY:Lunch",
        "DTSTART;TZID=Europe/Berlin:20240305T120000",
        "DTEND;TZID=Europe/Berlin:20240305T123000",
        "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
    )
    # Thursday 7 March: three back-to-back or overlapping events in three notations -> one stretch
    + vevent("a", "SUMMARY:A", "DTSTART;TZID=Europe/Berlin:20240307T090000", "DURATION:PT1H")
    + vevent("b", "SUMMARY:B (floating)", "DTSTART:20240307T100000", "DTEND:20240307T104500")
    + vevent("c", "SUMMARY:C (UTC)", "DTSTART:20240307T093000Z", "DTEND:20240307T101500Z")
    + vevent("d", "SUMMARY:D after a 5 min gap", "DTSTART:20240307T112000", "DTEND:20240307T120000")
    # a timed three-day workshop (Thu-Sat), then a dinner right after: longer than the expanded window
    + vevent(
        "workshop",
        "SUMMARY:Workshop",
        "DTSTART;TZID=Europe/Berlin:20240321T090000",
        "DTEND;TZID=Europe/Berlin:20240323T180000",
    )
    + vevent(
        "dinner",
        "SUMMARY:Dinner",
        "DTSTART;TZID=Europe/Berlin:20240323T180000",
        "DTEND;TZID=Europe/Berlin:20240323T200000",
    )
)


@pytest.fixture
def cal(tmp_path: Path) -> BusyCalendar:
    files = [write_ics(tmp_path / "work.ics", STANDUP, NY_SYNC), write_ics(tmp_path / "misc.ics", OTHERS)]
    calendar = BusyCalendar.load(files, local_tz=BERLIN)
    assert calendar.errors == ()
    return calendar


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def test_weekly_recurrence_with_exdate_and_moved_instance(cal: BusyCalendar) -> None:
    assert cal.busy_until(berlin(2024, 3, 4, 10, 15)) == berlin(2024, 3, 4, 10, 30)
    assert cal.busy_until(berlin(2024, 3, 11, 10, 0)) == berlin(2024, 3, 11, 10, 30)  # start counts
    assert cal.busy_until(berlin(2024, 3, 11, 10, 30)) is None  # end does not
    assert cal.busy_until(berlin(2024, 3, 11, 9, 59)) is None
    assert cal.busy_until(berlin(2024, 3, 18, 10, 15)) is None  # EXDATE
    assert cal.busy_until(berlin(2024, 3, 25, 10, 15)) is None  # moved away...
    assert cal.busy_until(berlin(2024, 3, 25, 14, 10)) == berlin(2024, 3, 25, 14, 30)  # ...to here
    assert cal.busy_until(berlin(2024, 4, 8, 10, 15)) is None  # one instance cancelled
    assert cal.busy_until(berlin(2024, 4, 22, 10, 15)) == berlin(2024, 4, 22, 10, 30)  # 8th and last
    assert cal.busy_until(berlin(2024, 4, 29, 10, 15)) is None  # COUNT=8 ran out


def test_recurrence_keeps_wall_clock_time_across_dst(cal: BusyCalendar) -> None:
    # Europe/Berlin moves to summer time on 31 March 2024: the standup stays at 10:00 local.
    assert cal.busy_until(datetime(2024, 3, 11, 9, 15, tzinfo=UTC)) == datetime(
        2024, 3, 11, 9, 30, tzinfo=UTC
    )
    assert cal.busy_until(datetime(2024, 4, 1, 8, 15, tzinfo=UTC)) == datetime(2024, 4, 1, 8, 30, tzinfo=UTC)
    assert cal.busy_until(datetime(2024, 4, 1, 9, 15, tzinfo=UTC)) is None


def test_other_zone_through_the_weeks_when_only_america_has_changed_clocks(cal: BusyCalendar) -> None:
    # 11:00 New York: 17:00 in Berlin before 10 March, 16:00 from 10 to 30 March, 17:00 again after.
    assert cal.busy_until(berlin(2024, 3, 6, 17, 30)) == berlin(2024, 3, 6, 18, 0)
    assert cal.busy_until(berlin(2024, 3, 13, 16, 30)) == berlin(2024, 3, 13, 17, 0)
    assert cal.busy_until(berlin(2024, 3, 13, 17, 30)) is None
    assert cal.busy_until(berlin(2024, 4, 3, 17, 30)) == datetime(2024, 4, 3, 12, 0, tzinfo=NEW_YORK)
    assert cal.busy_until(berlin(2024, 3, 6, 17, 30)).tzinfo is not None


def test_all_day_free_and_cancelled_events_are_not_busy(cal: BusyCalendar) -> None:
    day = [berlin(2024, 3, 5, h, 30) for h in (11, 12, 13, 15)]  # holiday, lunch (free), focus, cancelled
    assert [cal.busy_until(t) for t in day] == [None] * 4
    # ...but a real meeting on the holiday still is (08:00-09:00 UTC = 09:00-10:00 Berlin)
    assert cal.busy_until(berlin(2024, 3, 5, 9, 30)) == datetime(2024, 3, 5, 9, 0, tzinfo=UTC)


def test_adjacent_and_overlapping_events_merge_across_notations(cal: BusyCalendar) -> None:
    # A 09:00+1h Berlin, C 10:30-11:15 Berlin (in UTC), B 10:00-10:45 floating (read as Berlin)
    assert cal.busy_until(berlin(2024, 3, 7, 9, 5)) == berlin(2024, 3, 7, 11, 15)
    assert cal.busy_until(berlin(2024, 3, 7, 11, 17)) is None  # the 5 minute gap before D
    assert cal.busy_until(berlin(2024, 3, 7, 11, 30)) == berlin(2024, 3, 7, 12, 0)


def test_merge_gap_joins_short_breaks(tmp_path: Path) -> None:
    path = write_ics(tmp_path / "misc.ics", OTHERS)
    cal = BusyCalendar.load([path], local_tz=BERLIN, merge_gap=timedelta(minutes=10))
    assert cal.busy_until(berlin(2024, 3, 7, 9, 5)) == berlin(2024, 3, 7, 12, 0)


def test_floating_times_follow_the_given_zone(tmp_path: Path) -> None:
    path = write_ics(tmp_path / "misc.ics", OTHERS)
    tokyo = ZoneInfo("Asia/Tokyo")
    cal = BusyCalendar.load([path], local_tz=tokyo)
    assert cal.busy_until(datetime(2024, 3, 7, 10, 30, tzinfo=tokyo)) == datetime(
        2024, 3, 7, 10, 45, tzinfo=tokyo
    )


def test_a_stretch_longer_than_the_cached_window_is_followed_to_its_end(cal: BusyCalendar) -> None:
    assert cal.busy_until(berlin(2024, 3, 21, 10, 0)) == berlin(2024, 3, 23, 20, 0)
    assert cal.busy_until(berlin(2024, 3, 23, 19, 0)) == berlin(2024, 3, 23, 20, 0)


def test_spans_lists_busy_events_only(cal: BusyCalendar) -> None:
    spans = cal.spans(berlin(2024, 3, 5), berlin(2024, 3, 6))
    assert [s.summary for s in spans] == ["UTC call"]


def test_missing_and_broken_files_are_reported_and_the_rest_works(tmp_path: Path) -> None:
    good = write_ics(tmp_path / "work.ics", STANDUP)
    broken = tmp_path / "broken.ics"
    broken.write_text("this is not a calendar\n")
    empty = tmp_path / "empty.ics"
    empty.write_text("")
    bad_rule = write_ics(
        tmp_path / "bad.ics", vevent("x", "DTSTART:20240304T100000", "DURATION:PT1H", "RRULE:FREQ=SOMETIMES")
    )
    cal = BusyCalendar.load([tmp_path / "missing.ics", broken, empty, good, bad_rule], local_tz=BERLIN)
    assert cal.busy_until(berlin(2024, 3, 4, 10, 15)) == berlin(2024, 3, 4, 10, 30)
    errors = cal.errors
    assert len(errors) == 4, errors
    assert errors[0] == f"{tmp_path / 'missing.ics'}: not found"
    assert all("\n" not in e for e in errors)
    assert {Path(e.split(": ")[0]).name for e in errors} == {
        "missing.ics",
        "broken.ics",
        "empty.ics",
        "bad.ics",
    }


def test_refresh_reads_a_changed_file_and_a_file_that_appears(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    cal = BusyCalendar.load([path], local_tz=BERLIN)
    assert cal.errors == (f"{path}: not found",)
    assert cal.refresh_if_changed() is False
    assert cal.busy_until(berlin(2024, 3, 4, 10, 15)) is None

    write_ics(path, STANDUP)
    assert cal.refresh_if_changed() is True
    assert cal.errors == ()
    assert cal.busy_until(berlin(2024, 3, 4, 10, 15)) == berlin(2024, 3, 4, 10, 30)
    assert cal.refresh_if_changed() is False

    write_ics(
        path,
        vevent(
            "new", "DTSTART;TZID=Europe/Berlin:20240304T100000", "DTEND;TZID=Europe/Berlin:20240304T120000"
        ),
    )
    stamp = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(stamp, stamp))
    assert cal.refresh_if_changed() is True
    assert cal.busy_until(berlin(2024, 3, 4, 10, 15)) == berlin(2024, 3, 4, 12, 0)

    path.unlink()
    assert cal.refresh_if_changed() is True
    assert cal.busy_until(berlin(2024, 3, 4, 10, 15)) is None


def test_x_wr_timezone_calendars_from_google(tmp_path: Path) -> None:
    # Google writes UTC times plus X-WR-TIMEZONE; recurrences must follow the named zone's DST.
    path = tmp_path / "google.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "X-WR-TIMEZONE:Europe/Berlin\r\n"
        + vevent(
            "g", "DTSTART:20240325T090000Z", "DTEND:20240325T093000Z", "RRULE:FREQ=WEEKLY;COUNT=3"
        ).replace("\n", "\r\n")
        + "END:VCALENDAR\r\n"
    )
    cal = BusyCalendar.load([path], local_tz=BERLIN)
    assert cal.busy_until(berlin(2024, 3, 25, 10, 15)) == berlin(2024, 3, 25, 10, 30)
    assert cal.busy_until(berlin(2024, 4, 1, 10, 15)) == berlin(2024, 4, 1, 10, 30)  # 08:00 UTC now


def test_naive_now_is_refused(cal: BusyCalendar) -> None:
    with pytest.raises(ValueError):
        cal.busy_until(datetime(2024, 3, 4, 10, 15))


def _load_in_a_thread(paths: list[Path]) -> BusyCalendar | str:
    """BusyCalendar.load in a thread: the calendar, or "still reading" after 10 s."""
    loaded: list[BusyCalendar] = []
    worker = threading.Thread(
        target=lambda: loaded.append(BusyCalendar.load(paths, local_tz=BERLIN)), daemon=True
    )
    worker.start()
    worker.join(10)
    return loaded[0] if loaded else "still reading"


def test_files_that_are_not_regular_or_too_large_are_refused_without_reading_them(tmp_path: Path) -> None:
    good = write_ics(tmp_path / "work.ics", STANDUP)
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.ics"
    with huge.open("wb") as out:
        out.truncate(ICS_MAX_BYTES + 1)
    cal = _load_in_a_thread([fifo, Path("/dev/zero"), huge, good])
    assert isinstance(cal, BusyCalendar), cal
    wanted = "expected a regular file of at most 16 MiB"
    assert cal.errors == (
        f"{fifo}: not used: a named pipe (FIFO), {wanted}",
        f"/dev/zero: not used: a character device, {wanted}",
        f"{huge}: not used: a file of {ICS_MAX_BYTES + 1} bytes, {wanted}",
    )
    assert cal.busy_until(berlin(2024, 3, 4, 10, 15)) == berlin(2024, 3, 4, 10, 30)
