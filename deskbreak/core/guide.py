"""The guided stretch's hold timer: a pure state machine with no clock (the window feeds it `now`).

A stretch walks through phases, each with a length in seconds:

    ready (LEAD_IN: get into position) -> holding (rep 1, first side) -> switch -> holding (rep 1,
    other side) -> rest -> holding (rep 2, first side) -> ... -> finished

Quick pulses (holds under 10 s) do every rep on the first side, switch once, then every rep on the
other side: ready -> holding (rep 1) -> rest -> holding (rep 2) ... -> switch -> holding (rep 1) ...

Flowing moves (a stretch with `positions`, such as cat-cow) hold each position in turn within a
rep and flow straight into the next rep, with no rest between: ready -> holding (rep 1, cow) ->
holding (rep 1, cat) -> holding (rep 2, cow) ... -> finished. Every position is a hold: it is timed,
counted in `held_seconds` and labelled with what to hold.

`switch` (SWITCH_SECONDS) lets you turn round on the chair for the other side; `rest` (between
reps; REST_SECONDS, or SHORT_REST_SECONDS for holds under 10 s such as trunk rotations) is a breath
before the next rep. A new guide is not running: `start`/`resume` begins the countdown, `pause`
freezes it. `advance(state, now)` returns the new state and the cues its transitions emit (a
suspended laptop catches up in one call). `held_seconds` counts only the time spent holding.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime

from ..i18n import N_, _
from .catalog import Stretch

READY, HOLDING, SWITCH, REST, FINISHED = "ready", "holding", "switch", "rest", "finished"
LEAD_IN = 5
SWITCH_SECONDS = 5
REST_SECONDS = 5
SHORT_REST_SECONDS = 3

# Cues: what a transition asks the window to signal (a flash; a sound for SWITCH_SIDE and DONE).
HOLD_START = "hold"
SWITCH_SIDE = "switch"
REP_DONE = "rep_done"
DONE = "finished"
SOUNDED = (SWITCH_SIDE, DONE)


@dataclass(frozen=True)
class Guide:
    """Where a guided stretch is. `remaining` is measured at `since`; `since` is None when paused."""

    stretch: Stretch
    phase: str = READY
    rep: int = 1
    side_index: int = 0  # index into stretch.sides
    remaining: float = LEAD_IN
    since: datetime | None = None
    held: float = 0.0  # seconds spent in holding phases so far
    position_index: int = 0  # index into stretch.positions for a flowing move

    @property
    def position(self) -> str | None:
        """The position being held in a flowing move (`cow`), None for any other stretch."""
        positions = self.stretch.positions
        return positions[self.position_index] if positions else None

    @property
    def side(self) -> str | None:
        return self.stretch.sides[self.side_index]

    @property
    def running(self) -> bool:
        return self.since is not None and self.phase != FINISHED

    @property
    def mirrored(self) -> bool:
        """True on the side the steps (and the illustration) are not written for."""
        return self.side_index == 1


def rest_seconds(stretch: Stretch) -> int:
    return SHORT_REST_SECONDS if stretch.hold_seconds < 10 else REST_SECONDS


def one_side_first(stretch: Stretch) -> bool:
    """Quick pulses (holds under 10 s, such as the trunk rotation's 1 s) are done as a set on one side,
    then on the other, as the seeds describe them (003: repeat 5 times, then switch); longer holds
    alternate sides every rep, so one side never cools while the other works."""
    return stretch.per_side and stretch.hold_seconds < 10


def _next_phase(state: Guide) -> tuple[Guide, tuple[str, ...]]:
    """The phase after the current one has run out, and its cues (`since` is kept)."""
    stretch = state.stretch
    if state.phase in (READY, SWITCH, REST):
        return replace(state, phase=HOLDING, remaining=float(stretch.hold_seconds)), (HOLD_START,)
    if state.phase == HOLDING and stretch.positions:
        return _next_position(state)
    if state.phase == HOLDING:
        other_side = state.side_index + 1 < len(stretch.sides)
        if one_side_first(stretch):
            if state.rep < stretch.reps:
                return replace(
                    state, phase=REST, rep=state.rep + 1, remaining=float(rest_seconds(stretch))
                ), (REP_DONE,)
            if other_side:
                return replace(
                    state,
                    phase=SWITCH,
                    rep=1,
                    side_index=state.side_index + 1,
                    remaining=float(SWITCH_SECONDS),
                ), (SWITCH_SIDE,)
            return replace(state, phase=FINISHED, remaining=0.0), (DONE,)
        if other_side:
            return replace(
                state, phase=SWITCH, side_index=state.side_index + 1, remaining=float(SWITCH_SECONDS)
            ), (SWITCH_SIDE,)
        if state.rep < stretch.reps:
            return replace(
                state, phase=REST, rep=state.rep + 1, side_index=0, remaining=float(rest_seconds(stretch))
            ), (REP_DONE,)
        return replace(state, phase=FINISHED, remaining=0.0), (DONE,)
    return state, ()


def _next_position(state: Guide) -> tuple[Guide, tuple[str, ...]]:
    """A flowing move goes on to its next position, or the first position of the next rep."""
    stretch = state.stretch
    hold = float(stretch.hold_seconds)
    if state.position_index + 1 < len(stretch.positions):
        return replace(state, position_index=state.position_index + 1, remaining=hold), (HOLD_START,)
    if state.rep < stretch.reps:
        return replace(state, rep=state.rep + 1, position_index=0, remaining=hold), (REP_DONE, HOLD_START)
    return replace(state, phase=FINISHED, remaining=0.0), (DONE,)


def advance(state: Guide, now: datetime) -> tuple[Guide, tuple[str, ...]]:
    """Move the countdown to `now`, through as many phases as the time covers."""
    if not state.running or state.since is None:
        return state, ()
    elapsed = max(0.0, (now - state.since).total_seconds())
    cues: list[str] = []
    while state.phase != FINISHED:
        step = min(elapsed, state.remaining)
        held = state.held + (step if state.phase == HOLDING else 0.0)
        state = replace(state, remaining=state.remaining - step, held=held)
        elapsed -= step
        if state.remaining > 1e-9:
            break
        state, new = _next_phase(state)
        cues.extend(new)
    since = None if state.phase == FINISHED else now
    return replace(state, since=since), tuple(cues)


def start(state: Guide, now: datetime) -> Guide:
    """Start (or resume) the countdown at `now`; a finished guide stays finished."""
    if state.running or state.phase == FINISHED:
        return state
    return replace(state, since=now)


resume = start


def pause(state: Guide, now: datetime) -> tuple[Guide, tuple[str, ...]]:
    """Freeze the countdown at `now` (cues of phases that ran out before it are returned)."""
    state, cues = advance(state, now)
    return replace(state, since=None), cues


def skip_lead_in(state: Guide, now: datetime) -> tuple[Guide, tuple[str, ...]]:
    """Start holding at once (the user is already in position)."""
    if state.phase != READY:
        return state, ()
    held, cues = _next_phase(state)
    return replace(held, since=now), cues


def seconds_left(state: Guide, now: datetime) -> int:
    """The whole seconds shown on the countdown (rounded up: it shows 1 until the very end)."""
    if state.running and state.since is not None:
        state, _cues = advance(state, now)
    return max(0, math.ceil(state.remaining - 1e-9))


def held_seconds(state: Guide) -> int:
    return round(state.held)


# The sides are ids ("left", "right"); what the label says about them is translated where shown.
_SIDE_LABELS = {
    # Translators: one part of the countdown's label "Hold 20 s · rep 2 of 3 · left side".
    "left": N_("left side"),
    # Translators: one part of the countdown's label "Hold 20 s · rep 2 of 3 · right side".
    "right": N_("right side"),
}
_SWITCH_LABELS = {
    "left": N_("Switch to the left side"),
    "right": N_("Switch to the right side"),
}


def _capitalized(text: str) -> str:
    """The first letter made upper case, the rest as written (a translated position may hold
    capitals of its own, as German nouns do)."""
    return text[:1].upper() + text[1:]


def label(state: Guide) -> str:
    """The line under the countdown, in the user's language: `Hold 20 s · rep 2 of 3 · left side`;
    a flowing move names the position first: `Cow · hold 3 s · rep 2 of 10`. Each part between the
    dots is a phrase of its own."""
    stretch = state.stretch
    side = _(_SIDE_LABELS[state.side]) if state.side in _SIDE_LABELS else ""
    many = stretch.reps > 1
    # Translators: one part of the countdown's label "Hold 20 s · rep 2 of 3 · left side".
    rep = _("rep {rep} of {reps}").format(rep=state.rep, reps=stretch.reps) if many else ""
    position = _(state.position) if state.position else None
    if state.phase == HOLDING and position:
        # Translators: the countdown's label during a flowing move: "Cow · hold 3 s"; {position} comes
        # from the stretch catalog.
        held = _("{position} · hold {seconds} s").format(
            position=_capitalized(position), seconds=stretch.hold_seconds
        )
        return " · ".join(p for p in (held, rep) if p)
    if state.phase == HOLDING:
        # Translators: one part of a stretch's summary line "Hold 20 s · 3 reps · each side".
        held = _("Hold {seconds} s").format(seconds=stretch.hold_seconds)
        return " · ".join(p for p in (held, rep, side) if p)
    if state.phase == SWITCH and state.side in _SWITCH_LABELS:
        return _(_SWITCH_LABELS[state.side])
    if state.phase == REST:
        # Translators: one part of the countdown's label between reps: "Relax · next: rep 2 of 3 · left side".
        upcoming = _("next: rep {rep} of {reps}").format(rep=state.rep, reps=stretch.reps) if many else ""
        # Translators: the countdown's label between reps: "Relax · next: rep 2 of 3"; the user rests.
        return " · ".join(p for p in (_("Relax"), upcoming, side) if p)
    if state.phase == FINISHED:
        return _("Finished · held {seconds} s in all").format(seconds=held_seconds(state))
    if state.running and position:
        # Translators: {position} comes from the stretch catalog ("cow").
        return _("Get into position · start with {position}").format(position=position)
    if state.running:
        # Translators: the countdown's lead-in; it may be followed by " · left side".
        return " · ".join(p for p in (_("Get into position"), side) if p)
    # Translators: "Start" is the guided window's button: use the same word as on that button.
    return _("Press Start when you are in position")


def steps(state: Guide) -> tuple[str, ...]:
    """The steps for the side being done, as shown: as written for the first side, mirrored for the
    other. The catalog's English is mirrored first, then translated (a translation has its own words
    for left and right, which `mirror_sides` cannot know)."""
    written = mirror_steps(state.stretch.steps) if state.mirrored else state.stretch.steps
    return tuple(_(step) for step in written)


_SIDE_WORD = re.compile(r"\b(left|right)\b", re.IGNORECASE)


def mirror_sides(text: str) -> str:
    """Swap the whole words left and right, keeping their case (`Right` -> `Left`, `LEFT` -> `RIGHT`)."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        other = "right" if word.lower() == "left" else "left"
        if word.isupper():
            return other.upper()
        return other.capitalize() if word[0].isupper() else other

    return _SIDE_WORD.sub(swap, text)


def mirror_steps(lines: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(mirror_sides(line) for line in lines)
