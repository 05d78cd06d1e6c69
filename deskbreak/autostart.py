"""Starting deskbreak with the desktop session: one small module per platform behind one interface.

Each backend (`autostart_xdg`, `autostart_systemd`, `autostart_macos`, `autostart_windows`) has
`enable(argv) -> str`, `disable() -> str` and `status() -> AutostartStatus`. Enabling twice rewrites
the same entry; disabling removes only an entry deskbreak wrote (each carries a marker), never a
file of the same name that someone else put there.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Mapping, Protocol, Sequence

log = logging.getLogger(__name__)

MARKER = "X-Deskbreak-Managed"


@dataclass(frozen=True)
class AutostartStatus:
    method: str  # "xdg", "systemd", "launchagent", "windows-run"
    location: str  # the file or registry value
    enabled: bool
    managed: bool  # the entry there was written by deskbreak
    detail: str


class AutostartError(RuntimeError):
    """Autostart cannot be changed (a foreign entry in the way, a failing systemctl...); one line."""


class Backend(Protocol):
    method: str

    def enable(self, argv: Sequence[str]) -> str: ...

    def disable(self) -> str: ...

    def status(self) -> AutostartStatus: ...


def launch_argv(platform: str = sys.platform, which: Callable[[str], str | None] = shutil.which,
                argv0: str = sys.argv[0], executable: str = sys.executable) -> list[str]:
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


def backends(platform: str = sys.platform, environ: Mapping[str, str] = os.environ,
             home: Path | None = None) -> dict[str, Backend]:
    """The backends that apply on this platform, the default first."""
    home = home or Path.home()
    if platform == "darwin":
        from .autostart_macos import LaunchAgent

        return {"launchagent": LaunchAgent(home)}
    if platform == "win32":
        from .autostart_windows import RunKey

        return {"windows-run": RunKey()}
    from .autostart_systemd import SystemdUnit
    from .autostart_xdg import XdgAutostart

    return {"xdg": XdgAutostart(config_home(environ, home)), "systemd": SystemdUnit(config_home(environ, home))}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("autostart", help="start deskbreak with your desktop session")
    parser.add_argument("action", choices=("enable", "disable", "status"))
    parser.add_argument("--systemd", action="store_true",
                        help="Linux: a systemd user unit (restarts on failure) instead of an XDG autostart file")
    parser.add_argument("--json", action="store_true", help="status as JSON")


def cmd_autostart(args: argparse.Namespace, platform: str = sys.platform,
                  environ: Mapping[str, str] = os.environ, home: Path | None = None,
                  made: dict[str, Backend] | None = None) -> int:
    available = made if made is not None else backends(platform, environ, home)
    if args.systemd and "systemd" not in available:
        print("--systemd is for Linux only", file=sys.stderr)
        return 2
    chosen = "systemd" if args.systemd else next(iter(available))
    try:
        if args.action == "status":
            states = [b.status() for b in available.values()]
            if args.json:
                print(json.dumps([asdict(s) for s in states], indent=2))
            for s in states if not args.json else ():
                print(f"{'✓' if s.enabled else '·'} {s.method}: {s.detail} ({s.location})")
            return 0
        if args.action == "enable":
            for name, other in available.items():  # one way to start, never two daemons
                if name != chosen and other.status().managed:
                    print(other.disable())
            print(available[chosen].enable(launch_argv(platform)))
            return 0
        messages = [b.disable() for name, b in available.items()
                    if name == chosen or b.status().managed]
        print("\n".join(messages))
        return 0
    except (AutostartError, OSError) as error:
        print(f"autostart: {error}", file=sys.stderr)
        return 1
