"""The `deskbreak` command: argparse front end, subcommands, exit codes. No GUI imports here.

One module per command group (`config`, `control`, `stats`, `logs`, `doctor`, `autostart`), each
imported only when its command runs; `deskbreak run` parses with its own small parser and goes
straight to `deskbreak.daemon.start`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..assets import use_desktop_locale_formats
from ..core.locale_formats import weekday_date_time
from ..i18n import _
from .language import set_command_language
from .options import add_config_option

if TYPE_CHECKING:
    from ..core.config import Config

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_NOT_RUNNING = 0, 1, 2, 3


def _add_run_arguments(run: argparse.ArgumentParser) -> None:
    add_config_option(run)
    run.add_argument("-v", "--verbose", action="store_true", help=_("log debug messages"))


def build_run_parser() -> argparse.ArgumentParser:
    """`deskbreak [run] [--config PATH] [-v]` alone: the daemon never imports the other commands."""
    run = argparse.ArgumentParser(prog="deskbreak run", description=_("Run the deskbreak daemon."))
    _add_run_arguments(run)
    return run


def _add_config(sub: Any) -> None:
    about = _("check, locate (path), show, set or edit the config")
    config = sub.add_parser(
        "config", help=about, description=_("deskbreak config: {about}.").format(about=about)
    )
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_sub.add_parser("check", help=_("validate a config file"))
    check.add_argument("path", nargs="?", type=Path, help=_("the file to check (default: the config in use)"))
    config_sub.add_parser("path", help=_("print where the config is read from"))
    show = config_sub.add_parser("show", help=_("print the effective config as TOML"))
    add_config_option(show)
    from .config import add_parsers as add_config_edit_parsers

    add_config_edit_parsers(config_sub)


def _add_stretches(sub: Any) -> None:
    stretches = sub.add_parser("stretches", help=_("list the stretch catalog"))
    stretches.add_argument(
        "--posture",
        choices=("seated", "standing", "floor"),
        help=_("only the stretches done in this posture"),
    )
    stretches.add_argument("--json", action="store_true", help=_("the list as JSON, steps included"))
    add_config_option(stretches)


def _add_control(sub: Any) -> None:
    from .control import add_control_parsers

    add_control_parsers(sub)


def _add_autostart(sub: Any) -> None:
    from . import autostart

    autostart.add_parser(sub)


def _add_doctor(sub: Any) -> None:
    from . import doctor

    doctor.add_parser(sub)


def _add_logs(sub: Any) -> None:
    from . import logs as cli_logs

    cli_logs.add_parser(sub)


def _add_stats(sub: Any) -> None:
    from .stats import add_parsers as add_stats_parsers

    add_stats_parsers(sub)


# The command groups that live outside the table of control commands, and the function that adds
# each group's subcommands. Every other name is a control command (cli/control.py), so a status bar's
# `deskbreak status --short` builds one subparser and imports neither the config model, the
# history (sqlite3) nor doctor.
GROUP_OF_COMMAND: dict[str, Callable[[Any], None]] = {
    "config": _add_config,
    "stretches": _add_stretches,
    "autostart": _add_autostart,
    "doctor": _add_doctor,
    "logs": _add_logs,
    "stats": _add_stats,
    "history": _add_stats,
}
# In `deskbreak --help`'s order.
ALL_GROUPS = (_add_config, _add_stretches, _add_control, _add_autostart, _add_doctor, _add_logs, _add_stats)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or (given the command word) only the group that defines it: the help
    and the errors of a named command are the same either way."""
    parser = argparse.ArgumentParser(
        prog="deskbreak", description=_("A desk-break reminder that prompts one back stretch at a time.")
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"deskbreak {__version__}",
        # argparse 3.11 leaves this default help untranslated: ours goes through the catalog.
        help=_("show program's version number and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help=_("run the daemon in the foreground (the default)"))
    _add_run_arguments(run)
    if command is not None and not command.startswith("-"):
        GROUP_OF_COMMAND.get(command, _add_control)(sub)
        if command in sub.choices:
            return parser
        return build_parser()  # a mistyped command: the whole parser names every choice
    for add_group in ALL_GROUPS:
        add_group(sub)
    return parser


def _is_run(argv: list[str]) -> bool:
    """Bare `deskbreak`, `deskbreak run ...` and `deskbreak -v` / `--config X` all mean run."""
    if not argv or argv[0] == "run":
        return True
    return argv[0] in ("-v", "--verbose", "--config") or argv[0].startswith("--config=")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    use_desktop_locale_formats()  # times and dates in the desktop's locale (one line of a shipped table)
    set_command_language(argv)  # before any parser: their help texts are translated as added
    if _is_run(argv):
        try:
            return cmd_run(build_run_parser().parse_args(argv[1:] if argv and argv[0] == "run" else argv))
        except KeyboardInterrupt:
            return EXIT_OK
    args = build_parser(argv[0]).parse_args(argv)
    try:
        return _handler(args.command)(args)
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:
        return EXIT_OK


# The commands whose handler lives in a module of its own: (module in this package, function).
HANDLER_OF_COMMAND = {
    "autostart": ("autostart", "cmd_autostart"),
    "doctor": ("doctor", "cmd_doctor"),
    "logs": ("logs", "cmd_logs"),
    "stats": ("stats", "cmd_stats"),
    "history": ("stats", "cmd_history"),
}


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs `command`, its module imported only now."""
    own: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": cmd_run,
        "config": cmd_config,
        "stretches": cmd_stretches,
        "next": cmd_next,  # asks the daemon, else predicts offline
    }
    if command in own:
        return own[command]
    if command in HANDLER_OF_COMMAND:
        module, function = HANDLER_OF_COMMAND[command]
        handler: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(f".{module}", __package__), function
        )
        return handler
    from .control import control_handlers

    return control_handlers()[command]


def _config_path(args: argparse.Namespace) -> tuple[Path, bool]:
    """The config file to read and whether the user named it (a named file must exist)."""
    from ..paths import default_paths

    given = getattr(args, "config", None) or getattr(args, "path", None)
    return (given, True) if given else (default_paths().config_file, False)


def _load_or_report(args: argparse.Namespace) -> Config | None:
    from ..core.config_checks import ConfigError
    from ..store.config_file import load_config

    path, explicit = _config_path(args)
    try:
        return load_config(path, explicit)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return None


def cmd_config(args: argparse.Namespace) -> int:
    from .config import cmd_config as run_config_command

    return run_config_command(args)


def cmd_stretches(args: argparse.Namespace) -> int:
    from ..assets import builtin_catalog
    from ..core.catalog import level_note

    config = _load_or_report(args)
    if config is None:
        return EXIT_BAD_INPUT
    catalog = builtin_catalog().for_user(config.stretches.level, config.stretches.custom)
    chosen = [s for s in catalog.stretches if args.posture in (None, s.posture)]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "name": s.name,
                        "posture": s.posture,
                        "areas": list(s.areas),
                        "steps": list(s.steps),
                        "hold_seconds": s.hold_seconds,
                        "reps": s.reps,
                        "per_side": s.per_side,
                        "caution": s.caution,
                        "caution_short": s.caution_short,
                        "source": s.source,
                        "level": config.stretches.level,
                        "eligible": s.posture in config.stretches.postures
                        and s.id not in config.stretches.exclude,
                    }
                    for s in chosen
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    width = max((len(s.id) for s in chosen), default=10)
    for s in chosen:
        print(f"{s.id:<{width}}  {s.posture:<8}  {_(s.name)} ({s.summary()})")
    print(level_note(config.stretches.level))
    return EXIT_OK


def cmd_next(args: argparse.Namespace) -> int:
    """The next prompts as the running daemon will show them (its state and rotation); with no
    daemon (or a named --config), predicted offline for a daemon started now, with the same seed."""
    count = max(1, min(args.count, 50))
    lines = None
    if args.config is None:
        from .control import send

        reply = send("next", count, quiet_when_not_running=True)
        if isinstance(reply, dict) and reply.get("ok"):
            lines = reply.get("upcoming") or []
        elif isinstance(reply, dict):  # an older daemon without `next`: predict offline
            print(
                _("deskbreak: the daemon did not answer `next` ({error}): predicting offline").format(
                    error=reply.get("error")
                ),
                file=sys.stderr,
            )
    if lines is None:
        lines = _offline_next(args, count)
        if lines is None:
            return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(lines, indent=2, ensure_ascii=False))
    elif not lines:
        print(_("no prompts ahead: paused until you resume, or the schedule has no work windows"))
    else:
        for line in lines:
            at = datetime.fromisoformat(line["at"])
            print(f"{weekday_date_time(at)}  {line['name']}")
    return EXIT_OK


def _offline_next(args: argparse.Namespace, count: int) -> list[dict[str, Any]] | None:
    from ..assets import builtin_catalog
    from ..core import forecast
    from ..core import schedule as core
    from ..core.views import next_lines
    from ..core.workhours import build_plan
    from ..daemon.zone import resolve_zone

    config = _load_or_report(args)
    if config is None:
        return None
    plan, catalog = build_plan(config, builtin_catalog(), resolve_zone(config.schedule.timezone))
    now = datetime.now(UTC)
    state = core.start(now, seed=forecast.daily_seed(now, plan.zone))  # as the daemon seeds itself
    return next_lines(forecast.upcoming_prompts(state, now, plan, count), catalog, plan.zone)


def cmd_run(args: argparse.Namespace) -> int:
    from ..daemon.start import run_daemon

    path, explicit = _config_path(args)
    return run_daemon(path, explicit, verbose=args.verbose)
