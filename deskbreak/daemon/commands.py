"""One handler for each command of the table (`core.commands.COMMANDS`).

A handler says what its command does at `now` (an `Answer`); `Daemon.command` runs every command
the same way: check the name and argument against the table, catch the state up, call the
handler, apply its transition, re-arm, reply. The tray, the notification buttons, the guided window
and the control socket (so the CLI) all come through it.

Pause specs are turned into instants here, and only here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..core import forecast, views
from ..core import schedule as core
from ..core.commands import COMMANDS
from ..core.protocol import EVENTS_SCHEMA, ProtocolError, parse_pause
from ..i18n import _
from ..store.recorder import unknown_stretch

if TYPE_CHECKING:
    from .service import Daemon


@dataclass(frozen=True)
class Answer:
    """What a command does: a transition of the schedule and the reply's own fields."""

    transition: core.Transition | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)  # e.g. `changed`, `upcoming`, ok/error
    with_status: bool = True  # the reply carries the status (and the tray and timer are refreshed)
    in_window: bool = False  # the prompt it shows opens in the guided window


Handler = Callable[["Daemon", datetime, Any], Answer]


def pause_until(spec: str | None, now: datetime, plan: core.Plan) -> datetime | None:
    """When a pause given as a spec ("30m", "until 14:30", "tomorrow"; None: "forever") ends;
    `tomorrow` is the first work window from tomorrow. ProtocolError (one line) if it cannot."""

    def first_window_start(day: date) -> datetime | None:
        return next((start for start, _end in core.windows_from(day, plan.schedule, plan.zone)), None)

    return parse_pause(spec or "forever", now, plan.zone, first_window_start)


def answer_arg(arg: Any) -> tuple[int | None, str | None]:
    """`done`/`skip` arguments: the seconds held (an int) or {"held_seconds": n, "stretch": id} from
    the guided window, which names the stretch on its screen."""
    if isinstance(arg, dict):
        return arg.get("held_seconds"), arg.get("stretch")
    return (arg if isinstance(arg, int) else None), None


def _status(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    return Answer()


def _now(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    """The prompt, and every step of its stretch for the terminal that asked (a bubble has room
    for one line of them)."""
    transition = core.prompt_now(daemon.state, now, daemon.plan)
    stretch = daemon.catalog.get(transition.state.stretch_id or "")
    if transition.error or stretch is None:
        return Answer(transition)
    prompt = views.prompt_for(stretch, daemon.plan.schedule.snooze_minutes)
    return Answer(transition, fields={"steps": prompt.details})


def _show(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    return Answer(core.prompt_now(daemon.state, now, daemon.plan), in_window=True)


def unknown_stretch_answer(daemon: Daemon, stretch_id: str | None) -> Answer | None:
    """A refusal of an answer naming a stretch no catalog has (it would be recorded, and top
    "most done" in `stats`), before the schedule moves; None when the stretch is known."""
    if unknown_stretch(stretch_id, daemon.catalog.ids()) is None:  # the built-in ones and the user's
        return None
    # The recorder's own refusal of the same answer goes to the log, in English; this one to the user.
    refused = _("no stretch '{stretch_id}' in the catalog (`deskbreak stretches` lists them)")
    return Answer(fields={"ok": False, "error": refused.format(stretch_id=stretch_id)})


def _done(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    held, shown = answer_arg(arg)
    refused = unknown_stretch_answer(daemon, shown)
    return refused or Answer(core.done(daemon.state, now, daemon.plan, held, shown))


def _snooze(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    return Answer(core.snooze(daemon.state, now, daemon.plan, arg))


def _skip(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    shown = answer_arg(arg)[1]
    refused = unknown_stretch_answer(daemon, shown)
    return refused or Answer(core.skip(daemon.state, now, daemon.plan, shown))


def _another(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    return Answer(core.another(daemon.state, now, daemon.plan))


def _pause(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    try:
        until = pause_until(arg, now, daemon.plan)
    except ProtocolError as error:
        return Answer(fields={"ok": False, "error": str(error)})
    return Answer(core.pause(daemon.state, now, daemon.plan, until))


def _resume(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    return Answer(core.resume(daemon.state, now, daemon.plan))


def _next(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    """What this daemon will deal, from its own state and rotation (`deskbreak next`)."""
    upcoming = forecast.upcoming_prompts(daemon.state, now, daemon.plan, arg or 5)
    lines = views.next_lines(upcoming, daemon.catalog, daemon.plan.zone)
    return Answer(fields={"upcoming": lines}, with_status=False)


def _reload(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    return Answer(fields=daemon.reload("command"))


def _edit(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    """The tray's "Edit schedule…": the config watcher applies the save."""
    return Answer(fields=daemon.open_editor())


def _facts(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    """What the daemon uses in its session (`deskbreak doctor`), with the status beside it."""
    return Answer(fields={"facts": dict(daemon.ports.facts())})


def _quit(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    # Stopping joins threads that may be waiting for this one: stop on a thread of its own.
    threading.Thread(target=daemon.stop, name="deskbreak-quit", daemon=True).start()
    return Answer(with_status=False)


def _follow(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    """The first line of a follower's stream: the status (the control socket streams the rest)."""
    return Answer()


def _events(daemon: Daemon, now: datetime, arg: Any) -> Answer:
    """The first line of an event reader's stream: the schema of the lines that follow."""
    return Answer(fields={"schema": EVENTS_SCHEMA}, with_status=False)


HANDLERS: Mapping[str, Handler] = {
    "status": _status,
    "now": _now,
    "show": _show,
    "done": _done,
    "snooze": _snooze,
    "skip": _skip,
    "another": _another,
    "pause": _pause,
    "resume": _resume,
    "next": _next,
    "reload": _reload,
    "edit": _edit,
    "quit": _quit,
    "facts": _facts,
    "follow": _follow,
    "events": _events,
}

if set(HANDLERS) != set(COMMANDS):  # a name in one table only would fail at a user's click instead
    raise ImportError(
        f"command handlers and the command table differ: {sorted(set(HANDLERS) ^ set(COMMANDS))}"
    )
