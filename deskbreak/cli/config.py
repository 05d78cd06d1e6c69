"""`deskbreak config check|path|show|edit|set`: check, locate and show the config; change it,
validate it, and say what that does to the next prompts."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.config import Config, ConfigError
from ..i18n import _
from .options import add_config_option

if TYPE_CHECKING:  # planned.py is imported when a change is made: every CLI call builds this parser
    from .planned import RunningDaemon

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def cmd_config(args: argparse.Namespace) -> int:
    handlers = {"check": cmd_check, "path": cmd_path, "show": cmd_show, "edit": cmd_edit, "set": cmd_set}
    return handlers[args.config_command](args)


def _named(args: argparse.Namespace) -> Path | None:
    """The config file the user named (`config check PATH`, `--config PATH`), if any."""
    given: Path | None = getattr(args, "path", None) or getattr(args, "config", None)
    return given


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the config and the files it names; with no file and none named, the defaults
    apply, which is fine too."""
    from ..store import config_file

    path = _path(args)
    if _named(args) is None and not os.path.lexists(path):
        print(_("ok: no config file at {path}: the built-in defaults apply").format(path=path))
        return EXIT_OK
    try:
        config_file.check(path)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    print(_("ok: {path}").format(path=path))
    return EXIT_OK


def cmd_path(args: argparse.Namespace) -> int:
    path = _path(args)
    print(path if path.exists() else _("{path} (not created yet: built-in defaults apply)").format(path=path))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from ..core.config_toml import dump
    from ..store.config_file import load_config

    try:
        config = load_config(_path(args), explicit=_named(args) is not None)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    sys.stdout.write(dump(config))
    return EXIT_OK


def add_parsers(config_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    edit = config_sub.add_parser(
        "edit",
        help=_(
            "open the config in $VISUAL/$EDITOR (created from the example on first use), then validate it"
        ),
    )
    add_config_option(edit)
    set_ = config_sub.add_parser(
        "set", help=_("set one key, keeping the file's comments: config set schedule.interval_minutes 40")
    )
    set_.add_argument("key", help=_("a dotted key path, e.g. schedule.interval_minutes"))
    set_.add_argument("value", help=_('a TOML value (40, true, ["09:00-12:00"]) or plain text'))
    add_config_option(set_)


def _path(args: argparse.Namespace) -> Path:
    from ..paths import default_paths

    return _named(args) or default_paths().config_file


def _current(path: Path) -> Config | None:
    """The config in effect now: the file's, the defaults when there is none, None when invalid."""
    from ..core import config as config_model
    from ..store import config_file

    if not path.exists():
        return config_model.defaults()
    try:
        return config_file.load(path)
    except ConfigError:
        return None


def schedule_lines(old: Config | None, new: Config, daemon: RunningDaemon | None) -> list[str]:
    """What the change does to the next prompts: as the running daemon that reads the file plans
    them (asked over the socket), else predicted from the two configs."""
    from .planned import daemon_lines, predicted_lines

    if daemon is not None:
        return daemon_lines(daemon, old, new)
    return predicted_lines(old, new)


def cmd_edit(args: argparse.Namespace) -> int:
    from ..adapters.editor import editor_command, run_editor
    from ..store import config_file
    from ..store.config_file import ensure_config
    from .planned import daemon_reading

    path = _path(args)
    before = _current(path)
    daemon = daemon_reading(path)  # its times before the edit: the watcher may apply it on save
    try:
        if ensure_config(path):
            print(_("created {path} from the example").format(path=path))
    except OSError as error:
        print(_("cannot create {path}: {error}").format(path=path, error=error), file=sys.stderr)
        return EXIT_FAILURE
    command = editor_command(path, os.environ)
    desktop_only = command is not None and command.source == "desktop" and not command.waits
    if command is None or (desktop_only and not _has_display(os.environ)):
        if command:
            message = _(
                "no editor: $VISUAL and $EDITOR are not set and there is no display for the desktop's "
                "editor; set $EDITOR (EDITOR=nano deskbreak config edit), or edit {path} yourself"
            )
        else:
            message = _(
                "no editor: $VISUAL and $EDITOR are not set and there is no desktop opener (xdg-open); "
                "set $EDITOR (EDITOR=nano deskbreak config edit), or edit {path} yourself"
            )
        print(message.format(path=path), file=sys.stderr)
        return EXIT_FAILURE
    try:
        code = run_editor(command)
    except OSError as error:
        print(
            _("cannot start the editor {editor} (from {source}): {error}").format(
                editor=repr(command.argv[0]), source=command.source, error=error
            ),
            file=sys.stderr,
        )
        return EXIT_FAILURE
    if not command.waits:
        if code != 0:  # xdg-open found nothing to open it with, or no desktop answered
            print(
                _(
                    "could not open {path}: {editor} failed (exit {code}); set $EDITOR, or edit the file "
                    "yourself"
                ).format(path=path, editor=command.argv[0], code=code),
                file=sys.stderr,
            )
            return EXIT_FAILURE
        print(
            _(
                "opened {path} with {editor}; a running deskbreak applies it when you save (check it "
                "with `deskbreak config check`)"
            ).format(path=path, editor=command.argv[0])
        )
        return EXIT_OK
    if code != 0:
        print(_("the editor exited with {code}; checking the file anyway").format(code=code), file=sys.stderr)
    try:
        after = config_file.load(path)
    except ConfigError as error:
        print(error, file=sys.stderr)
        print(
            _("the file is kept as you left it; a running deskbreak keeps its last good config"),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    print(_("ok: {path}").format(path=path))
    for line in schedule_lines(before, after, daemon):
        print(line)
    return EXIT_OK


def _has_display(environ: Any) -> bool:
    """Whether a desktop opener (xdg-open) can show anything: a display to open a window on."""
    return sys.platform in ("win32", "darwin") or bool(
        environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")
    )


def cmd_set(args: argparse.Namespace) -> int:
    from ..assets import example_config_text
    from ..core import config as config_model
    from ..store.config_file import EditError, read_text, set_key, write_atomically
    from .planned import daemon_reading

    path = _path(args)
    before = _current(path)
    daemon = daemon_reading(path)
    try:
        text = read_text(path) if os.path.lexists(path) else example_config_text()
        result = set_key(text, args.key, args.value, str(path))
    except (ConfigError, EditError) as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True)
        write_atomically(path, result)
    except OSError as error:
        print(_("cannot write {path}: {error}").format(path=path, error=error), file=sys.stderr)
        return EXIT_FAILURE
    print(_("ok: {path}").format(path=path))
    for line in schedule_lines(before, config_model.loads(result, str(path)), daemon):
        print(line)
    return EXIT_OK
