"""Changing the config file: create it from the example, open it in an editor, set one key.

Security: the only program deskbreak ever starts on the config's behalf is the editor the user chose
(`$VISUAL`, `$EDITOR`) or the desktop's opener; it is started with an argv list, never through a
shell, and the config's path is one argument however many spaces or `;` it holds. Nothing read from
the config itself is ever executed.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from . import config as config_model

log = logging.getLogger(__name__)


class EditError(ValueError):
    """A `config set` that cannot be done; `str()` is one line."""


def ensure_config(path: Path) -> bool:
    """Create the config from the shipped example when it is missing; True when it was created.

    New folders are private (0700) and the file is 0600: it is the user's own settings.
    """
    if path.exists():
        return False
    from .assets import example_config_text

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(path, example_config_text(), mode=0o600)
    log.info("created %s from the example", path)
    return True


def write_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """Write `text` to a temp file beside `path`, then rename it over `path` (keeping its mode)."""
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o600
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class EditorCommand:
    argv: tuple[str, ...]
    waits: bool  # False for desktop openers that return at once (xdg-open)
    source: str  # "VISUAL", "EDITOR" or "desktop"


def desktop_opener(path: Path, platform: str = sys.platform,
                   which: Callable[[str], str | None] = shutil.which) -> EditorCommand | None:
    if platform == "darwin":
        return EditorCommand(("open", "-W", "-t", str(path)), True, "desktop")
    if platform == "win32":
        return EditorCommand(("notepad.exe", str(path)), True, "desktop")
    if which("xdg-open"):
        return EditorCommand(("xdg-open", str(path)), False, "desktop")
    return None


def editor_command(path: Path, environ: Mapping[str, str] = os.environ, platform: str = sys.platform,
                   which: Callable[[str], str | None] = shutil.which,
                   terminal: bool = True) -> EditorCommand | None:
    """`$VISUAL`, then `$EDITOR` (split like a shell would, but not run by one), else the desktop's
    opener. Without a terminal (the tray) only `$VISUAL` or the desktop's opener make sense."""
    names = ("VISUAL", "EDITOR") if terminal else ("VISUAL",)
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            words = shlex.split(value, posix=platform != "win32")
            if words:
                return EditorCommand((*words, str(path)), True, name)
    return desktop_opener(path, platform, which)


def run_editor(command: EditorCommand, wait: bool = True) -> int:
    """Start the editor with an argv list (never a shell); wait for it unless told not to."""
    log.info("opening the config with %s", command.argv[0])
    if not wait:
        subprocess.Popen(command.argv, stdin=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
        return 0
    return subprocess.run(command.argv, check=False).returncode  # noqa: S603


def open_detached(path: Path, environ: Mapping[str, str] = os.environ) -> EditorCommand | None:
    """For the tray's "Edit schedule…": create the file if needed and open it without waiting; the
    daemon's config watcher applies (or rejects) whatever the user saves."""
    ensure_config(path)
    command = editor_command(path, environ, terminal=False)
    if command is not None:
        run_editor(command, wait=False)
    return command


# --- config set ---

def parse_value(text: str) -> Any:
    """`40` → 40, `true` → True, `["09:00-12:00"]` → a list; anything that is not TOML → the string."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(f"value = {text}\n")["value"]
    except ParseError:
        return text


def set_key(text: str, key: str, raw_value: str, path: str = "<config>") -> str:
    """The document `text` with `key` (dotted) set to `raw_value`, comments and layout kept.

    Raises EditError for a bad key, ConfigError (one line per problem) when the result is invalid.
    """
    import tomlkit
    from tomlkit.exceptions import ParseError

    import tomllib

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        config_model.loads(text, path)  # raises the one-line "not valid TOML" ConfigError
    parts = [p.strip() for p in key.split(".")]
    if not all(parts):
        raise EditError(f"{key!r} is not a key path such as schedule.interval_minutes")
    try:
        doc = tomlkit.parse(text)
    except ParseError as error:  # pragma: no cover - tomllib accepted it
        raise EditError(f"{path}: {error}") from None
    table: Any = doc
    for depth, part in enumerate(parts[:-1]):
        if part not in table:
            table[part] = tomlkit.table()
        table = table[part]
        if not isinstance(table, dict):
            raise EditError(f"{'.'.join(parts[:depth + 1])} is not a table, so {key} cannot be set")
    table[parts[-1]] = parse_value(raw_value)
    result = tomlkit.dumps(doc)
    config_model.loads(result, path)
    return result
