"""The language a command (the daemon's start included) runs in, chosen before anything is shown:
the config file's `[interface] language`, else the desktop's.

Cheap on purpose: only that one key is read (no validation: `config check` reports a bad value, and
a bad value here means the desktop's language). No argparse: the daemon's plain start reads it
without the CLI parser (daemon/start.py), and the CLI routes argparse's own texts itself
(cli/language.py).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from ... import i18n

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


def adopt_command_language(argv: Sequence[str]) -> None:
    """Adopt the language the config that `argv` names (else the default config) asks for."""
    from ...paths import default_paths
    from . import adopt_language

    path = config_path_in(argv) or default_paths().config_file
    adopt_language(configured_language(path))
