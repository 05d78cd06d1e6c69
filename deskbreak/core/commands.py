"""The daemon's commands: every name the tray, the notification buttons, the guided window, the
control socket and the CLI use, with the argument each takes and where a user reaches it. Pure.

This is the one vocabulary: the daemon binds one handler to each name (`daemon/commands.py`, which
refuses to load if the two differ), the CLI builds its subcommands from it, and every request is
checked here, once, wherever it comes from. A new command is one entry here and one handler there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..i18n import N_, _
from .protocol import ProtocolError, pause_spec, show_value
from .status_forms import FORMS as STATUS_FORMS

Surface = Literal["cli", "tray", "notification", "window"]
MAX_SNOOZE = 240  # minutes
MAX_HELD = 3600  # seconds a stretch may be held
MAX_NEXT = 50  # prompts `next` may ask for
_STRETCH_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# Why an argument is refused (one line), or None when it is fine; never called with None.
Check = Callable[[object], "str | None"]


@dataclass(frozen=True)
class Operand:
    """A command's one positional argument on the CLI."""

    metavar: str
    help: str
    words: bool = False  # the rest of the line, joined by spaces (a pause spec); else a whole number


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # one line: the CLI's help
    check: Check  # the argument's type and range (every argument is optional)
    surfaces: frozenset[Surface]  # where a user reaches it; the control socket accepts every command
    operand: Operand | None = None  # the CLI's positional argument


def _nothing(name: str) -> Check:
    return lambda arg: _("{command} takes no argument").format(command=name)


def _int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _answer(arg: object, with_held: bool) -> bool:
    """An answer from the guided window: the stretch on its screen (and the seconds held)."""
    if not isinstance(arg, dict) or not arg:
        return False
    known = {"stretch", "held_seconds"} if with_held else {"stretch"}
    if set(arg) - known:
        return False
    stretch = arg.get("stretch")
    if stretch is not None and not (
        isinstance(stretch, str) and len(stretch) <= 64 and _STRETCH_ID.fullmatch(stretch)
    ):
        return False
    held = arg.get("held_seconds")
    return held is None or _int_in(held, 0, MAX_HELD)


def _snooze(arg: object) -> str | None:
    if _int_in(arg, 1, MAX_SNOOZE):
        return None
    return _("snooze minutes must be a whole number from 1 to {most}, got {value}").format(
        most=MAX_SNOOZE, value=show_value(arg)
    )


def _done(arg: object) -> str | None:
    if _int_in(arg, 0, MAX_HELD) or _answer(arg, with_held=True):
        return None
    return _(
        'done takes the seconds held (0 to {most}) or {{"held_seconds": n, "stretch": id}}, got {value}'
    ).format(most=MAX_HELD, value=show_value(arg))


def _skip(arg: object) -> str | None:
    if _answer(arg, with_held=False):
        return None
    return _('skip takes nothing or {{"stretch": id}}, got {value}').format(value=show_value(arg))


def _pause(arg: object) -> str | None:
    if not isinstance(arg, str):
        return _('pause takes a spec string like "30m", got {value}').format(value=show_value(arg))
    try:
        pause_spec(arg)
    except ProtocolError as error:
        return str(error)
    return None


def _status(arg: object) -> str | None:
    """The form to render the status in as well (the one-shot CLI prints it as the daemon sent it)."""
    if arg in STATUS_FORMS:
        return None
    return _("status takes a form ({forms}), got {value}").format(
        forms=", ".join(STATUS_FORMS), value=show_value(arg)
    )


def _next(arg: object) -> str | None:
    if _int_in(arg, 1, MAX_NEXT):
        return None
    return _("next takes how many prompts, 1 to {most}, got {value}").format(
        most=MAX_NEXT, value=show_value(arg)
    )


_EVERYWHERE: frozenset[Surface] = frozenset({"cli", "tray", "notification", "window"})


def _command(
    name: str,
    summary: str,
    surfaces: Iterable[Surface],
    check: Check | None = None,
    operand: Operand | None = None,
) -> Command:
    return Command(name, summary, check or _nothing(name), frozenset(surfaces), operand)


COMMANDS: Mapping[str, Command] = {
    command.name: command
    for command in (
        _command("status", N_("what the running daemon is doing"), {"cli", "tray", "window"}, _status),
        _command("now", N_("prompt a stretch now"), {"cli"}),
        _command(
            "show", N_("the stretch due, or one now, in the guided stretch window"), _EVERYWHERE - {"window"}
        ),
        _command("done", N_("mark the open (or snoozed) prompt's stretch done"), _EVERYWHERE, _done),
        _command(
            "snooze",
            N_("snooze the prompt (default: the configured minutes)"),
            _EVERYWHERE,
            _snooze,
            Operand("MINUTES", f"1 to {MAX_SNOOZE}"),
        ),
        _command("skip", N_("skip the prompt"), _EVERYWHERE, _skip),
        _command("another", N_("offer a different stretch for the open prompt"), {"cli", "window"}),
        _command(
            "pause",
            N_("no prompts for a while (default: until you resume)"),
            {"cli", "tray", "window"},
            _pause,
            Operand("SPEC", N_("30m, 2h, 90 (minutes), until HH:MM, tomorrow or forever"), words=True),
        ),
        _command("resume", N_("end a pause"), {"cli", "tray", "window"}),
        _command(
            "next",
            N_(
                "the next prompt times and stretches (from the running daemon, else predicted from the config)"
            ),
            {"cli"},
            _next,
        ),
        _command("reload", N_("re-read the config file"), {"cli", "tray"}),
        _command("edit", N_("open the config file in your editor, without waiting"), {"tray"}),
        _command("quit", N_("stop the daemon"), {"cli", "tray"}),
        # Reached through `deskbreak doctor` only (the socket accepts every command).
        _command("facts", N_("what the daemon uses: notifier, tray, idle probe, guided window"), ()),
        # Streams: the connection stays open (`protocol.STREAMS`); `status --follow` sends `follow`.
        _command("follow", N_("the status now, then a line whenever it changes"), ()),
        _command("events", N_("one line per event (prompt shown, done, paused...) as it happens"), {"cli"}),
    )
}


def check(name: str, arg: object = None) -> None:
    """Refuse an unknown command or an argument of the wrong type or range: one-line ProtocolError."""
    command = COMMANDS.get(name)
    if command is None:
        raise ProtocolError(_("unknown command {name}").format(name=repr(name[:40])))
    problem = command.check(arg) if arg is not None else None
    if problem is not None:
        raise ProtocolError(problem)


def reached_from(surface: Surface) -> tuple[str, ...]:
    """The names a user reaches from `surface`, in the table's order."""
    return tuple(name for name, command in COMMANDS.items() if surface in command.surfaces)
