"""GNOME's own break reminders (GNOME 48+, Settings → Wellbeing), followed through the state the
shell publishes on D-Bus (`org.gnome.Shell.ScreenTime`), so that a break taken through GNOME counts
as a natural break and no prompt comes on top of it. Pure: every instant is a parameter.

The `State` values are gnome-shell's `BreakState` enum (js/misc/breakManager.js), which the shell
sends as is (js/ui/shellDBus.js `ScreenTimeDBus.State` returns the manager's state). The comment in
the shell's interface XML lists only 0-3 and skips IDLE, so its numbers for "taking a break" and
"break due" are one lower than what is sent; the enum is what goes on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from .presence import Returned


class ScreenTimeState(IntEnum):
    DISABLED = 0  # break reminders off
    ACTIVE = 1  # on; the user is active and no break is needed yet
    IDLE = 2  # the user is idle, no break is needed
    IN_BREAK = 3  # a break is due and the user is taking it (idle)
    BREAK_DUE = 4  # a break is due but the user is still active


# GNOME's shortest movement break (Settings offers 1 to 5 minutes); its eyesight breaks (20 s of
# looking away) are no stretch break and are not counted.
SHORTEST_COUNTED = timedelta(minutes=1)


@dataclass(frozen=True)
class GnomeBreaks:
    """What deskbreak knows of GNOME's break reminders: its last state, the instant its current
    break began, and the breaks it saw through that the daemon has not counted yet."""

    state: int = ScreenTimeState.DISABLED
    in_break_since: datetime | None = None
    finished: tuple[Returned, ...] = ()

    @property
    def in_break(self) -> bool:
        return self.state == ScreenTimeState.IN_BREAK


def follow(breaks: GnomeBreaks, now: datetime, state: int, last_break_end: datetime | None) -> GnomeBreaks:
    """Fold one reading of `State` and `LastBreakEndTime` (None: zero, no break yet) taken at `now`.

    GNOME leaves IN_BREAK for IDLE when the break's length has passed with the user still away, or
    for ACTIVE when they come back after it (it then sets LastBreakEndTime to that return): both
    are a break seen through. IN_BREAK to BREAK_DUE is a break cut short (still due), to DISABLED
    the reminders turned off: neither counts.
    """
    if state == ScreenTimeState.IN_BREAK:
        return GnomeBreaks(state, breaks.in_break_since or now, breaks.finished)
    began = breaks.in_break_since
    if began is None or state not in (ScreenTimeState.ACTIVE, ScreenTimeState.IDLE):
        return GnomeBreaks(state, None, breaks.finished)
    # While the break runs GNOME reports LastBreakEndTime 0, and after it ends while the user is
    # still away it reports the previous break's end: then the break ended when it was seen ending.
    ended = last_break_end if last_break_end is not None and last_break_end >= began else now
    if ended - began < SHORTEST_COUNTED:
        return GnomeBreaks(state, None, breaks.finished)
    return GnomeBreaks(state, None, (*breaks.finished, Returned(began, ended, announced=True)))


def taken(breaks: GnomeBreaks) -> tuple[GnomeBreaks, tuple[Returned, ...]]:
    """The breaks seen through since the last call, handed over once."""
    return GnomeBreaks(breaks.state, breaks.in_break_since), breaks.finished
