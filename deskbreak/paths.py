"""Where deskbreak keeps things: config, data (history), state (logs), runtime (socket).

The runtime folder (the control socket and the single-instance lock) is chosen by `runtime.py`,
which a status bar's one-shot command uses too without importing this module; this module adds
the platform's config, data and state folders (platformdirs) and carries them as `Paths`. When no
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
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP, appauthor=False)
    config_file = (
        Path(environ["DESKBREAK_CONFIG"])
        if environ.get("DESKBREAK_CONFIG")
        else (Path(dirs.user_config_dir) / "config.toml")
    )
    state_dir = Path(user_state_dir())
    runtime, problem = choose_runtime_folder(environ, current_uid(), lambda: str(state_dir))
    return Paths(config_file, Path(dirs.user_data_dir), state_dir, Path(runtime), problem)


def user_state_dir() -> str:
    """The platform's state folder (platformdirs): where the runtime folder falls back to."""
    import platformdirs

    return str(platformdirs.PlatformDirs(APP, appauthor=False).user_state_dir)
