"""Opening the config in the user's editor.

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
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from ..store.config_file import ensure_config

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EditorCommand:
    argv: tuple[str, ...]
    waits: bool  # False for desktop openers that return at once (xdg-open)
    source: str  # "VISUAL", "EDITOR" or "desktop"


def desktop_opener(
    path: Path, platform: str = sys.platform, which: Callable[[str], str | None] = shutil.which
) -> EditorCommand | None:
    if platform == "darwin":
        return EditorCommand(("open", "-W", "-t", str(path)), True, "desktop")
    if platform == "win32":
        return EditorCommand(("notepad.exe", str(path)), True, "desktop")
    if which("xdg-open"):
        return EditorCommand(("xdg-open", str(path)), False, "desktop")
    return None


def editor_command(
    path: Path,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
    terminal: bool = True,
) -> EditorCommand | None:
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


def run_editor(command: EditorCommand) -> int:
    """Run the editor with an argv list (never a shell) and wait for it."""
    log.info("opening the config with %s", command.argv[0])
    return subprocess.run(command.argv, check=False).returncode


def open_detached(
    path: Path, environ: Mapping[str, str] = os.environ, on_failed: Callable[[str], None] | None = None
) -> EditorCommand | None:
    """For the tray's "Edit schedule…": create the file if needed and open it without waiting; the
    daemon's config watcher applies (or rejects) whatever the user saves. `on_failed(why)` is
    called, from a thread of its own, when the desktop's opener ends with an error: xdg-open on a
    desktop with no program for .toml files exits 3 or 4 and says so only on its own stderr (an
    editor the user named is theirs to judge)."""
    ensure_config(path)
    command = editor_command(path, environ, terminal=False)
    if command is None:
        return None
    log.info("opening the config with %s", command.argv[0])
    proc = subprocess.Popen(command.argv, stdin=subprocess.DEVNULL, start_new_session=True)
    if on_failed is not None and command.source == "desktop" and not command.waits:

        def watch() -> None:
            code = proc.wait()
            if code:
                log.warning("%s %s exited with %s", command.argv[0], path, code)
                # Translators: why the config file did not open; {program} is the opener (e.g. xdg-open).
                on_failed(
                    _("{program} found no program to open it (exit {code})").format(
                        program=command.argv[0], code=code
                    )
                )

        threading.Thread(target=watch, name="deskbreak-editor-watch", daemon=True).start()
    return command
