"""The interpreter every bench subject runs on: the bench's own Python binary in a venv of its own,
with no site `.pth` files, as pipx and the README install it.

A pyenv (or distribution) interpreter runs its site's `.pth` files at every start; on this machine
they import certifi and importlib.resources, 13 MB RSS where the same binary in a clean venv reads
9 MB. So the floor (a bare `python -c ...`) and every deskbreak process run on `PY`, a venv made
with `--without-pip` beside the bench's cache, and find deskbreak and its dependencies through
PYTHONPATH (the repo, then the bench interpreter's site-packages): PYTHONPATH folders are searched,
their `.pth` files are not run. Workrave and the desktop stack do not use it.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    / "deskbreak-bench"
    / (f"floor-venv-{sys.implementation.cache_tag}-{os.path.basename(sys.base_prefix)}")
)


def venv_python() -> str:
    """The clean venv's python (made on first use, a second or two)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(
            [sys._base_executable, "-m", "venv", "--without-pip", str(VENV)],  # type: ignore[attr-defined]
            check=True,
            timeout=120,
        )
    return str(python)


def dependency_folders() -> list[str]:
    """Where the bench's interpreter finds deskbreak's dependencies (its venv's, then its site's)."""
    folders = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()]
    return list(dict.fromkeys(f for f in folders if os.path.isdir(f)))


def subject_env(env: Mapping[str, str]) -> dict[str, str]:
    """`env` for a process on PY: the repo and the dependencies on PYTHONPATH."""
    return {**env, "PYTHONPATH": os.pathsep.join([str(REPO), *dependency_folders()])}


PY = venv_python()
