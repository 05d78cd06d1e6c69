"""Where the control socket lives: the runtime folder's choice, from the standard library's `os` alone.

The runtime folder holds the control socket and the single-instance lock, so it must be a folder
only this user can enter. It is chosen here, by checking each candidate without following a
symbolic link and without creating anything: `$XDG_RUNTIME_DIR/deskbreak`, then
`/run/user/<uid>/deskbreak`, then `run` in the state folder. platformdirs' own runtime choice is not
used: it warns on stderr (a Python warning with a source line) when `XDG_RUNTIME_DIR` is not 0700,
and falls back to a predictable name in the shared temporary folder that another user can take.

The daemon (through `paths.default_paths`) and a status bar's one-shot `deskbreak status` (through
`entry.py`, before anything else is imported) both find the socket with `choose_runtime_dir`: one
rule for both. So this module imports no pathlib, dataclasses or platformdirs (each costs a polled
command a good part of a bare interpreter's start); the state folder, needed only when no per-user
runtime folder is usable, is asked for lazily.
"""

import os
import stat
import sys

TYPE_CHECKING = False  # typing's own flag costs an import; mypy reads this one the same way
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

APP = "deskbreak"
SOCKET_NAME = "control.sock"
SYSTEM_RUNTIME_ROOT = "/run/user"  # systemd-logind's per-user runtime folders
FALLBACK_RUNTIME_NAME = "run"  # inside the state folder, when no per-user runtime folder is usable
MISSING = "does not exist"


def current_uid() -> int | None:
    """Our user id, or None where the platform has none (Windows)."""
    getuid = getattr(os, "getuid", None)
    return int(getuid()) if getuid is not None else None


def N_(message: str) -> str:
    """Marks a text for the translators' extraction; this module imports no gettext (a status bar's
    one-shot command reads it first), so those who show the text translate it (`folder_problem_template`)."""
    return message


def folder_problem(path: str | os.PathLike[str], uid: int | None) -> str | None:
    """Why `path` is not a folder private to `uid`, as words after its name; None when it is.

    Reads the entry itself (lstat): a symbolic link is refused, never followed, whoever made it.
    Returns `MISSING` when nothing is there. Without a uid (Windows) only the kind is checked.
    """
    found = folder_problem_template(path, uid)
    return None if found is None else found[0].format(**found[1])


def folder_problem_template(
    path: str | os.PathLike[str], uid: int | None
) -> tuple[str, dict[str, object]] | None:
    """`folder_problem` as its English template and values, for a caller that translates it."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return MISSING, {}
    except OSError as error:
        return N_("cannot be read ({error})"), {"error": error.strerror or error}
    if stat.S_ISLNK(info.st_mode):
        return N_("is a symbolic link"), {}
    if not stat.S_ISDIR(info.st_mode):
        return N_("is not a directory"), {}
    if uid is None:
        return None
    if info.st_uid != uid:
        return N_("belongs to uid {owner}, not to you"), {"owner": info.st_uid}
    if info.st_mode & 0o077:
        return N_("is open to other users (mode {mode})"), {"mode": f"{stat.S_IMODE(info.st_mode):03o}"}
    return None


def _parents(path: str) -> list[str]:
    """`path`'s folders, nearest first, up to the root (as pathlib's `parents`)."""
    found = []
    parent = os.path.dirname(path)
    while parent and parent not in found:
        found.append(parent)
        parent = os.path.dirname(parent)
    return found


def _creatable_problem(path: str, uid: int) -> str | None:
    """Why `path` (missing) cannot be created safely: its nearest existing folder must be ours (or
    root's) and closed to writes by others, so nobody else can put something at its name first."""
    for parent in _parents(path):
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


def user_runtime_candidates(environ: "Mapping[str, str]", uid: int | None, platform: str) -> list[str]:
    """The per-user runtime folders to try, best first (the state-folder fallback comes after)."""
    candidates = []
    xdg = environ.get("XDG_RUNTIME_DIR", "")
    if xdg and os.path.isabs(xdg):
        candidates.append(os.path.join(os.path.normpath(xdg), APP))
    if platform.startswith("linux") and uid is not None:
        candidates.append(os.path.join(SYSTEM_RUNTIME_ROOT, str(uid), APP))
    return candidates


def fallback_runtime_dir(state_dir: str) -> str:
    return os.path.join(os.path.normpath(state_dir), FALLBACK_RUNTIME_NAME)


def choose_runtime_dir(
    environ: "Mapping[str, str]",
    uid: int | None,
    state_dir: "Callable[[], str]",
    platform: str = sys.platform,
) -> tuple[str, str | None]:
    """The first safe runtime folder and None, or the last candidate and why none is safe.

    A per-user base (`$XDG_RUNTIME_DIR`, `/run/user/<uid>`) must itself be ours, 0700 and no symlink;
    our folder inside it, when it exists, must be too. The state-folder fallback (`state_dir()`,
    called only when it is reached) may be missing if it can be created safely.
    """
    if platform == "win32" or uid is None:
        return fallback_runtime_dir(state_dir()), None
    reasons: list[str] = []
    for candidate in user_runtime_candidates(environ, uid, platform):
        base = os.path.dirname(candidate)
        base_problem = folder_problem(base, uid)
        if base_problem is not None:
            if not (base_problem == MISSING and os.path.dirname(base) == SYSTEM_RUNTIME_ROOT):
                reasons.append(f"{base} {base_problem}")
            continue
        problem = folder_problem(candidate, uid)
        if problem in (None, MISSING):
            return candidate, None
        reasons.append(f"{candidate} {problem}")
    fallback = fallback_runtime_dir(state_dir())
    problem = folder_problem(fallback, uid)
    if problem == MISSING:
        problem = _creatable_problem(fallback, uid)
    if problem is None:
        return fallback, None
    reasons.append(f"{fallback} {problem}")
    return fallback, (
        f"no private folder for the control socket ({'; '.join(reasons)}): "
        "set XDG_RUNTIME_DIR to a folder only you can open (mode 700)"
    )
