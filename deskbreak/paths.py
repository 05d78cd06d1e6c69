"""Where deskbreak keeps things: config, data (history), state (logs), runtime (socket).

The runtime folder (the control socket and the single-instance lock) is chosen by `runtime.py`,
which a status bar's one-shot command uses too without importing this module; this module adds
the platform's config, data and state folders and carries them as `Paths`: the XDG base directories
on Linux and the BSDs, read here as the spec (and platformdirs) reads them, platformdirs' folders on
macOS and Windows. platformdirs itself (21 modules with tempfile and shutil, 0.8 MB) is not loaded
on Linux, where the daemon would otherwise keep it for three environment lookups. When no
runtime candidate is safe, `Paths.runtime_problem` says why in one line; nothing raises here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .runtime import APP, SOCKET_NAME, fallback_runtime_dir, user_runtime_candidates
from .runtime import MISSING as MISSING
from .runtime import choose_runtime_dir as choose_runtime_folder
from .runtime import current_uid as current_uid
from .runtime import folder_problem as folder_problem
from .runtime import folder_problem_template as folder_problem_template


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
        return self.runtime_dir / SOCKET_NAME


def runtime_candidates(
    environ: Mapping[str, str], uid: int | None, state_dir: Path, platform: str = sys.platform
) -> list[Path]:
    """The runtime folders to try, best first (the last one is never a shared folder)."""
    return [
        Path(folder)
        for folder in [*user_runtime_candidates(environ, uid, platform), fallback_runtime_dir(str(state_dir))]
    ]


def choose_runtime_dir(
    environ: Mapping[str, str], uid: int | None, state_dir: Path, platform: str = sys.platform
) -> tuple[Path, str | None]:
    """The first safe runtime folder and None, or the last candidate and why none is safe
    (`runtime.choose_runtime_dir`, as Paths)."""
    chosen, problem = choose_runtime_folder(environ, uid, lambda: str(state_dir), platform)
    return Path(chosen), problem


def default_paths(environ: Mapping[str, str] = os.environ) -> Paths:
    """The platform's locations (XDG on Linux), with `DESKBREAK_CONFIG` overriding the config file."""
    config_dir, data_dir, state_dir = platform_dirs()
    config_file = (
        Path(environ["DESKBREAK_CONFIG"])
        if environ.get("DESKBREAK_CONFIG")
        else Path(config_dir) / "config.toml"
    )
    runtime, problem = choose_runtime_folder(environ, current_uid(), lambda: state_dir)
    return Paths(config_file, Path(data_dir), Path(state_dir), Path(runtime), problem)


def user_state_dir() -> str:
    """The platform's state folder: where the runtime folder falls back to."""
    return platform_dirs()[2]


def platform_dirs(platform: str = sys.platform) -> tuple[str, str, str]:
    """deskbreak's (config, data, state) folders on this platform, as platformdirs names them."""
    if platform in ("darwin", "win32"):
        import platformdirs

        dirs = platformdirs.PlatformDirs(APP, appauthor=False)
        return dirs.user_config_dir, dirs.user_data_dir, dirs.user_state_dir
    config, data, state = (os.path.join(xdg_base(variable, default), APP) for variable, default in XDG_BASES)
    return config, data, state


# The XDG Base Directory variables deskbreak uses, with the spec's defaults (config, data, state).
XDG_BASES = (
    ("XDG_CONFIG_HOME", "~/.config"),
    ("XDG_DATA_HOME", "~/.local/share"),
    ("XDG_STATE_HOME", "~/.local/state"),
)


def xdg_base(variable: str, default: str) -> str:
    """`$variable` when it is an absolute path (the spec ignores a relative one), else `default` in
    the home folder: $HOME when absolute, else the user database's."""
    value = os.environ.get(variable, "")
    if value.startswith("/"):
        return value
    home = os.environ.get("HOME", "")
    if not home.startswith("/"):
        import pwd

        home = pwd.getpwuid(os.getuid()).pw_dir
    return home.rstrip("/") + default[1:]
