"""The runtime folder's rule without pathlib or platformdirs: the state folder is asked for only
when no per-user runtime folder is usable, and the choice is the one `paths` makes."""

from __future__ import annotations

import os
from pathlib import Path

from deskbreak import paths, runtime


def test_a_private_xdg_runtime_dir_is_chosen_without_asking_for_the_state_folder(tmp_path: Path):
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)

    def no_state_folder() -> str:
        raise AssertionError("the state folder was not needed")

    chosen, problem = runtime.choose_runtime_dir(
        {"XDG_RUNTIME_DIR": str(xdg) + "/"}, os.getuid(), no_state_folder, "linux-test"
    )
    assert (chosen, problem) == (str(xdg / "deskbreak"), None)
    assert paths.choose_runtime_dir(
        {"XDG_RUNTIME_DIR": str(xdg)}, os.getuid(), tmp_path / "state", "linux-test"
    ) == (
        xdg / "deskbreak",
        None,
    )


def test_the_state_folder_is_the_fallback_when_no_runtime_folder_is_safe(tmp_path: Path):
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o755)
    asked = []

    def state_folder() -> str:
        asked.append(True)
        return str(tmp_path / "state")

    chosen, problem = runtime.choose_runtime_dir(
        {"XDG_RUNTIME_DIR": str(xdg)}, os.getuid(), state_folder, "other"
    )
    assert asked == [True] and problem is None
    assert chosen == str(tmp_path / "state" / "run")
    assert (
        Path(chosen)
        == paths.choose_runtime_dir({"XDG_RUNTIME_DIR": str(xdg)}, os.getuid(), tmp_path / "state", "other")[
            0
        ]
    )


def test_the_socket_is_where_the_daemons_paths_put_it(tmp_path: Path):
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)
    environ = {"XDG_RUNTIME_DIR": str(xdg)}
    chosen, _ = runtime.choose_runtime_dir(environ, runtime.current_uid(), lambda: str(tmp_path))
    assert os.path.join(chosen, runtime.SOCKET_NAME) == str(paths.default_paths(environ).socket_file)
