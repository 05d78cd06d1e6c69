"""`deskbreak doctor`'s checks of the installation: Python and the packages, the config and the
catalog, the folders, the log, the history and autostart. Each returns a `Check` and never raises.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..paths import MISSING, Paths, current_uid, folder_problem
from .doctor_check import Check, first_line

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
        return Check("stretch catalog", False, first_line(error), "reinstall deskbreak", essential=True)
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
        return Check("autostart", False, first_line(error), "see `deskbreak autostart status`")
    on = [s for s in states if s.enabled]
    if on:
        return Check("autostart", True, "; ".join(f"{s.method}: {s.detail}" for s in on))
    foreign = [s for s in states if not s.managed and s.detail != "not enabled"]
    detail = "; ".join(f"{s.method}: {s.detail}" for s in foreign) or "not enabled"
    return Check("autostart", False, detail, "deskbreak autostart enable")


def check_fonts() -> list[Check]:
    """One line, only when the user's language needs glyphs (CJK) that no installed font has: the
    chart would draw boxes."""
    from ..adapters.fonts import INSTALL_HINT, missing_font_for
    from ..core.locale_formats import chosen_formats

    try:
        missing = missing_font_for(chosen_formats().name)
    except ImportError:  # no Pillow: check_packages says so, and no chart is drawn
        return []
    if missing is None:
        return []
    return [
        Check("fonts", False, f"no installed font has the {missing} glyphs the chart needs", INSTALL_HINT)
    ]
