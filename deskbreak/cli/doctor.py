"""`deskbreak doctor`: one screen that says why something does not work, and what to try.

Two kinds of checks, one `Check` each, none raising: the installation's (doctor_install.py; parts
of deskbreak that this build lacks or that cannot load here are non-essential failures, never
tracebacks) and the session's (doctor_session.py): what the running daemon uses, asked over its
socket, or with none running the same choosers' prediction. The exit code is 1 when an essential
check fails (the config, the stretch catalog, a writable data folder, Python).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import N_, _
from ..paths import Paths, default_paths
from .doctor_calls import call_checks

if TYPE_CHECKING:  # the checks are imported when doctor runs: `deskbreak status` builds this parser
    from .doctor_check import Check
    from .doctor_session import Session


def run_checks(
    paths: Paths, notify: bool = False, environ: Mapping[str, str] = os.environ
) -> tuple[list[Check], Session]:
    """Every check, and the session facts the session's checks read (for `--json`)."""
    from . import doctor_install as install
    from . import doctor_session as session_checks
    from .doctor_sync import check_sync

    session = session_checks.find_session(paths, environ)
    checks = [
        install.check_python(),
        install.check_packages(),
        install.check_config(paths.config_file),
        install.check_catalog(),
        install.check_writable(N_("data folder"), paths.data_dir, _writable_fix(paths.data_dir), True),
        install.check_writable(N_("state folder"), paths.state_dir, _writable_fix(paths.state_dir), False),
        install.check_runtime(paths),
        install.check_log(paths),
        session_checks.check_tray(session),
        session_checks.check_notifications(session, notify),
        session_checks.check_idle_probe(session),
        *call_checks(environ),
        session_checks.check_window(session),
        install.check_history(paths.history_file),
        install.check_autostart(),
        *install.check_fonts(),
        *check_sync(paths),
        session_checks.check_daemon(session),
    ]
    return checks, session


def _writable_fix(folder: Path) -> str:
    return _("make {folder} writable by you").format(folder=folder)


def add_parser(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser(
        "doctor", help=_("check the installation and what the running daemon uses, and say what to fix")
    )
    doctor.add_argument("--notify", action="store_true", help=_("also send a test notification"))
    doctor.add_argument("--json", action="store_true", help=_("the checks as JSON"))


def cmd_doctor(args: argparse.Namespace, paths: Paths | None = None) -> int:
    import logging

    quiet = logging.getLogger("deskbreak")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # the backends' own start-up logs would repeat the lines below
    try:
        checks, session = run_checks(paths or default_paths(), notify=args.notify)
    finally:
        quiet.setLevel(level)
    broken = any(c.essential and not c.ok for c in checks)
    if args.json:
        report = {
            "ok": not broken,
            "checks": [asdict(c) for c in checks],
            "session": {"source": session.source, **session.facts},
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for check in checks:
            print(check.line())
        essential = [c.shown_name() for c in checks if c.essential and not c.ok]
        if essential:
            print(
                _("essential: fix {checks} first: deskbreak cannot work without them").format(
                    checks=", ".join(essential)
                )
            )
    return 1 if broken else 0
