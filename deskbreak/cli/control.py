"""The CLI's remote-control commands: `deskbreak status|now|done|snooze|skip|pause|resume|reload|quit`.

Each sends one request over the control socket and turns the reply into output and an exit code:
0 ok, 1 the daemon refused (its error is printed), 2 a bad argument, 3 no daemon running.
Light on imports: a status bar may run `deskbreak status --short` every few seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_NOT_RUNNING = 0, 1, 2, 3
NOT_RUNNING = "deskbreak is not running (start it with: deskbreak run)"
QUIT_WAIT = 5.0  # seconds `quit` waits for the daemon to be gone


CONTROL_COMMANDS = ("status", "now", "done", "snooze", "skip", "pause", "resume", "reload", "quit")


def control_handlers() -> dict[str, Callable[[argparse.Namespace], int]]:
    return dict.fromkeys(CONTROL_COMMANDS, cmd_control)


def add_control_parsers(sub: Any) -> None:
    """Register the remote-control subcommands on `sub` (argparse subparsers)."""
    status = sub.add_parser("status", help="what the running daemon is doing")
    form = status.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="the full status as JSON (schema 1)")
    form.add_argument(
        "--short",
        action="store_true",
        help="one short line for a status bar; silent (exit 3) when no daemon runs",
    )
    status.add_argument(
        "--ascii",
        action="store_true",
        help="with --short: plain text, no emoji (for bars whose font has none)",
    )
    now = sub.add_parser("now", help="prompt a stretch now")
    now.add_argument("--window", action="store_true", help="in the guided stretch window")
    sub.add_parser("done", help="mark the open (or snoozed) prompt's stretch done")
    snooze = sub.add_parser("snooze", help="snooze the prompt (default: the configured minutes)")
    snooze.add_argument("minutes", nargs="?", type=int, metavar="MINUTES", help="1 to 240")
    sub.add_parser("skip", help="skip the prompt")
    pause = sub.add_parser("pause", help="no prompts for a while (default: until you resume)")
    pause.add_argument(
        "spec", nargs="*", metavar="SPEC", help="30m, 2h, 90 (minutes), until HH:MM, tomorrow or forever"
    )
    sub.add_parser("resume", help="end a pause")
    sub.add_parser("reload", help="re-read the config file")
    sub.add_parser("quit", help="stop the daemon")


def cmd_control(args: argparse.Namespace) -> int:
    from ..core import protocol

    name, arg = args.command, None
    if name == "now" and getattr(args, "window", False):
        name = "show"  # the daemon opens the guided window for the prompt
    if name == "snooze" and args.minutes is not None:
        arg = args.minutes
    if name == "pause" and args.spec:
        arg = " ".join(args.spec)
    short = name == "status" and args.short
    if name == "status" and args.ascii and not short:
        print("deskbreak: --ascii goes with --short", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        protocol.check_arg(name, arg)
    except protocol.ProtocolError as error:
        print(f"deskbreak: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # A status bar polls --short every few seconds: with no daemon it must not fill the bar's log.
    reply = send(name, arg, quiet_when_not_running=short)
    if isinstance(reply, int):
        return reply
    if not reply.get("ok"):
        print(f"deskbreak: {reply.get('error', 'refused')}", file=sys.stderr)
        return EXIT_FAILURE
    if name == "status":
        print(format_status(reply, as_json=args.json, short=short, ascii=args.ascii))
    elif name == "quit":
        return _wait_gone()
    elif name == "reload":
        changed = reply.get("changed") or []
        print("config reloaded" + (": " + "; ".join(changed) if changed else " (no changes)"))
    elif reply.get("recorded"):  # what the answer recorded: "Seated twist done · 2 of 6 today"
        print(reply["recorded"])
    else:
        print(reply.get("headline", "ok"))
    return EXIT_OK


def send(cmd: str, arg: Any = None, quiet_when_not_running: bool = False) -> dict[str, Any] | int:
    """The daemon's reply, or an exit code after printing why there is none."""
    from ..daemon.control import ControlClient, ControlError, NotRunning
    from ..paths import default_paths

    try:
        return ControlClient(default_paths().socket_file).request(cmd, arg)
    except NotRunning:
        if not quiet_when_not_running:
            print(NOT_RUNNING, file=sys.stderr)
        return EXIT_NOT_RUNNING
    except ControlError as error:
        print(f"deskbreak: {error}", file=sys.stderr)
        return EXIT_FAILURE


def _wait_gone() -> int:
    from ..daemon.control import ControlClient, ControlError, NotRunning
    from ..paths import default_paths

    client = ControlClient(default_paths().socket_file)
    deadline = time.monotonic() + QUIT_WAIT
    while time.monotonic() < deadline:
        try:
            client.request("status", timeout=0.5)
        except NotRunning:
            print("deskbreak stopped")
            return EXIT_OK
        except ControlError:
            pass
        time.sleep(0.05)
    print("deskbreak: asked the daemon to quit, but it is still running", file=sys.stderr)
    return EXIT_FAILURE


def format_status(
    status: Mapping[str, Any], as_json: bool = False, short: bool = False, ascii: bool = False
) -> str:
    if as_json:
        return json.dumps({k: v for k, v in status.items() if k != "ok"}, indent=2, ensure_ascii=False)
    if short:
        return short_status(status, ascii)
    lines = [str(status.get("headline", ""))]
    if status.get("next_prompt_at") and status.get("state") == "off":  # the headline names the others
        at = datetime.fromisoformat(status["next_prompt_at"]).strftime("%a %H:%M")
        stretch = (status.get("stretch") or {}).get("name")
        lines.append(f"Next prompt: {at}" + (f" · {stretch}" if stretch else ""))
    if status.get("today_line"):
        lines.append(status["today_line"])  # the daemon's line: the same numbers and goal as the tray
    if status.get("config_error"):
        lines.append(f"Config not applied: {status['config_error'].splitlines()[0]}")
    return "\n".join(lines)


SHORT_MARKS = {
    False: {"working": "🧘", "due": "🧘", "snoozed": "💤"},
    True: {"working": "next", "due": "stretch", "snoozed": "snoozed"},
}


def short_status(status: Mapping[str, Any], ascii: bool = False) -> str:
    """One line for a status bar: `🧘 14:30`, `🧘 now`, `💤 14:40`, `paused`, `off` (wall-clock
    times in the schedule's zone, as the status carries them); with `ascii`: `next 14:30`,
    `stretch now`, `snoozed 14:40`, `paused`, `off`."""
    marks = SHORT_MARKS[ascii]
    state = status.get("state")
    if state == "due":
        return f"{marks['due']} now"
    if state == "paused":
        return "paused"
    at = status.get("snoozed_until") if state == "snoozed" else status.get("next_prompt_at")
    if state not in ("working", "snoozed") or not at:
        return "off"
    clock = datetime.fromisoformat(at).strftime("%H:%M")
    return f"{marks[state]} {clock}"
