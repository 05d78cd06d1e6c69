"""What the user sees, computed from the core's state: prompt text, tray view, status fields. Pure."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from ..ports import Prompt, TrayView
from .catalog import Catalog, Stretch
from .locale_formats import clock, short_time, weekday_time
from .outcomes import DONE, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome
from .outlook import Outlook
from .state import Phase, State
from .workhours import Plan

FULL_STEPS = "All steps and a timer: click here or the tray icon."
# Where no guided window can open (Wayland without Xwayland, no tkinter) a click would only show
# the bubble again: the terminal has every step.
FULL_STEPS_IN_TERMINAL = "All steps: run deskbreak now in a terminal."
HOW_TO_ANSWER = "Answer with: deskbreak done · deskbreak snooze [MINUTES] · deskbreak skip"
# dunst's default box is 300 px high and cuts what does not fit; mako shows a few lines: a bubble
# of about this many characters (plus the title) keeps its caution and its way to the steps.
BUBBLE_MAX = 240


def prompt_for(
    stretch: Stretch,
    snooze_minutes: int,
    icon_path: str | None = None,
    timeout_seconds: int = 0,
    opens_window: bool = True,
) -> Prompt:
    """Title: the stretch name; body: one line of what to do, hold and reps, the short caution and
    the way to every step (at most BUBBLE_MAX characters). `details`, for a terminal: every step,
    the caution and how to answer from the command line. `icon_path`: the stretch's picture, or the
    app icon. `opens_window`: whether a click can open the guided window here."""
    way = FULL_STEPS if opens_window else FULL_STEPS_IN_TERMINAL
    # The short caution and the way to the steps are what a cut bubble loses first: they are kept
    # whole, and the line of what to do gives way (at a word) if a stretch's first step is long.
    rest = f"{stretch.summary()}\nCaution: {stretch.caution_short}\n{way}"
    first = _shortened(stretch.steps[0], BUBBLE_MAX - len(rest) - 1)
    body = f"{first}\n{rest}"
    every = "\n".join(f"{n}. {step}" for n, step in enumerate(stretch.steps, start=1))
    details = f"{every}\n{stretch.summary()}\nCaution: {stretch.caution}\n{HOW_TO_ANSWER}"
    return Prompt(
        stretch.id,
        stretch.name,
        body,
        snooze_minutes,
        icon_path,
        timeout_seconds,
        details=details,
        opens_window=opens_window,
    )


def _shortened(text: str, limit: int) -> str:
    """`text`, or its words up to `limit` characters with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def answer_line(
    outcome: PromptOutcome,
    name: str,
    done_today: int,
    goal: int,
    zone: tzinfo,
    snoozed_until: datetime | None = None,
) -> str:
    """What an answer recorded, in one line: `Standing back extension done · 2 of 6 today`."""
    if outcome.outcome == DONE:
        return f"{name} done · {done_today} of {goal} today"
    if outcome.outcome == SNOOZED:
        until = f" until {short_time(snoozed_until.astimezone(zone))}" if snoozed_until else ""
        return f"{name} snoozed{until} · {done_today} of {goal} done today"
    if outcome.outcome == SKIPPED:
        return f"{name} skipped · {done_today} of {goal} done today"
    if outcome.outcome == NATURAL_BREAK and outcome.answered_at is not None:
        began, ended = (short_time(t.astimezone(zone)) for t in (outcome.prompted_at, outcome.answered_at))
        return f"natural break {began}-{ended}"
    return f"{name} {outcome.outcome.replace('_', ' ')}"


def _clock(at: datetime, now: datetime) -> str:
    """`14:30` today, `Mon 09:00` on another day (both in the same zone), in the user's locale."""
    return clock(at, now.date())


def headline(look: Outlook, state: State, catalog: Catalog, zone: tzinfo) -> str:
    """One line: what comes next, or why nothing does."""
    zone_now = look.now.astimezone(zone)
    name = _name(catalog, look.stretch_id)
    if state.phase is Phase.PROMPTING:
        return f"Stretch due · {name}"
    if state.phase is Phase.SNOOZED and state.snoozed_until:
        return f"Snoozed until {_clock(state.snoozed_until.astimezone(zone), zone_now)} · {name}"
    if state.phase is Phase.PAUSED:
        if state.paused_until is None:
            return "Paused until you resume"
        return f"Paused until {_clock(state.paused_until.astimezone(zone), zone_now)}"
    if state.hold_reason:
        return f"Stretch due · {name} · waiting for a better moment ({state.hold_reason})"
    if look.next_prompt_at is None:
        return "No work hours ahead"
    if look.off_until is not None:
        return f"Off until {weekday_time(look.off_until.astimezone(zone))}"
    return f"Next stretch {_clock(look.next_prompt_at.astimezone(zone), zone_now)} · {name}"


TRY_ONE_NOW = "try one now: deskbreak now --window"


def start_line(look: Outlook, state: State, catalog: Catalog, zone: tzinfo) -> str:
    """What a start says: when the first stretch comes (named by day when not today) and, when that
    is not soon (outside work hours), how to try one now."""
    zone_now = look.now.astimezone(zone)
    if look.next_prompt_at is None:
        return f"no work hours ahead, so no stretch will come; {TRY_ONE_NOW}"
    first = look.next_prompt_at.astimezone(zone)
    when = _clock(first, zone_now)
    if look.off_until is not None:
        return f"outside work hours: the first stretch comes {when}; {TRY_ONE_NOW}"
    return f"the first stretch comes at {when} · {_name(catalog, look.stretch_id)}"


def tray_view(look: Outlook, state: State, plan: Plan, catalog: Catalog, today_line: str) -> TrayView:
    answering = state.phase in (Phase.PROMPTING, Phase.SNOOZED)
    return TrayView(
        phase=look.phase,
        progress=look.progress,
        title=headline(look, state, catalog, plan.zone),
        today_line=today_line,
        snooze_choices=plan.schedule.snooze_choices,
        can_stretch_now=state.phase is not Phase.PROMPTING and bool(plan.eligible),
        can_answer=answering,
        can_pause=state.phase is not Phase.PAUSED,
        can_resume=state.phase is Phase.PAUSED,
    )


def status(look: Outlook, state: State, catalog: Catalog, zone: tzinfo) -> dict[str, Any]:
    """The fields of `deskbreak status --json` that come from the core; every instant written with
    the schedule zone's offset (the wire's one place for it)."""
    return {
        "state": look.phase,
        "headline": headline(look, state, catalog, zone),
        "next_prompt_at": _iso(look.next_prompt_at, zone),
        "stretch": {"id": look.stretch_id, "name": _name(catalog, look.stretch_id)}
        if look.stretch_id
        else None,
        "prompted_at": _iso(state.prompted_at, zone),
        "snoozed_until": _iso(state.snoozed_until, zone),
        "paused_until": _iso(state.paused_until, zone),
        "held": {"reason": state.hold_reason, "since": _iso(state.held_since, zone)}
        if state.hold_reason
        else None,
        "progress": round(look.progress, 3),
    }


def _iso(at: datetime | None, zone: tzinfo) -> str | None:
    return at.astimezone(zone).isoformat(timespec="seconds") if at else None


def _name(catalog: Catalog, stretch_id: str | None) -> str:
    stretch = catalog.get(stretch_id) if stretch_id else None
    return stretch.name if stretch else (stretch_id or "a stretch")


def next_lines(
    upcoming: list[tuple[datetime, str | None]], catalog: Catalog, zone: tzinfo
) -> list[dict[str, Any]]:
    return [{"at": _iso(at, zone), "stretch": sid, "name": _name(catalog, sid)} for at, sid in upcoming]
