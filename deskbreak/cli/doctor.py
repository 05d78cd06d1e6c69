"""`deskbreak doctor`: one screen that says why something does not work, and what to try.

Each check is a function returning a `Check`; none raises. Parts of deskbreak that this build lacks
(or that cannot load here) are reported as non-essential failures, never tracebacks. The exit code is
1 when an essential check fails (the config, the stretch catalog, a writable data folder, Python).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from ..paths import MISSING, Paths, current_uid, default_paths, folder_problem
from .doctor_calls import call_checks

# The runtime dependencies of pyproject.toml (the Linux-only ones only on Linux).
DEPENDENCIES = (
    "pystray",
    "Pillow",
    "plyer",
    "APScheduler",
    "platformdirs",
    "tomlkit",
    "icalendar",
    "recurring-ical-events",
) + (("jeepney", "python-xlib") if sys.platform.startswith("linux") else ())
ESSENTIAL_DEPENDENCIES = ("APScheduler", "platformdirs")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    essential: bool = False

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        fix = f" — fix: {self.fix}" if self.fix and not self.ok else ""
        return f"{mark} {self.name}: {self.detail}{fix}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def check_python() -> Check:
    from .. import __version__

    ok = sys.version_info >= (3, 11)
    return Check(
        "python",
        ok,
        f"Python {sys.version.split()[0]} ({sys.executable}), deskbreak {__version__}",
        "install Python 3.11 or newer",
        essential=True,
    )


def check_packages(version: Callable[[str], str] | None = None) -> Check:
    import importlib.metadata  # here, not at the top: `deskbreak status` builds this module's parser

    version = version or importlib.metadata.version
    found, missing = [], []
    for name in DEPENDENCIES:
        try:
            found.append(f"{name} {version(name)}")
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    essential = any(name in ESSENTIAL_DEPENDENCIES for name in missing)
    detail = ", ".join(found) + (f"; missing: {', '.join(missing)}" if missing else "")
    return Check(
        "packages",
        not missing,
        detail,
        f"reinstall deskbreak (pip install --force-reinstall deskbreak) to get {', '.join(missing)}",
        essential=essential,
    )


def check_config(path: Path) -> Check:
    from ..core import config as config_model
    from ..store import config_file

    if not path.exists():
        return Check("config", True, f"{path} (not created yet: built-in defaults apply)")
    try:
        config_file.load(path)
    except config_model.ConfigError as error:
        lines = str(error).splitlines()
        more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
        return Check(
            "config",
            False,
            f"{lines[0]}{more}",
            "run `deskbreak config check` and correct those lines (`deskbreak config edit`)",
            essential=True,
        )
    return Check("config", True, f"{path} is valid")


def check_catalog() -> Check:
    try:
        from ..assets import builtin_catalog

        count = len(builtin_catalog().stretches)
    except Exception as error:  # CatalogError, a missing data file in a broken install
        return Check("stretch catalog", False, _first_line(error), "reinstall deskbreak", essential=True)
    return Check("stretch catalog", True, f"{count} built-in stretches")


def check_writable(name: str, directory: Path, fix: str, essential: bool) -> Check:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-"):
            pass
    except OSError as error:
        return Check(name, False, f"{directory}: {error.strerror or error}", fix, essential)
    return Check(name, True, f"{directory} (writable)")


def check_runtime(paths: Paths, uid: int | None = None) -> Check:
    """The folder of the control socket, checked as the daemon checks it and never created here:
    a folder made by a diagnosis with the wrong mode would stop the daemon from starting."""
    uid = current_uid() if uid is None else uid
    folder = paths.runtime_dir
    fix_env = "set XDG_RUNTIME_DIR to a folder only you can open (mode 700)"
    if paths.runtime_problem:
        return Check("runtime folder", False, paths.runtime_problem, fix_env)
    problem = folder_problem(folder, uid)
    if problem is None:
        return Check("runtime folder", True, f"{folder} (private)")
    if problem == MISSING:
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is not None and os.access(parent, os.W_OK | os.X_OK):
            return Check("runtime folder", True, f"{folder} (created 0700 when the daemon starts)")
        return Check("runtime folder", False, f"{folder}: cannot be created here", fix_env)
    fix = f"chmod 700 {folder}" if "open to other users" in problem else f"remove {folder}"
    return Check("runtime folder", False, f"{folder} {problem}", fix)


def check_log(paths: Paths) -> Check:
    path = paths.log_file
    if not path.exists():
        return Check("log", True, f"{path} (none yet: written when the daemon runs)")
    return Check("log", True, f"{path} ({path.stat().st_size // 1024} KiB; `deskbreak logs` shows it)")


def check_tray(environ: Mapping[str, str] = os.environ) -> Check:
    from ..adapters.tray import has_display

    forced = environ.get("DESKBREAK_TRAY", "").strip().lower()
    if forced == "headless":
        return Check("tray", False, "DESKBREAK_TRAY=headless: no tray icon", "unset DESKBREAK_TRAY")
    if forced == "sni" or not (forced or environ.get("PYSTRAY_BACKEND")):  # as choose_tray decides
        from ..adapters.tray.sni import watcher_owner

        owner = watcher_owner(environ)
        if owner:
            return Check(
                "tray", True, f"StatusNotifierItem host on the session bus (watcher {owner}): full menu"
            )
    if not has_display(environ):
        return Check(
            "tray",
            False,
            "no display ($DISPLAY and $WAYLAND_DISPLAY are unset): the daemon runs "
            "headless, prompts go to the terminal and the log",
            "run deskbreak inside your desktop session",
        )
    try:
        import pystray
    except Exception as error:  # Xlib.error.DisplayNameError and friends, not only ImportError
        return Check(
            "tray",
            False,
            f"pystray cannot load: {_first_line(error)}",
            "install PyGObject from your distribution (python3-gi, gir1.2-ayatanaappindicator3-0.1)",
        )
    backend = pystray.Icon.__module__.rsplit("._", 1)[-1]
    has_menu = bool(getattr(pystray.Icon, "HAS_MENU", False))
    fix = (
        "install PyGObject (python3-gi) for the appindicator or gtk backend; on GNOME enable the "
        "AppIndicator extension"
    )
    return Check("tray", has_menu, f"pystray backend {backend}, menu: {'yes' if has_menu else 'no'}", fix)


def check_notifications(send_test: bool = False) -> Check:
    try:
        from ..adapters.notify import choose_notifier
    except ImportError:
        return Check("notifications", False, "not available in this build", "update deskbreak")
    notifier = None
    try:
        from ..assets import asset_path

        icon = asset_path("icon.png")
        notifier = choose_notifier(lambda action, arg: None, str(icon) if icon else None)
        detail = f"{notifier.name} (buttons: {'yes' if notifier.has_actions else 'no'})"
        if send_test:
            from ..ports import Notice

            notifier.notify(
                Notice(
                    "deskbreak: test",
                    "If you can read this, prompts reach you.",
                    str(icon) if icon else None,
                    10,
                )
            )
            detail += "; test prompt sent through " + notifier.name
    except Exception as error:
        return Check(
            "notifications",
            False,
            _first_line(error),
            "start a notification server (your desktop's, or dunst), or install notify-send",
        )
    finally:
        if notifier is not None:
            try:
                notifier.close()
            except Exception:  # closing a half-built notifier must not hide the result
                pass
    if notifier.name == "freedesktop":
        # The chain keeps D-Bus first even when no server answers yet (autostart may beat the
        # desktop's notification daemon); doctor asks the server itself.
        from ..adapters.notify.server import server_info

        server = server_info()
        if server is None:
            return Check(
                "notifications",
                False,
                "no notification server answers on the session bus",
                "start your desktop's notification server (or dunst); until then prompts go to the log",
            )
        detail += f", server {server.describe()}"
    ok = notifier.name not in ("log",)
    return Check(
        "notifications",
        ok,
        detail,
        "no desktop notifications here: start a notification server or install notify-send",
    )


def check_idle_probe(environ: Mapping[str, str] = os.environ) -> Check:
    try:
        from ..adapters.activity import choose_activity_probe
    except ImportError:
        return Check("idle probe", False, "not available in this build", "update deskbreak")
    try:
        probe = choose_activity_probe(environ)
    except Exception as error:
        return Check("idle probe", False, _first_line(error), "see `deskbreak logs -v`")
    try:
        reason = getattr(probe, "reason", "")
        if probe.name == "none":
            return Check(
                "idle probe",
                False,
                f"none{f' ({reason})' if reason else ''}: timing by the clock",
                "on X11 install python-xlib; on GNOME/KDE make sure the session D-Bus is reachable; "
                "on Wayland the compositor needs ext-idle-notify-v1 or org_kde_kwin_idle",
            )
        protocol = getattr(probe, "protocol", "")
        return Check("idle probe", True, f"{probe.name} ({protocol})" if protocol else probe.name)
    finally:
        probe.close()


def check_window() -> Check:
    try:
        import tkinter

        return Check("guided window", True, f"tkinter {tkinter.TkVersion}")
    except Exception as error:
        return Check(
            "guided window",
            False,
            f"tkinter missing ({_first_line(error)})",
            "install python3-tk (Debian/Ubuntu) or a Python build with Tk",
        )


def check_history(path: Path) -> Check:
    if not path.exists():
        return Check("history", True, f"{path} (none yet: created at the first prompt)")
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            rows = conn.execute("SELECT count(*) FROM prompts").fetchone()[0] if "prompts" in tables else 0
        finally:
            conn.close()
    except sqlite3.Error as error:
        return Check(
            "history",
            False,
            f"{path}: {error}",
            "stop deskbreak; it sets a corrupt file aside and starts afresh at the next start",
        )
    if verdict != "ok":
        return Check(
            "history",
            False,
            f"{path}: integrity check: {verdict}",
            "stop deskbreak; it sets a corrupt file aside and starts afresh at the next start",
        )
    return Check("history", True, f"{path} (integrity ok, {rows} rows)")


def check_autostart() -> Check:
    try:
        from ..adapters.autostart import backends

        states = [b.status() for b in backends().values()]
    except Exception as error:
        return Check("autostart", False, _first_line(error), "see `deskbreak autostart status`")
    on = [s for s in states if s.enabled]
    if on:
        return Check("autostart", True, "; ".join(f"{s.method}: {s.detail}" for s in on))
    foreign = [s for s in states if not s.managed and s.detail != "not enabled"]
    detail = "; ".join(f"{s.method}: {s.detail}" for s in foreign) or "not enabled"
    return Check("autostart", False, detail, "deskbreak autostart enable")


def check_daemon(paths: Paths) -> Check:
    try:
        from ..daemon.control import ControlClient, NotRunning
    except ImportError:
        return Check("daemon", False, "remote control not available in this build", "update deskbreak")
    try:
        status = ControlClient(paths.socket_file).request("status", timeout=2.0)
    except NotRunning:
        return Check("daemon", False, "not running", "start it: deskbreak (or deskbreak autostart enable)")
    except Exception as error:
        return Check("daemon", False, _first_line(error), "deskbreak quit, then start it again")
    if status.get("config_error"):
        return Check(
            "daemon",
            False,
            f"running, but the config was not applied: {status['config_error'].splitlines()[0]}",
            "deskbreak config edit",
            essential=False,
        )
    return Check("daemon", True, f"running: {status.get('headline') or status.get('state', '?')}")


def run_checks(paths: Paths, notify: bool = False, environ: Mapping[str, str] = os.environ) -> list[Check]:
    return [
        check_python(),
        check_packages(),
        check_config(paths.config_file),
        check_catalog(),
        check_writable("data folder", paths.data_dir, f"make {paths.data_dir} writable by you", True),
        check_writable("state folder", paths.state_dir, f"make {paths.state_dir} writable by you", False),
        check_runtime(paths),
        check_log(paths),
        check_tray(environ),
        check_notifications(notify),
        check_idle_probe(environ),
        *call_checks(environ),
        check_window(),
        check_history(paths.history_file),
        check_autostart(),
        check_daemon(paths),
    ]


def add_parser(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help="check the installation and say what to fix")
    doctor.add_argument("--notify", action="store_true", help="also send a test notification")
    doctor.add_argument("--json", action="store_true")


def cmd_doctor(args: argparse.Namespace, paths: Paths | None = None) -> int:
    import logging

    quiet = logging.getLogger("deskbreak")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # the backends' own start-up logs would repeat the lines below
    try:
        checks = run_checks(paths or default_paths(), notify=args.notify)
    finally:
        quiet.setLevel(level)
    broken = any(c.essential and not c.ok for c in checks)
    if args.json:
        print(
            json.dumps(
                {"ok": not broken, "checks": [asdict(c) for c in checks]}, indent=2, ensure_ascii=False
            )
        )
    else:
        for check in checks:
            print(check.line())
        essential = [c.name for c in checks if c.essential and not c.ok]
        if essential:
            print(f"essential: fix {', '.join(essential)} first: deskbreak cannot work without them")
    return 1 if broken else 0
