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

from ..i18n import N_, _, ngettext, pgettext
from ..paths import MISSING, Paths, current_uid, folder_problem_template
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
CORRUPT_HISTORY_FIX = N_("stop deskbreak; it sets a corrupt file aside and starts afresh at the next start")


def check_python() -> Check:
    from .. import __version__

    ok = sys.version_info >= (3, 11)
    return Check(
        N_("python"),
        ok,
        _("Python {python} ({executable}), deskbreak {version}").format(
            python=sys.version.split()[0], executable=sys.executable, version=__version__
        ),
        _("install Python 3.11 or newer"),
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
    detail = ", ".join(found)
    if missing:
        detail = _("{found}; missing: {missing}").format(found=detail, missing=", ".join(missing))
    return Check(
        N_("packages"),
        not missing,
        detail,
        _("reinstall deskbreak (pip install --force-reinstall deskbreak) to get {packages}").format(
            packages=", ".join(missing)
        ),
        essential=essential,
    )


def check_config(path: Path) -> Check:
    from ..core import config as config_model
    from ..store import config_file

    if not path.exists():
        return Check(
            N_("config"), True, _("{path} (not created yet: built-in defaults apply)").format(path=path)
        )
    try:
        config_file.load(path)
    except config_model.ConfigError as error:
        lines = str(error).splitlines()
        more = len(lines) - 1
        first = lines[0]
        if more:
            first = ngettext("{error} (+{count} more)", "{error} (+{count} more)", more).format(
                error=first, count=more
            )
        return Check(
            N_("config"),
            False,
            first,
            _("run `deskbreak config check` and correct those lines (`deskbreak config edit`)"),
            essential=True,
        )
    return Check(N_("config"), True, _("{path} is valid").format(path=path))


def check_catalog() -> Check:
    try:
        from ..assets import builtin_catalog

        count = len(builtin_catalog().stretches)
    except Exception as error:  # CatalogError, a missing data file in a broken install
        return Check(
            N_("stretch catalog"), False, first_line(error), _("reinstall deskbreak"), essential=True
        )
    detail = ngettext("{count} built-in stretch", "{count} built-in stretches", count).format(count=count)
    return Check(N_("stretch catalog"), True, detail)


def check_writable(name: str, directory: Path, fix: str, essential: bool) -> Check:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-"):
            pass
    except OSError as error:
        return Check(name, False, f"{directory}: {error.strerror or error}", fix, essential)
    return Check(name, True, _("{folder} (writable)").format(folder=directory))


def check_runtime(paths: Paths, uid: int | None = None) -> Check:
    """The folder of the control socket, checked as the daemon checks it and never created here:
    a folder made by a diagnosis with the wrong mode would stop the daemon from starting."""
    uid = current_uid() if uid is None else uid
    folder = paths.runtime_dir
    fix_env = _("set XDG_RUNTIME_DIR to a folder only you can open (mode 700)")
    if paths.runtime_problem:
        return Check(N_("runtime folder"), False, paths.runtime_problem, fix_env)
    found = folder_problem_template(folder, uid)
    problem = None if found is None else found[0]
    if problem is None:
        return Check(N_("runtime folder"), True, _("{folder} (private)").format(folder=folder))
    if problem == MISSING:
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is not None and os.access(parent, os.W_OK | os.X_OK):
            return Check(
                N_("runtime folder"),
                True,
                _("{folder} (created 0700 when the daemon starts)").format(folder=folder),
            )
        return Check(
            N_("runtime folder"), False, _("{folder}: cannot be created here").format(folder=folder), fix_env
        )
    fix = (
        f"chmod 700 {folder}"
        if "open to other users" in problem
        else _("remove {folder}").format(folder=folder)
    )
    shown = _(problem).format(**found[1]) if found else problem
    return Check(N_("runtime folder"), False, f"{folder} {shown}", fix)


def check_log(paths: Paths) -> Check:
    path = paths.log_file
    if not path.exists():
        return Check(N_("log"), True, _("{path} (none yet: written when the daemon runs)").format(path=path))
    detail = _("{path} ({size} KiB; `deskbreak logs` shows it)").format(
        path=path, size=path.stat().st_size // 1024
    )
    return Check(N_("log"), True, detail)


def check_history(path: Path) -> Check:
    if not path.exists():
        return Check(
            N_("history"), True, _("{path} (none yet: created at the first prompt)").format(path=path)
        )
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
            N_("history"),
            False,
            f"{path}: {error}",
            _(CORRUPT_HISTORY_FIX),
        )
    if verdict != "ok":
        return Check(
            N_("history"),
            False,
            _("{path}: integrity check: {verdict}").format(path=path, verdict=verdict),
            _(CORRUPT_HISTORY_FIX),
        )
    detail = ngettext("{path} (integrity ok, {count} row)", "{path} (integrity ok, {count} rows)", rows)
    return Check(N_("history"), True, detail.format(path=path, count=rows))


def check_autostart() -> Check:
    try:
        from ..adapters.autostart import backends

        states = [b.status() for b in backends().values()]
    except Exception as error:
        return Check(N_("autostart"), False, first_line(error), _("see `deskbreak autostart status`"))
    on = [s for s in states if s.enabled]
    if on:
        return Check(N_("autostart"), True, "; ".join(f"{s.method}: {s.detail}" for s in on))
    foreign = [s for s in states if not s.managed and s.detail != "not enabled"]
    detail = "; ".join(f"{s.method}: {s.detail}" for s in foreign) or _("not enabled")
    return Check(N_("autostart"), False, detail, "deskbreak autostart enable")


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
        Check(
            N_("fonts"),
            False,
            # Translators: {language} is a language's name ("Japanese"), as written for this sentence.
            _("no installed font has the {language} glyphs the chart needs").format(
                language=script_name(missing)
            ),
            INSTALL_HINT,
        )
    ]


def script_name(code: str) -> str:
    """The language whose glyphs fontconfig's `code` ("ja", "zh-cn") stands for, in the user's words."""
    names = {
        # Translators: the language in "no installed font has the {language} glyphs the chart needs",
        # in the form that sentence needs.
        "ja": pgettext("glyphs", "Japanese"),
        # Translators: as "Japanese" in the same sentence.
        "ko": pgettext("glyphs", "Korean"),
        # Translators: as "Japanese" in the same sentence.
        "zh-cn": pgettext("glyphs", "Simplified Chinese"),
        # Translators: as "Japanese" in the same sentence.
        "zh-tw": pgettext("glyphs", "Traditional Chinese"),
    }
    return names.get(code, code)
