"""What the user sees, computed from the core's state: prompt text, tray view, status fields. Pure."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from ..i18n import N_, _
from ..ports import Prompt, TrayView
from .calls import CALL, GNOME_BREAK
from .catalog import Catalog, Stretch
from .locale_formats import clock, short_time, weekday_time
from .outcomes import DONE, IGNORED, MISSED_WHILE_ASLEEP, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome
from .outlook import Outlook
from .state import Phase, State
from .workhours import Plan

FULL_STEPS = N_("All steps and a timer: click here or the tray icon.")
# Where no guided window can open (Wayland without Xwayland, no tkinter) a click would only show
# the bubble again: the terminal has every step.
FULL_STEPS_IN_TERMINAL = N_("All steps: run deskbreak now in a terminal.")
# Translators: the commands and MINUTES are typed as written: keep them in English.
HOW_TO_ANSWER = N_("Answer with: deskbreak done · deskbreak snooze [MINUTES] · deskbreak skip")
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
    way = _(FULL_STEPS if opens_window else FULL_STEPS_IN_TERMINAL)
    # The catalog keeps English; each text is translated here, where it is shown.
    steps = [_(step) for step in stretch.steps]
    # The short caution and the way to the steps are what a cut bubble loses first: they are kept
    # whole, and the line of what to do gives way (at a word) if a stretch's first step is long.
    caution_short = _("Caution: {caution}").format(caution=_(stretch.caution_short))
    rest = f"{stretch.summary()}\n{caution_short}\n{way}"
    first = _shortened(steps[0], BUBBLE_MAX - len(rest) - 1)
    body = f"{first}\n{rest}"
    every = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))
    caution = _("Caution: {caution}").format(caution=_(stretch.caution))
    details = f"{every}\n{stretch.summary()}\n{caution}\n{_(HOW_TO_ANSWER)}"
    return Prompt(
        stretch.id,
        _(stretch.name),
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
    """What an answer recorded, in one line: `Standing back extension done · 2 of 6 today`.
    `name`: the stretch's name as the catalog has it (English), translated here."""
    counts = {"name": _(name), "done": done_today, "goal": goal}
    if outcome.outcome == DONE:
        return _("{name} done · {done} of {goal} today").format(**counts)
    if outcome.outcome == SNOOZED:
        if snoozed_until:
            until = short_time(snoozed_until.astimezone(zone))
            return _("{name} snoozed until {time} · {done} of {goal} done today").format(time=until, **counts)
        return _("{name} snoozed · {done} of {goal} done today").format(**counts)
    if outcome.outcome == SKIPPED:
        return _("{name} skipped · {done} of {goal} done today").format(**counts)
    if outcome.outcome == NATURAL_BREAK and outcome.answered_at is not None:
        began, ended = (short_time(t.astimezone(zone)) for t in (outcome.prompted_at, outcome.answered_at))
        # Translators: the user was away from the computer from {began} to {ended} ("10:05-10:12").
        return _("natural break {began}-{ended}").format(began=began, ended=ended)
    if outcome.outcome == IGNORED:
        return _("{name} ignored").format(**counts)
    if outcome.outcome == MISSED_WHILE_ASLEEP:
        return _("{name} missed while asleep").format(**counts)
    return _("{name} natural break").format(**counts)


def _clock(at: datetime, now: datetime) -> str:
    """`14:30` today, `Mon 09:00` on another day (both in the same zone), in the user's locale."""
    return clock(at, now.date())


