"""The command's language, set before its parser is built (help texts are translated as they are
added): the config file's `[interface] language`, else the desktop's.

Cheap on purpose: only that one key is read (no validation: `config check` reports a bad value, and
a bad value here means the desktop's language). argparse's own texts ("usage:", its errors) go
through our catalog too.
"""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from .. import i18n

# `status` prints what the daemon rendered, in the daemon's language; a status bar runs it every few
# seconds, so it reads no config.
SKIPPED_COMMANDS = frozenset({"status"})
READ_AT_MOST = 1 << 20


def config_path_in(argv: Sequence[str]) -> Path | None:
    """The `--config PATH` (or `--config=PATH`) the command line names, if any."""
    for index, word in enumerate(argv):
        if word == "--config" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if word.startswith("--config="):
            return Path(word.removeprefix("--config="))
    return None


def _read_regular(path: Path) -> bytes | None:
    """The file's first bytes, or None when it is not a regular file: a pipe or a device named as
    the config must never hold the command up (opened without blocking, checked before reading)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return file.read(READ_AT_MOST)


def configured_language(path: Path) -> str:
    """`[interface] language` in the file at `path`; "auto" when it is missing, unreadable or not a
    shipped language."""
    import tomllib  # not for `status`, which a status bar runs every few seconds

    try:
        text = _read_regular(path)
        doc = tomllib.loads(text.decode("utf-8-sig")) if text is not None else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return i18n.AUTO
    interface = doc.get("interface")
    language = interface.get("language") if isinstance(interface, dict) else None
    return language if isinstance(language, str) and language in i18n.SHIPPED else i18n.AUTO


def route_argparse_texts() -> None:
    """argparse translates with `gettext.gettext` (the default domain, the environment's language);
    its module-level names are looked up at each call, so pointing them at ours makes its texts
    follow our catalog and the chosen language."""
    argparse._ = i18n._  # type: ignore[attr-defined]  # argparse's private alias of gettext.gettext
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]  # likewise for its plurals


def set_command_language(argv: Sequence[str]) -> None:
    # A one-shot status prints what the daemon rendered in its language; `--follow` formats here.
    if argv and argv[0] in SKIPPED_COMMANDS and "--follow" not in argv:
        route_argparse_texts()  # `status --help` and usage errors: argparse's words in the language too
        return
    # Imported here: `status` loads neither the adapters nor where files live.
    from ..adapters.locale import adopt_language
    from ..paths import default_paths

    path = config_path_in(argv) or default_paths().config_file
    adopt_language(configured_language(path))
    route_argparse_texts()
