"""`deskbreak autostart enable|disable|status [--systemd]`: the CLI over the autostart backends."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from ..adapters.autostart import AutostartError, Backend, backends, launch_argv
from ..i18n import _


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("autostart", help=_("start deskbreak with your desktop session"))
    parser.add_argument(
        "action", choices=("enable", "disable", "status"), help=_("enable, disable, or say whether it is on")
    )
    parser.add_argument(
        "--systemd",
        action="store_true",
        help=_("Linux: a systemd user unit (restarts on failure) instead of an XDG autostart file"),
    )
    parser.add_argument("--json", action="store_true", help=_("status as JSON"))


def cmd_autostart(
    args: argparse.Namespace,
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    home: Path | None = None,
    made: dict[str, Backend] | None = None,
) -> int:
    available = made if made is not None else backends(platform, environ, home)
    if args.systemd and "systemd" not in available:
        print(_("--systemd is for Linux only"), file=sys.stderr)
        return 2
    chosen = "systemd" if args.systemd else next(iter(available))
    try:
        if args.action == "status":
            states = [b.status() for b in available.values()]
            if args.json:
                print(json.dumps([asdict(s) for s in states], indent=2))
            for s in states if not args.json else ():
                mark = "✓" if s.enabled else "·"
                print(
                    _("{mark} {method}: {detail} ({location})").format(
                        mark=mark, method=s.method, detail=s.detail, location=s.location
                    )
                )
            return 0
        if args.action == "enable":
            for name, other in available.items():  # one way to start, never two daemons
                if name != chosen and other.status().managed:
                    print(other.disable())
            print(available[chosen].enable(launch_argv(platform)))
            return 0
        messages = [b.disable() for name, b in available.items() if name == chosen or b.status().managed]
        print("\n".join(messages))
        return 0
    except (AutostartError, OSError) as error:
        print(f"autostart: {error}", file=sys.stderr)
        return 1
