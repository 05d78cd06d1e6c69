"""Following GNOME's break state (gnome-shell's BreakState numbers), with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskbreak.core.gnome_breaks import GnomeBreaks, ScreenTimeState, follow, taken
from deskbreak.core.presence import Returned

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
S = ScreenTimeState


def test_the_numbers_are_gnome_shells_breakstate_enum():
    assert [s.value for s in S] == [0, 1, 2, 3, 4]
    assert [s.name for s in S] == ["DISABLED", "ACTIVE", "IDLE", "IN_BREAK", "BREAK_DUE"]


def test_a_break_that_ends_with_the_user_back_counts_until_gnomes_last_break_end():
    breaks = follow(GnomeBreaks(), T0, S.BREAK_DUE, None)
    breaks = follow(breaks, T0 + timedelta(minutes=1), S.IN_BREAK, None)
    assert breaks.in_break
    back = T0 + timedelta(minutes=7)
    breaks = follow(breaks, back + timedelta(seconds=1), S.ACTIVE, back)
    breaks, finished = taken(breaks)
    assert finished == (Returned(T0 + timedelta(minutes=1), back, announced=True),)
    assert taken(breaks)[1] == ()  # handed over once


def test_a_break_that_ends_while_the_user_is_still_away_ends_when_seen_ending():
    breaks = follow(GnomeBreaks(), T0, S.IN_BREAK, None)
    old_end = T0 - timedelta(hours=1)  # GNOME still reports the previous break's end
    breaks = follow(breaks, T0 + timedelta(minutes=5), S.IDLE, old_end)
    assert taken(breaks)[1] == (Returned(T0, T0 + timedelta(minutes=5), announced=True),)


def test_a_break_cut_short_an_eyesight_break_and_turning_reminders_off_do_not_count():
    cut = follow(follow(GnomeBreaks(), T0, S.IN_BREAK, None), T0 + timedelta(minutes=2), S.BREAK_DUE, None)
    eyes = follow(follow(GnomeBreaks(), T0, S.IN_BREAK, None), T0 + timedelta(seconds=20), S.IDLE, None)
    off = follow(follow(GnomeBreaks(), T0, S.IN_BREAK, None), T0 + timedelta(minutes=5), S.DISABLED, None)
    for breaks in (cut, eyes, off):
        assert taken(breaks)[1] == () and not breaks.in_break
