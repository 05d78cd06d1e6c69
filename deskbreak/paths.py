"""Where deskbreak keeps things: config, data (history), state (logs), runtime (socket).

The runtime folder holds the control socket and the single-instance lock, so it must be a folder
only this user can enter. It is chosen here, by checking each candidate without following a
symbolic link and without creating anything: `$XDG_RUNTIME_DIR/deskbreak`, then
`/run/user/<uid>/deskbreak`, then `run` in the state folder. platformdirs' own runtime choice is not
used: it warns on stderr (a Python warning with a source line) when `XDG_RUNTIME_DIR` is not 0700,
and falls back to a predictable name in the shared temporary folder that another user can take.
When no candidate is safe, `Paths.runtime_problem` says why in one line; nothing raises here.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP = "deskbreak"
SYSTEM_RUNTIME_ROOT = Path("/run/user")  # systemd-logind's per-user runtime folders
FALLBACK_RUNTIME_NAME = "run"  # inside the state folder, when no per-user runtime folder is usable
MISSING = "does not exist"


@dataclass(frozen=True)
class Paths:
    config_file: Path
    data_dir: Path
    state_dir: Path
    runtime_dir: Path
    # Why no runtime folder is safe (one line; `runtime_dir` is then the last candidate tried).
    runtime_problem: str | None = None

    @property
    def history_file(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "deskbreak.log"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    @property
    def socket_file(self) -> Path:
        return self.runtime_dir / "control.sock"


def current_uid() -> int | None:
    """Our user id, or None where the platform has none (Windows)."""
    getuid = getattr(os, "getuid", None)
    return int(getuid()) if getuid is not None else None


def folder_problem(path: Path, uid: int | None) -> str | None:
    """Why `path` is not a folder private to `uid`, as words after its name; None when it is.

    Reads the entry itself (lstat): a symbolic link is refused, never followed, whoever made it.
    Returns `MISSING` when nothing is there. Without a uid (Windows) only the kind is checked.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return MISSING
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a directory"
    if uid is None:
        return None
    if info.st_uid != uid:
        return f"belongs to uid {info.st_uid}, not to you"
    if info.st_mode & 0o077:
        return f"is open to other users (mode {stat.S_IMODE(info.st_mode):03o})"
    return None


def _creatable_problem(path: Path, uid: int) -> str | None:
    """Why `path` (missing) cannot be created safely: its nearest existing folder must be ours (or
    root's) and closed to writes by others, so nobody else can put something at its name first."""
    for parent in path.parents:
        try:
            link = os.lstat(parent)
        except FileNotFoundError:
            continue
        except OSError as error:
            return f"{parent} cannot be read ({error.strerror or error})"
        if stat.S_ISLNK(link.st_mode) and link.st_uid not in (uid, 0):
            return f"{parent} is a symbolic link of uid {link.st_uid}"
        try:
            info = os.stat(parent)
        except OSError:
            return f"{parent} is a broken symbolic link"
        if not stat.S_ISDIR(info.st_mode):
            return f"{parent} is not a directory"
        if info.st_uid not in (uid, 0):
            return f"{parent} belongs to uid {info.st_uid}"
        if info.st_mode & 0o022:
            return f"{parent} is writable by other users"
        return None
    return None


def runtime_candidates(
    environ: Mapping[str, str], uid: int | None, state_dir: Path, platform: str = sys.platform
) -> list[Path]:
    """The runtime folders to try, best first (the last one is never a shared folder)."""
    candidates: list[Path] = []
    xdg = environ.get("XDG_RUNTIME_DIR", "")
    if xdg and os.path.isabs(xdg):
        candidates.append(Path(xdg) / APP)
    if platform.startswith("linux") and uid is not None:
        candidates.append(SYSTEM_RUNTIME_ROOT / str(uid) / APP)
    candidates.append(state_dir / FALLBACK_RUNTIME_NAME)
    return candidates


def choose_runtime_dir(
    environ: Mapping[str, str], uid: int | None, state_dir: Path, platform: str = sys.platform
) -> tuple[Path, str | None]:
    """The first safe runtime folder and None, or the last candidate and why none is safe.

    A per-user base (`$XDG_RUNTIME_DIR`, `/run/user/<uid>`) must itself be ours, 0700 and no symlink;
    our folder inside it, when it exists, must be too. The state-folder fallback may be missing if
    it can be created safely.
    """
    if platform == "win32" or uid is None:
        return (state_dir / FALLBACK_RUNTIME_NAME), None
    reasons: list[str] = []
    candidates = runtime_candidates(environ, uid, state_dir, platform)
    for candidate in candidates:
        fallback = candidate == state_dir / FALLBACK_RUNTIME_NAME
        if not fallback:
            base_problem = folder_problem(candidate.parent, uid)
            if base_problem is not None:
                if not (base_problem == MISSING and candidate.parent.parent == SYSTEM_RUNTIME_ROOT):
                    reasons.append(f"{candidate.parent} {base_problem}")
                continue
        problem = folder_problem(candidate, uid)
        if problem == MISSING:
            problem = _creatable_problem(candidate, uid) if fallback else None
        if problem is None:
            return candidate, None
        reasons.append(f"{candidate} {problem}")
    why = "; ".join(reasons)
    return candidates[-1], (
        f"no private folder for the control socket ({why}): "
        "set XDG_RUNTIME_DIR to a folder only you can open (mode 700)"
    )


def default_paths(environ: Mapping[str, str] = os.environ) -> Paths:
    """The platform's locations (XDG on Linux), with `DESKBREAK_CONFIG` overriding the config file."""
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP, appauthor=False)
    config_file = (
        Path(environ["DESKBREAK_CONFIG"])
        if environ.get("DESKBREAK_CONFIG")
        else (Path(dirs.user_config_dir) / "config.toml")
    )
    state_dir = Path(dirs.user_state_dir)
    runtime, problem = choose_runtime_dir(environ, current_uid(), state_dir)
    return Paths(config_file, Path(dirs.user_data_dir), state_dir, runtime, problem)
