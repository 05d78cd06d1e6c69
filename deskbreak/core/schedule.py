"""The schedule core: when the next prompt falls due, and what each event does to the state.

Pure: every function takes `now` (a timezone-aware datetime) and returns values; no clock, no
threads, no I/O. The daemon feeds events in and applies the effects that come out.

Intervals are counted in real elapsed time (UTC arithmetic); work windows are local wall-clock
ranges in the configured zone, so a window that spans a DST change is as long as the clock says.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from ..i18n import _
from . import rotation as rot
from .breaks import credit_idle, guiding, natural_break
from .calls import GNOME_BREAK, call_reason, recheck_after, waits_for_its_end
from .config import ActivityConfig
from .locale_formats import clock
from .outcomes import DONE, IGNORED, MISSED_WHILE_ASLEEP, SKIPPED, SNOOZED, PromptOutcome
from .state import (
    UNKNOWN_MOMENT,
    Effect,
    Moment,
    Phase,
    Record,
    ShowPrompt,
    State,
    Transition,
    WithdrawPrompt,
    next_wakeup,
    prompt_deadline,
    start,
    unheld,
    upcoming_stretch,
    waiting,
)
from .workhours import Plan, as_utc, next_prompt_at, window_at, windows_from

# The daemon and the tests read the whole schedule through this module (`core.Phase`, `core.tick`).
__all__ = [
    "Effect",
    "Moment",
    "Phase",
    "Plan",
    "Record",
    "ShowPrompt",
    "State",
    "Transition",
    "WithdrawPrompt",
    "another",
    "as_utc",
    "credit_idle",
    "done",
    "guiding",
    "hold_reason",
    "natural_break",
    "next_prompt_at",
    "next_wakeup",
    "pause",
    "prompt_deadline",
    "prompt_now",
    "resume",
    "skip",
    "snooze",
    "start",
    "tick",
    "unheld",
    "upcoming_stretch",
    "waiting",
    "window_at",
    "windows_from",
]

RECHECK = timedelta(seconds=30)  # how often a held prompt looks again at a busy moment
SETTLE_RECHECK = timedelta(seconds=1)
SETTLE_QUIET_SECONDS = 2.0  # this long without input is a pause in typing


# --- transitions ---


def tick(state: State, now: datetime, plan: Plan, moment: Moment = UNKNOWN_MOMENT) -> Transition:
    """The timer fired (or the daemon woke up): decide once what is due at `now`.

    `moment` is what the probes say; a due prompt waits for a fitting moment (see `_hold`).
    """
    now = as_utc(now)
    if state.phase is Phase.WAITING:
        if state.anchor > now:  # the clock was set back: count from the new now
            state = replace(state, anchor=now)
        due = next_prompt_at(state.anchor, plan)
        if due is None or due > now:
            return Transition(unheld(state))
        if state.held_since is None and now - due > plan.late_limit:
            # Slept through it (suspend, a stopped process): one record, no burst, count from now.
            missed = PromptOutcome(
                due, rot.peek(state.rotation, plan.eligible, plan.focus), MISSED_WHILE_ASLEEP
            )
            return Transition(replace(state, anchor=now), (Record(missed),))
        if state.recheck_at is not None and now < state.recheck_at:
            return Transition(state)
        if window_at(now, plan) is None:
            # Held past the window's end, or woke just after it: never prompt outside work hours.
            # The timer's errors only reach the log: they stay English.
            return Transition(waiting(state, now), error="the work window ended before a fitting moment")
        return _hold(state, now, plan, moment)
    if state.phase is Phase.PROMPTING:
        assert state.prompted_at is not None
        deadline = prompt_deadline(state, plan)
        if now < deadline:
            return Transition(state)
        outcome = PromptOutcome(state.prompted_at, state.stretch_id, IGNORED, deadline)
        return Transition(waiting(state, min(now, deadline)), (WithdrawPrompt(), Record(outcome)))
    if state.phase is Phase.SNOOZED:
        assert state.snoozed_until is not None
        if now < state.snoozed_until:
            return Transition(state)
        if window_at(now, plan) is None or now - state.snoozed_until > plan.late_limit:
            return Transition(waiting(state, now))  # the snooze ran into off hours or a sleep
        again = replace(state, phase=Phase.PROMPTING, prompted_at=now, snoozed_until=None)
        return Transition(again, (ShowPrompt(state.stretch_id or "", again=True),))
    if state.paused_until is not None and now >= state.paused_until:
        return Transition(waiting(state, now))
    return Transition(state)


def hold_reason(moment: Moment, activity: ActivityConfig) -> str | None:
    """Why now is a bad moment for a prompt, or None."""
    if moment.gnome_break:
        return GNOME_BREAK  # never a prompt on top of the break GNOME has the user on
    if call := call_reason(moment, activity):
        return call
    if moment.away:
        return "away"
    if moment.fullscreen and activity.defer_when_fullscreen:
        return "fullscreen"
    if moment.inhibited and activity.defer_when_inhibited:
        return "do-not-disturb"
    if moment.meeting_until is not None and activity.defer_during_meetings:
        return "meeting"
    return None


def _hold(state: State, now: datetime, plan: Plan, moment: Moment) -> Transition:
    """Show a due prompt now, or hold it back: during a call or a break GNOME called (until it
    ends), while the user is away (until they return), while busy (up to `max_defer_minutes`), and
    for up to `settle_seconds` while they are typing."""
    activity = plan.activity
    held_since = state.held_since or now
    reason = hold_reason(moment, activity)
    if waits_for_its_end(state.hold_reason) and not waits_for_its_end(reason):
        held_since = now  # the busy cap counts from the call's end, not from its start
    if reason is not None and (again := recheck_after(reason)) is not None:
        # A call (or GNOME's break) holds the prompt until it ends, however long it lasts.
        return Transition(replace(state, held_since=held_since, hold_reason=reason, recheck_at=now + again))
    if reason == "away":
        return Transition(replace(state, held_since=held_since, hold_reason=reason, recheck_at=now + RECHECK))
    if reason is not None:
        limit = held_since + timedelta(minutes=activity.max_defer_minutes)
        if now < limit:
            recheck = min(now + RECHECK, limit)
            if moment.meeting_until is not None and reason == "meeting":
                recheck = min(max(as_utc(moment.meeting_until), now + SETTLE_RECHECK), limit)
            return Transition(replace(state, held_since=held_since, hold_reason=reason, recheck_at=recheck))
        if not activity.show_after_max_defer:
            return Transition(
                waiting(state, now), error=f"dropped after {activity.max_defer_minutes} min ({reason})"
            )
    elif (
        activity.settle_seconds
        and moment.idle_seconds is not None
        and moment.idle_seconds < SETTLE_QUIET_SECONDS
    ):
        settling_since = state.held_since if state.hold_reason == "typing" and state.held_since else now
        if now - settling_since < timedelta(seconds=activity.settle_seconds):
            return Transition(
                replace(
                    state, held_since=settling_since, hold_reason="typing", recheck_at=now + SETTLE_RECHECK
                )
            )
    return _prompt(unheld(state), now, plan)


def prompt_now(state: State, now: datetime, plan: Plan) -> Transition:
    """The user asked for a stretch now (any phase; a pause ends)."""
    now = as_utc(now)
    if state.phase is Phase.PROMPTING:
        return Transition(state, (ShowPrompt(state.stretch_id or "", again=True),))
    if state.phase is Phase.SNOOZED:
        again = replace(state, phase=Phase.PROMPTING, prompted_at=now, snoozed_until=None)
        return Transition(again, (ShowPrompt(state.stretch_id or "", again=True),))
    return _prompt(replace(state, paused_until=None), now, plan)


def done(
    state: State, now: datetime, plan: Plan, held_seconds: int | None = None, stretch_id: str | None = None
) -> Transition:
    """The user did the stretch: the open (or snoozed) prompt's, or `stretch_id`, the one the
    guided window showed them (it knows what was on screen; the upcoming stretch never counts).

    With no prompt open, only a named stretch is recorded (done from the guide on their own,
    also while paused); a bare `done` then is refused, so a second `done` records nothing.
    """
    now = as_utc(now)
    if state.phase in (Phase.PROMPTING, Phase.SNOOZED):
        outcome = PromptOutcome(
            state.prompted_at or now, stretch_id or state.stretch_id, DONE, now, held_seconds
        )
        return Transition(waiting(state, now), (WithdrawPrompt(), Record(outcome)))
    if stretch_id is None:
        because = _no_prompt_because(state, plan, now)
        return Transition(state, error=_("no prompt to mark done ({reason})").format(reason=because))
    outcome = PromptOutcome(now, stretch_id, DONE, now, held_seconds)
    if state.phase is Phase.PAUSED:
        return Transition(state, (Record(outcome),))
    rotation = state.rotation
    if stretch_id == rot.peek(rotation, plan.eligible, plan.focus):  # the next one, done early
        rotation = rot.advance(rotation, plan.eligible, plan.focus)
    return Transition(waiting(replace(state, rotation=rotation), now), (Record(outcome),))


def _no_prompt_because(state: State, plan: Plan, now: datetime) -> str:
    if state.phase is Phase.PAUSED:
        return _("reminders are paused")
    due = next_prompt_at(state.anchor, plan)
    if due is None:
        return _("no work hours ahead")
    local, today = due.astimezone(plan.zone), now.astimezone(plan.zone).date()
    # On Sunday "due at 09:45" reads as today: another day is named.
    when = clock(local, today)
    # Translators: {time} is "14:30" today or "Mon 09:00" on another day.
    return _("the next one is due at {time}").format(time=when)


def snooze(state: State, now: datetime, plan: Plan, minutes: int | None = None) -> Transition:
    now = as_utc(now)
    minutes = minutes or plan.schedule.snooze_minutes
    if not 1 <= minutes <= 240:
        return Transition(
            state, error=_("snooze minutes must be from {low} to {high}").format(low=1, high=240)
        )
    until = now + timedelta(minutes=minutes)
    if state.phase is Phase.SNOOZED:
        return Transition(replace(state, snoozed_until=until))
    if state.phase is not Phase.PROMPTING:
        return Transition(state, error=_("no prompt to snooze"))
    outcome = PromptOutcome(state.prompted_at or now, state.stretch_id, SNOOZED, now)
    snoozed = replace(state, phase=Phase.SNOOZED, snoozed_until=until, prompted_at=None)
    return Transition(snoozed, (WithdrawPrompt(), Record(outcome)))


def skip(state: State, now: datetime, plan: Plan, stretch_id: str | None = None) -> Transition:
    """Skip the open (or snoozed) prompt; `stretch_id`: the stretch the guided window showed."""
    now = as_utc(now)
    if state.phase not in (Phase.PROMPTING, Phase.SNOOZED):
        return Transition(state, error=_("no prompt to skip"))
    outcome = PromptOutcome(state.prompted_at or now, stretch_id or state.stretch_id, SKIPPED, now)
    return Transition(waiting(state, now), (WithdrawPrompt(), Record(outcome)))


def another(state: State, now: datetime, plan: Plan) -> Transition:
    """Offer a different stretch for the prompt being shown."""
    now = as_utc(now)
    if state.phase is not Phase.PROMPTING:
        return Transition(state, error=_("no prompt to change"))
    offered = state.offered or ((state.stretch_id,) if state.stretch_id else ())
    if not set(plan.eligible) - set(offered):
        # Every one offered: start again, keeping the latest half out so none comes straight back.
        offered = offered[-max(1, len(set(plan.eligible)) // 2) :]
    # The rotation's next card, passing those this prompt offered already: a new cycle's deck may
    # begin with a stretch from the end of the last, and "another" must not bring it straight back.
    rotation = state.rotation
    for _attempt in range(2 * len(plan.eligible) + 2):  # a deck holds each stretch at most twice
        stretch = rot.peek(rotation, plan.eligible, plan.focus)
        if stretch is None:
            break
        rotation = rot.advance(rotation, plan.eligible, plan.focus)
        if stretch not in offered:
            changed = replace(state, stretch_id=stretch, rotation=rotation, offered=(*offered, stretch))
            return Transition(changed, (ShowPrompt(stretch),))
    return Transition(state, error=_("no other stretch to offer"))


def pause(state: State, now: datetime, plan: Plan, until: datetime | None) -> Transition:
    """Pause prompts until `until` (None: until resumed).

    A prompt being shown is withdrawn and nothing is recorded: pausing is a choice about the
    reminders, not an answer to the stretch, so it must not count as skipped (that would dent the
    completion rate and the streak); nor does the prompt stay due while reminders are paused. The
    guided window may still record the stretch it shows as done (`done` with its id).
    """
    now = as_utc(now)
    until = as_utc(until) if until is not None else None
    if until is not None and until <= now:
        return Transition(state, error=_("pause must end in the future"))
    effects: tuple[Effect, ...] = ()
    if state.phase in (Phase.PROMPTING, Phase.SNOOZED):
        effects = (WithdrawPrompt(),)
    paused = replace(
        unheld(state),
        phase=Phase.PAUSED,
        paused_until=until,
        stretch_id=None,
        prompted_at=None,
        snoozed_until=None,
        guided_at=None,
    )
    return Transition(paused, effects)


def resume(state: State, now: datetime, plan: Plan) -> Transition:
    now = as_utc(now)
    if state.phase is not Phase.PAUSED:
        return Transition(state, error=_("not paused"))
    return Transition(waiting(state, now))


def _prompt(state: State, now: datetime, plan: Plan) -> Transition:
    stretch = rot.peek(state.rotation, plan.eligible, plan.focus)
    if stretch is None:
        return Transition(waiting(state, now), error=_("no eligible stretches"))
    prompting = replace(
        state,
        phase=Phase.PROMPTING,
        stretch_id=stretch,
        prompted_at=now,
        snoozed_until=None,
        paused_until=None,
        rotation=rot.advance(state.rotation, plan.eligible, plan.focus),
        offered=(stretch,),
    )
    return Transition(prompting, (ShowPrompt(stretch),))
