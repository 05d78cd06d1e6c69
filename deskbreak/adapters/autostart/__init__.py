"""Starting deskbreak with the desktop session: one small module per platform behind one interface.

Each backend (`xdg`, `systemd`, `macos`, `windows` in this folder) has
`enable(argv) -> str`, `disable() -> str` and `status() -> AutostartStatus`. Enabling twice rewrites
the same entry; disabling removes only an entry deskbreak wrote (each carries a marker), never a
file of the same name that someone else put there.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from .base import MARKER, AutostartError, AutostartStatus, Backend

# The port, re-exported: callers import it from here, not from .base.
__all__ = ["MARKER", "AutostartError", "AutostartStatus", "Backend", "backends", "config_home", "launch_argv"]

log = logging.getLogger(__name__)


def launch_argv(
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
    argv0: str = sys.argv[0],
    executable: str = sys.executable,
) -> list[str]:
    """The command that starts the daemon: the absolute `deskbreak` script of this installation when
    there is one, else `python -m deskbreak`. On Windows `pythonw` avoids a console window."""
    exe = Path(executable)
    if platform == "win32":
        pythonw = exe.with_name("pythonw.exe")
        return [str(pythonw if pythonw.exists() else exe), "-m", "deskbreak", "run"]
    candidates = []
    if argv0 and Path(argv0).name == "deskbreak":
        candidates.append(Path(argv0))
    candidates.append(exe.parent / "deskbreak")
    found = which("deskbreak")
    if found:
        candidates.append(Path(found))
    for script in candidates:
        if script.is_file() and os.access(script, os.X_OK):
            return [os.path.abspath(script), "run"]
    return [str(exe), "-m", "deskbreak", "run"]


def config_home(environ: Mapping[str, str], home: Path) -> Path:
    value = environ.get("XDG_CONFIG_HOME", "")
    return Path(value) if value and os.path.isabs(value) else home / ".config"


def backends(
    platform: str = sys.platform, environ: Mapping[str, str] = os.environ, home: Path | None = None
) -> dict[str, Backend]:
    """The backends that apply on this platform, the default first."""
    home = home or Path.home()
    if platform == "darwin":
        from .macos import LaunchAgent

        return {"launchagent": LaunchAgent(home)}
    if platform == "win32":
        from .windows import RunKey

        return {"windows-run": RunKey()}
    from .systemd import SystemdUnit
    from .xdg import XdgAutostart

    return {
        "xdg": XdgAutostart(config_home(environ, home)),
        "systemd": SystemdUnit(config_home(environ, home)),
    }
