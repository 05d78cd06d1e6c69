"""The CLI's remote-control commands: one subcommand for each command the table
(`core/commands.py`) offers on the CLI: `deskbreak status|now|show|done|snooze|skip|another|pause|
resume|next|reload|quit`.

Each sends one request over the control socket and turns the reply into output and an exit code:
0 ok, 1 the daemon refused (its error is printed), 2 a bad argument, 3 no daemon running.
Light on imports: a status bar's one-shot `deskbreak status` is served by `deskbreak/entry.py`
without this module, which answers it when that cannot (an error to explain, no daemon, `--follow`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..core import commands, protocol, status_forms
from ..i18n import N_, _

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_NOT_RUNNING = 0, 1, 2, 3
NOT_RUNNING = N_("deskbreak is not running (start it with: deskbreak run)")
QUIT_WAIT = 5.0  # seconds `quit` waits for the daemon to be gone


def control_handlers() -> dict[str, Callable[[argparse.Namespace], int]]:
    """Every command the table offers on the CLI runs through `cmd_control` (`next` and the
    `events` stream have their own)."""
    handlers: dict[str, Callable[[argparse.Namespace], int]] = dict.fromkeys(
        commands.reached_from("cli"), cmd_control
    )
    handlers["events"] = cmd_events
    return handlers


def _status_options(parser: argparse.ArgumentParser) -> None:
    form = parser.add_mutually_exclusive_group()
    form.add_argument(
        "--json",
        action="store_true",
        help=_("the full status as JSON (schema {schema})").format(schema=protocol.SCHEMA),
    )
    form.add_argument(
        "--short",
        action="store_true",
        help=_("one short line for a status bar; silent (exit 3) when no daemon runs"),
    )
    form.add_argument(
        "--waybar", action="store_true", help=_("waybar's JSON (text, tooltip, class, percentage)")
    )
    parser.add_argument(
        "--ascii",
        action="store_true",
        help=_("with --short or --waybar: plain text, no emoji (for bars whose font has none)"),
    )
    parser.add_argument(
        "--follow",
        action="store_true",
        help=_("keep running: a line now and on every change, waiting for the daemon when it stops"),
    )


def _events_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help=_("one JSON object per line (schema {schema})").format(schema=protocol.EVENTS_SCHEMA),
    )


def _now_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--window", action="store_true", help=_("in the guided stretch window (as `show`)"))


def _next_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--count", type=int, default=5, help=_("how many prompts (default 5)"))
    parser.add_argument("--json", action="store_true", help=_("the prompts as JSON"))
    parser.add_argument("--config", type=Path, help=_("predict from this config, not the running daemon"))


# The options a command has on the CLI only (how to print, where to read), beside the table's operand.
CLI_OPTIONS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "status": _status_options,
    "now": _now_options,
    "next": _next_options,
    "events": _events_options,
}


def add_control_parsers(sub: Any) -> None:
    """A subcommand on `sub` (argparse subparsers) for every command the table offers on the CLI."""
    for name in commands.reached_from("cli"):
        command = commands.COMMANDS[name]
        parser = sub.add_parser(name, help=_(command.summary))
        operand = command.operand
        if operand is not None and operand.words:
            parser.add_argument("operand", nargs="*", metavar=operand.metavar, help=_(operand.help))
        elif operand is not None:
            parser.add_argument("operand", nargs="?", type=int, metavar=operand.metavar, help=_(operand.help))
        if name in CLI_OPTIONS:
            CLI_OPTIONS[name](parser)


def request_of(args: argparse.Namespace) -> tuple[str, Any]:
    """The command and argument the parsed command line sends."""
    name, operand = args.command, getattr(args, "operand", None)
    if name == "now" and args.window:
        name = "show"  # the daemon opens the guided window for the prompt
    if isinstance(operand, list):
        return name, " ".join(operand) or None
    return name, operand


def cmd_control(args: argparse.Namespace) -> int:
    from ..core.protocol import ProtocolError

    name, arg = request_of(args)
    if name == "status":
        return cmd_status(args)
    try:
        commands.check(name, arg)
    except ProtocolError as error:
        print(_("deskbreak: {error}").format(error=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    reply = send(name, arg)
    if isinstance(reply, int):
        return reply
    if not reply.get("ok"):
        print(_("deskbreak: {error}").format(error=reply.get("error", _("refused"))), file=sys.stderr)
        return EXIT_FAILURE
    if name == "quit":
        return _wait_gone()
    if name == "reload":
        changed = reply.get("changed") or []
        if changed:
            print(_("config reloaded: {changes}").format(changes="; ".join(changed)))
        else:
            print(_("config reloaded (no changes)"))
    elif name == "now" and reply.get("steps"):  # every step: the bubble has room for one
        print(f"{reply.get('headline', '')}\n\n{reply['steps']}")
    elif reply.get("recorded"):  # what the answer recorded: "Seated twist done · 2 of 6 today"
        print(reply["recorded"])
    else:
        print(reply.get("headline", _("ok")))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """`deskbreak status` in every form: the daemon renders the form (`entry.py` prints the same
    text without this module when it can); a daemon too old to render gets it rendered here."""
    short = args.short
    if args.ascii and not (short or args.waybar):
        print(_("deskbreak: --ascii goes with --short or --waybar"), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.follow:
        from .follow import follow_status

        return follow_status(status_form(args))
    form = status_forms.form_of(args.json, short, args.waybar, args.ascii)
    # A status bar polls --short every few seconds: with no daemon it must not fill the bar's log.
    quiet = short or args.waybar
    reply = send("status", form, quiet_when_not_running=quiet)
    if isinstance(reply, dict) and not reply.get("ok"):  # a daemon older than the forms refuses one
        reply = send("status", quiet_when_not_running=quiet)
    if isinstance(reply, int):
        if reply == EXIT_NOT_RUNNING and args.waybar:
            print(status_form(args)(None))  # the hidden module, for bars that poll
        return reply
    if not reply.get("ok"):
        print(_("deskbreak: {error}").format(error=reply.get("error", _("refused"))), file=sys.stderr)
        return EXIT_FAILURE
    text = reply.get("text")
    print(text if isinstance(text, str) else status_forms.render(reply, form))
    return EXIT_OK


def status_form(args: argparse.Namespace) -> Callable[[Mapping[str, Any] | None], str]:
    """How `status --follow` (and `--waybar`) prints one status; None: no daemon runs."""
    from . import follow

    if args.waybar:
        return lambda status: follow.waybar_form(status, args.ascii, _(NOT_RUNNING))
    if args.json:
        return follow.json_form
    if args.short:  # an empty line hides a bar's module while no daemon runs
        return lambda status: status_forms.short_line(status, args.ascii) if status is not None else ""
    return lambda status: str(status.get("headline", "")) if status is not None else _(NOT_RUNNING)


def cmd_events(args: argparse.Namespace) -> int:
    """`deskbreak events [--json]`: one line per event until the output closes."""
    from .follow import event_json, event_text, follow_events

    return follow_events(event_json if args.json else event_text)


def send(cmd: str, arg: Any = None, quiet_when_not_running: bool = False) -> dict[str, Any] | int:
    """The daemon's reply, or an exit code after printing why there is none."""
    from ..control_client import ControlClient, ControlError, NotRunning
    from ..paths import default_paths

    try:
        return ControlClient(default_paths().socket_file).request(cmd, arg)
    except NotRunning:
        if not quiet_when_not_running:
            print(_(NOT_RUNNING), file=sys.stderr)
        return EXIT_NOT_RUNNING
    except ControlError as error:
        print(_("deskbreak: {error}").format(error=error), file=sys.stderr)
        return EXIT_FAILURE


def _wait_gone() -> int:
    from ..control_client import ControlClient, ControlError, NotRunning
    from ..paths import default_paths

    client = ControlClient(default_paths().socket_file)
    deadline = time.monotonic() + QUIT_WAIT
    while time.monotonic() < deadline:
        try:
            client.request("status", timeout=0.5)
        except NotRunning:
            print(_("deskbreak stopped"))
            return EXIT_OK
        except ControlError:
            pass
        time.sleep(0.05)
    print(_("deskbreak: asked the daemon to quit, but it is still running"), file=sys.stderr)
    return EXIT_FAILURE
