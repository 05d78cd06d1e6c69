"""Where deskbreak keeps things: config, data (history), state (logs), runtime (socket)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP = "deskbreak"


@dataclass(frozen=True)
class Paths:
    config_file: Path
    data_dir: Path
    state_dir: Path
    runtime_dir: Path

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


def default_paths(environ: os._Environ[str] | dict[str, str] = os.environ) -> Paths:
    """The platform's locations (XDG on Linux), with `DESKBREAK_CONFIG` overriding the config file."""
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP, appauthor=False)
    config_file = (
        Path(environ["DESKBREAK_CONFIG"])
        if environ.get("DESKBREAK_CONFIG")
        else (Path(dirs.user_config_dir) / "config.toml")
    )
    xdg_runtime = environ.get("XDG_RUNTIME_DIR", "")
    if sys.platform.startswith("linux") and not (xdg_runtime and os.access(xdg_runtime, os.W_OK)):
        # No usable XDG_RUNTIME_DIR (a bare root shell, cron): a private folder in the state dir.
        runtime = Path(dirs.user_state_dir) / "run"
    else:
        runtime = Path(dirs.user_runtime_dir)
    return Paths(config_file, Path(dirs.user_data_dir), Path(dirs.user_state_dir), runtime)