def headline(look: Outlook, state: State, catalog: Catalog, zone: tzinfo) -> str:
    """One line: what comes next, or why nothing does."""
    zone_now = look.now.astimezone(zone)
    name = _name(catalog, look.stretch_id)
    if state.phase is Phase.PROMPTING:
        return _("Stretch due · {name}").format(name=name)
    if state.phase is Phase.SNOOZED and state.snoozed_until:
        until = _clock(state.snoozed_until.astimezone(zone), zone_now)
        return _("Snoozed until {time} · {name}").format(time=until, name=name)
    if state.phase is Phase.PAUSED:
        if state.paused_until is None:
            return _("Paused until you resume")
        return _("Paused until {time}").format(time=_clock(state.paused_until.astimezone(zone), zone_now))
    if state.hold_reason:
        return _("Stretch due · {name} · waiting for a better moment ({reason})").format(
            name=name, reason=hold_reason_text(state.hold_reason)
        )
    if look.next_prompt_at is None:
        return _("No work hours ahead")
    if look.off_until is not None:
        return _("Off until {time}").format(time=weekday_time(look.off_until.astimezone(zone)))
    next_at = _clock(look.next_prompt_at.astimezone(zone), zone_now)
    return _("Next stretch {time} · {name}").format(time=next_at, name=name)


# The reasons a due prompt is held back stay English in `status --json` (scripts read them); the
# headline shows them in the user's language.
_HOLD_REASONS = {
    # Translators: why a due stretch waits, in "waiting for a better moment (call)": the user is in a call.
    CALL: N_("call"),
    # Translators: why a due stretch waits: the user is away from the computer.
    "away": N_("away"),
    # Translators: why a due stretch waits: a fullscreen window has the focus.
    "fullscreen": N_("fullscreen"),
    # Translators: why a due stretch waits: the desktop's do-not-disturb mode is on.
    "do-not-disturb": N_("do-not-disturb"),
    # Translators: why a due stretch waits: a calendar event is busy.
    "meeting": N_("meeting"),
    # Translators: why a due stretch waits: the user is typing.
    "typing": N_("typing"),
    # Translators: why a due stretch waits: the desktop (GNOME) has the user on a break.
    GNOME_BREAK: N_("GNOME break"),
}


def hold_reason_text(reason: str) -> str:
    """A hold reason (an English value) as the user reads it; a call names what is in use."""
    if reason.startswith(f"{CALL}: "):
        # Translators: why a due stretch waits; {detail} says what is in use ("microphone in use by firefox").
        return _("call: {detail}").format(detail=reason.removeprefix(f"{CALL}: "))
    known = _HOLD_REASONS.get(reason)
    return _(known) if known else reason


# Translators: "deskbreak now --window" is a command: keep it as written.
TRY_ONE_NOW = N_("try one now: deskbreak now --window")


def start_line(look: Outlook, state: State, catalog: Catalog, zone: tzinfo) -> str:
    """What a start says: when the first stretch comes (named by day when not today) and, when that
    is not soon (outside work hours), how to try one now."""
    zone_now = look.now.astimezone(zone)
    try_now = _(TRY_ONE_NOW)
    if look.next_prompt_at is None:
        # Translators: {try_now} is "try one now: deskbreak now --window", a clause of its own.
        return _("no work hours ahead, so no stretch will come; {try_now}").format(try_now=try_now)
    first = look.next_prompt_at.astimezone(zone)
    when = _clock(first, zone_now)
    if look.off_until is not None:
        # Translators: {time} is "14:30" today or "Mon 09:00" on another day; {try_now} is
        # "try one now: deskbreak now --window", a clause of its own.
        return _("outside work hours: the first stretch comes {time}; {try_now}").format(
            time=when, try_now=try_now
        )
    return _("the first stretch comes at {time} · {name}").format(
        time=when, name=_name(catalog, look.stretch_id)
    )


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
    """The stretch's name as shown: translated (a custom stretch's name comes back as written)."""
    if stretch:
        return _(stretch.name)
    return stretch_id or _("a stretch")


def next_lines(
    upcoming: list[tuple[datetime, str | None]], catalog: Catalog, zone: tzinfo
) -> list[dict[str, Any]]:
    return [{"at": _iso(at, zone), "stretch": sid, "name": _name(catalog, sid)} for at, sid in upcoming]
