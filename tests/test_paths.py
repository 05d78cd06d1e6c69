"""Where the runtime folder goes: a private one is chosen, a shared or planted one never is, and the
commands stay silent (no Python warning) and never crash (no traceback) whatever they find."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from daemon_run import run_cli

from deskbreak.paths import MISSING, choose_runtime_dir, default_paths, folder_problem, platform_dirs

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
NOBODY = 65534
needs_root = pytest.mark.skipif(not ROOT, reason="needs root to create folders as another user")
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX folders and uids")


def private(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True)
    path.chmod(0o700)
    return path


@pytest.fixture
def home(tmp_path):
    tmp_path.chmod(0o755)  # pytest's base is 0700 only up top: be explicit about this one
    return tmp_path


@linux
def test_a_private_xdg_runtime_dir_is_used(home):
    xdg = private(home / "xdg")
    chosen, problem = choose_runtime_dir({"XDG_RUNTIME_DIR": str(xdg)}, os.getuid(), home / "state")
    assert (chosen, problem) == (xdg / "deskbreak", None)
    assert not chosen.exists()  # choosing creates nothing


@linux
def test_an_xdg_runtime_dir_open_to_others_is_passed_over_for_the_state_folder(home):
    xdg = home / "xdg"
    xdg.mkdir(mode=0o755)
    xdg.chmod(0o755)
    chosen, problem = choose_runtime_dir({"XDG_RUNTIME_DIR": str(xdg)}, os.getuid(), home / "state")
    assert (chosen, problem) == (home / "state" / "run", None)


@linux
def test_a_runtime_folder_left_open_to_others_is_passed_over(home):
    # (an older `doctor` created it 0755): the daemon and its clients both move on to the next one
    xdg = private(home / "xdg")
    (xdg / "deskbreak").mkdir(mode=0o755)
    (xdg / "deskbreak").chmod(0o755)
    chosen, problem = choose_runtime_dir({"XDG_RUNTIME_DIR": str(xdg)}, os.getuid(), home / "state")
    assert chosen == home / "state" / "run" and problem is None


@linux
@needs_root
def test_folders_of_another_user_and_symlinks_are_never_chosen(home):
    xdg = private(home / "xdg")
    os.chown(xdg, NOBODY, NOBODY)
    state = home / "state"
    state.mkdir()
    theirs = private(home / "theirs")
    os.chown(theirs, NOBODY, NOBODY)
    (state / "run").symlink_to(theirs)
    os.lchown(state / "run", NOBODY, NOBODY)
    chosen, problem = choose_runtime_dir({"XDG_RUNTIME_DIR": str(xdg)}, os.getuid(), state)
    assert chosen == state / "run"
    assert problem is not None and "\n" not in problem
    assert f"{xdg} belongs to uid {NOBODY}, not to you" in problem
    assert f"{state / 'run'} is a symbolic link" in problem
    assert problem.endswith("set XDG_RUNTIME_DIR to a folder only you can open (mode 700)")


@linux
def test_our_own_symlink_is_refused_too(home):
    target = private(home / "real")
    link = home / "xdg"
    link.symlink_to(target)
    assert folder_problem(link, os.getuid()) == "is a symbolic link"
    chosen, _ = choose_runtime_dir({"XDG_RUNTIME_DIR": str(link)}, os.getuid(), home / "state")
    assert chosen == home / "state" / "run"


@linux
@needs_root
def test_the_state_fallback_is_refused_under_a_folder_others_can_write(home):
    shared = home / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    chosen, problem = choose_runtime_dir({}, os.getuid(), shared / "state")
    assert chosen == shared / "state" / "run"
    assert problem is not None and f"{shared} is writable by other users" in problem


@linux
def test_folder_problem_words():
    assert folder_problem(Path("/no/such/folder"), os.getuid()) == MISSING
    assert folder_problem(Path("/etc/hostname"), os.getuid()) == "is not a directory"


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_") and k != "DESKBREAK_CONFIG"}
    env.update(HOME=str(home), PYTHONWARNINGS="default", **extra)
    return env


@linux
@needs_root
@pytest.mark.parametrize("planted", ["another user's folder", "a symlink"])
def test_commands_stay_silent_and_never_crash_whatever_the_temporary_folder_holds(home, planted):
    xdg = home / "xdg"
    xdg.mkdir(mode=0o755)
    xdg.chmod(0o755)  # not 0700: platformdirs warned and fell back to $TMPDIR/runtime-<uid>
    tmp = home / "tmp"
    tmp.mkdir()
    tmp.chmod(0o1777)
    planted_path = tmp / f"runtime-{os.getuid()}"
    if planted == "a symlink":
        theirs = private(home / "theirs")
        os.chown(theirs, NOBODY, NOBODY)
        planted_path.symlink_to(theirs)
        os.lchown(planted_path, NOBODY, NOBODY)
    else:
        private(planted_path)
        os.chown(planted_path, NOBODY, NOBODY)
    # The state folder named too: default_paths(env) reads the XDG variables, not HOME.
    state = home / "state"
    env = environment(home, XDG_RUNTIME_DIR=str(xdg), XDG_STATE_HOME=str(state), TMPDIR=str(tmp))
    short = run_cli(env, "status", "--short")
    assert (short.returncode, short.stdout, short.stderr) == (3, "", "")
    status = run_cli(env, "status")
    assert "Traceback" not in status.stderr and "Warning" not in status.stderr
    assert len(status.stderr.strip().splitlines()) == 1
    paths = default_paths(env)  # (the paths themselves: the state folder, not the planted one)
    assert paths.runtime_problem is None and not str(paths.runtime_dir).startswith(str(tmp))
    assert sorted(p.name for p in tmp.iterdir()) == [planted_path.name]  # nothing created there


@linux
@needs_root
def test_with_no_safe_folder_a_command_says_why_in_one_line(home):
    xdg = private(home / "xdg")
    os.chown(xdg, NOBODY, NOBODY)
    state = home / ".local" / "state" / "deskbreak"
    state.mkdir(parents=True)
    theirs = private(home / "theirs")
    os.chown(theirs, NOBODY, NOBODY)
    (state / "run").symlink_to(theirs)
    os.lchown(state / "run", NOBODY, NOBODY)
    env = environment(home, XDG_RUNTIME_DIR=str(xdg))
    status = run_cli(env, "status")
    assert status.returncode != 0
    lines = status.stderr.strip().splitlines()
    assert len(lines) == 1 and "is a symbolic link" in lines[0] and "Traceback" not in status.stderr


@linux
@needs_root
def test_run_refuses_a_planted_runtime_folder_in_one_line(home):
    xdg = private(home / "xdg")
    os.chown(xdg, NOBODY, NOBODY)
    state = home / ".local" / "state" / "deskbreak"
    state.mkdir(parents=True)
    theirs = private(home / "theirs")
    os.chown(theirs, NOBODY, NOBODY)
    (state / "run").symlink_to(theirs)
    os.lchown(state / "run", NOBODY, NOBODY)
    run = run_cli(environment(home, XDG_RUNTIME_DIR=str(xdg), DESKBREAK_TRAY="headless"), "run")
    assert run.returncode == 1
    assert run.stderr.strip() == (
        f"deskbreak: cannot start: {state / 'run'} is a symbolic link: refusing to follow it; remove it"
    )
    assert list(theirs.iterdir()) == []  # nothing was put in the other user's folder


XDG_CASES = [
    {},
    {"XDG_CONFIG_HOME": "/srv/conf", "XDG_DATA_HOME": "/srv/data", "XDG_STATE_HOME": "/srv/state"},
    {"XDG_CONFIG_HOME": "relative/conf", "XDG_DATA_HOME": "", "XDG_STATE_HOME": " "},
    {"XDG_CONFIG_HOME": "/trailing/", "HOME": "/home/someone/"},
    {"HOME": "not/absolute"},
    {"HOME": ""},
]


@linux
@pytest.mark.parametrize("environ", XDG_CASES)
def test_the_xdg_folders_are_the_ones_platformdirs_names(monkeypatch, environ):
    import platformdirs

    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    theirs = platformdirs.PlatformDirs("deskbreak", appauthor=False)
    assert platform_dirs() == (theirs.user_config_dir, theirs.user_data_dir, theirs.user_state_dir)


@linux
def test_the_defaults_follow_the_xdg_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    monkeypatch.setenv("XDG_STATE_HOME", "relative")  # ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DESKBREAK_CONFIG", raising=False)
    paths = default_paths()
    assert paths.config_file == tmp_path / "c" / "deskbreak" / "config.toml"
    assert paths.history_file == tmp_path / "d" / "deskbreak" / "history.sqlite3"
    assert paths.log_file == tmp_path / "home" / ".local" / "state" / "deskbreak" / "deskbreak.log"


@linux
def test_linux_folders_do_not_load_platformdirs():
    code = "import sys, deskbreak.paths as p; p.default_paths(); print('platformdirs' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_macos_and_windows_folders_are_platformdirs_own(platform):
    import platformdirs

    theirs = platformdirs.PlatformDirs("deskbreak", appauthor=False)
    assert platform_dirs(platform) == (theirs.user_config_dir, theirs.user_data_dir, theirs.user_state_dir)
