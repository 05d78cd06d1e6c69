"""`deskbreak config edit` and `deskbreak config set KEY VALUE`: change the config, validate it, and
say what that does to the next prompts."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from ..core.config import Config, ConfigError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def add_parsers(config_sub: argparse._SubParsersAction) -> None:
    edit = config_sub.add_parser(
        "edit",
        help="open the config in $VISUAL/$EDITOR (created from the example on first use), then validate it",
    )
    edit.add_argument("--config", type=Path)
    set_ = config_sub.add_parser(
        "set", help="set one key, keeping the file's comments: config set schedule.interval_minutes 40"
    )
    set_.add_argument("key", help="a dotted key path, e.g. schedule.interval_minutes")
    set_.add_argument("value", help='a TOML value (40, true, ["09:00-12:00"]) or plain text')
    set_.add_argument("--config", type=Path)


def _path(args: argparse.Namespace) -> Path:
    from ..paths import default_paths

    return getattr(args, "config", None) or default_paths().config_file


def _current(path: Path) -> Config | None:
    from ..store import config_file

    """The config in effect now: the file's, the defaults when there is none, None when invalid."""
    from ..core import config as config_model

    if not path.exists():
        return config_model.defaults()
    try:
        return config_file.load(path)
    except ConfigError:
        return None


def schedule_lines(old: Config | None, new: Config, now: datetime | None = None) -> list[str]:
    """ "changed: ..." and "next prompts: before → after", computed offline from the two configs."""
    from ..assets import builtin_catalog
    from ..core import config_change
    from ..core import schedule as core
    from ..daemon.service import build_plan

    now = now or datetime.now(UTC)
    state = core.start(now, seed=int(now.timestamp()) // 86400)
    catalog = builtin_catalog()
    new_plan, _ = build_plan(new, catalog)
    after = config_change.upcoming_times(state, now, new_plan)
    if old is None:
        return [f"next prompts: (invalid before) → {config_change.times_text(after, new_plan.zone, now)}"]
    before = config_change.upcoming_times(state, now, build_plan(old, catalog)[0])
    return config_change.summary(old, new, before, after, new_plan.zone, now)


def cmd_edit(args: argparse.Namespace) -> int:
    from ..adapters.editor import editor_command, run_editor
    from ..store import config_file
    from ..store.config_file import ensure_config

    path = _path(args)
    before = _current(path)
    try:
        if ensure_config(path):
            print(f"created {path} from the example")
    except OSError as error:
        print(f"cannot create {path}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    command = editor_command(path, os.environ)
    desktop_only = command is not None and command.source == "desktop" and not command.waits
    if command is None or (desktop_only and not _has_display(os.environ)):
        why = "no display for the desktop's editor" if command else "no desktop opener (xdg-open)"
        print(
            f"no editor: $VISUAL and $EDITOR are not set and there is {why}; set $EDITOR "
            f"(EDITOR=nano deskbreak config edit), or edit {path} yourself",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    try:
        code = run_editor(command)
    except OSError as error:
        print(
            f"cannot start the editor {command.argv[0]!r} (from {command.source}): {error}", file=sys.stderr
        )
        return EXIT_FAILURE
    if not command.waits:
        if code != 0:  # xdg-open found nothing to open it with, or no desktop answered
            print(
                f"could not open {path}: {command.argv[0]} failed (exit {code}); set $EDITOR, or edit "
                f"the file yourself",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        print(
            f"opened {path} with {command.argv[0]}; a running deskbreak applies it when you save "
            f"(check it with `deskbreak config check`)"
        )
        return EXIT_OK
    if code != 0:
        print(f"the editor exited with {code}; checking the file anyway", file=sys.stderr)
    try:
        after = config_file.load(path)
    except ConfigError as error:
        print(error, file=sys.stderr)
        print(
            "the file is kept as you left it; a running deskbreak keeps its last good config", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    print(f"ok: {path}")
    for line in schedule_lines(before, after):
        print(line)
    return EXIT_OK


def _has_display(environ) -> bool:
    """Whether a desktop opener (xdg-open) can show anything: a display to open a window on."""
    return sys.platform in ("win32", "darwin") or bool(
        environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")
    )


def cmd_set(args: argparse.Namespace) -> int:
    from ..assets import example_config_text
    from ..core import config as config_model
    from ..store.config_file import EditError, set_key, write_atomically

    path = _path(args)
    before = _current(path)
    try:
        text = path.read_text("utf-8") if path.exists() else example_config_text()
        result = set_key(text, args.key, args.value, str(path))
    except (ConfigError, EditError) as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True)
        write_atomically(path, result)
    except OSError as error:
        print(f"cannot write {path}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"ok: {path}")
    for line in schedule_lines(before, config_model.loads(result, str(path))):
        print(line)
    return EXIT_OK
