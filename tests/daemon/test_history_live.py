"""Nothing lost, nothing frozen, nothing readable by others, with the real `deskbreak run` (headless)
in a subprocess driven over its socket: a history truncated under it is set aside and every command
goes on; a history locked by another process neither delays an answer nor loses it; unknown stretch
ids are refused; every file and folder it creates is private; a FIFO as the config is refused."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon_run import EVERY_DAY, DaemonRun, private_env
from desktop_stack import wait_for

from deskbreak.control_client import ControlClient

CONFIG = f"[schedule]\n{EVERY_DAY}\nmin_minutes_before_end = 0\n"
HEADLESS = {"DESKBREAK_TRAY": "headless", "DESKBREAK_NOTIFIER": "log", "DESKBREAK_IDLE_PROBE": "none"}
NOTICE = "== deskbreak: history problem =="  # how the log notifier shows a notice


@pytest.fixture
def home() -> Iterator[Path]:
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))  # short: AF_UNIX paths are limited
    config = top / "cfg" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(CONFIG)
    yield top
    shutil.rmtree(top, ignore_errors=True)


@pytest.fixture
def daemon(home: Path) -> Iterator[DaemonRun]:
    env = private_env(os.environ, home, HEADLESS, unset=("DISPLAY", "WAYLAND_DISPLAY", "VISUAL", "EDITOR"))
    run = DaemonRun(env, home / "daemon.out", verbose=False).start()
    try:
        run.wait_answering()
        yield run
    finally:
        run.cli("quit")
        run.stop()


def history(home: Path) -> Path:
    return home / "data" / "deskbreak" / "history.sqlite3"


def done_rows(db: Path) -> list[tuple[str, str | None]]:
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute("SELECT stretch_id, answer_id FROM prompts WHERE outcome = 'done'").fetchall()
    finally:
        conn.close()


def answer(daemon: DaemonRun) -> subprocess.CompletedProcess:
    now = daemon.cli("now")
    assert now.returncode == 0, now.stderr
    done = daemon.cli("done")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done


def client(home: Path) -> ControlClient:
    return ControlClient(home / "run" / "deskbreak" / "control.sock")


def timed(home: Path, command: str, arg: object = None) -> tuple[dict, float]:
    began = time.monotonic()
    reply = client(home).request(command, arg)
    return reply, time.monotonic() - began


def test_a_history_truncated_under_the_daemon_is_set_aside_and_every_command_goes_on(
    home: Path, daemon: DaemonRun
) -> None:
    answer(daemon)
    db = history(home)
    assert len(done_rows(db)) == 1
    with open(db, "r+b") as f:
        f.truncate(0)
    second = answer(daemon)  # before: "internal error: HistoryError … restart deskbreak"
    assert " done · " in second.stdout
    # Today is counted from the fresh history from now on (the first answer is in the file kept).
    wait_for(lambda: daemon.status()["today"]["done"] == 1, "today counted from the fresh history", 20)
    status = daemon.status()
    assert status["history_error"] is not None and "was damaged: kept as" in status["history_error"]
    (aside,) = db.parent.glob("history.sqlite3.corrupt-*[0-9]")
    assert aside.stat().st_size == 0  # kept as it was found
    assert len(done_rows(db)) == 1  # the fresh history holds the answer given after the damage
    wait_for(lambda: daemon.status()["answers_waiting"] == 0, "the answer to be saved", 20)
    assert daemon.cli("now").returncode == 0  # and prompting goes on
    assert daemon.status()["state"] == "due"
    wait_for(lambda: NOTICE in daemon.log_text(), "the notice about the history", 20)
    assert daemon.log_text().count(NOTICE) == 1, daemon.log_text()  # one, however many commands
    assert "Traceback" not in daemon.log_text()


LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def test_an_answer_while_another_process_locks_the_history_returns_at_once_and_lands_once(
    home: Path, daemon: DaemonRun
) -> None:
    answer(daemon)
    db = history(home)
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "locked\n"
        assert client(home).request("now")["ok"]
        reply, took = timed(home, "done")  # before: timed out after 2 s, and the answer was lost
        assert reply["ok"] and took < 1.5, took
        assert "(not saved yet: " in reply["recorded"] and "locked by another process" in reply["recorded"]
        status, took = timed(home, "status")  # before: stalled for the 5 s busy timeout
        assert took < 1.0, took
        assert status["answers_waiting"] == 1 and status["today"]["done"] == 2
        assert "locked by another process" in status["history_error"]
        cli = daemon.cli("status", "--json")
        assert cli.returncode == 0 and '"answers_waiting": 1' in cli.stdout
    finally:
        holder.stdin.write("release\n")
        holder.stdin.flush()
        holder.wait()
    wait_for(lambda: daemon.status()["answers_waiting"] == 0, "the waiting answer to be saved", 30)
    rows = done_rows(db)
    assert len(rows) == 2 and len({answer_id for _, answer_id in rows}) == 2  # landed once
    assert daemon.status()["history_error"] is None
    assert daemon.cli("done").returncode == 1  # answered already: no second record


def test_an_unknown_stretch_id_on_the_socket_is_refused_in_one_line(home: Path, daemon: DaemonRun) -> None:
    reply = client(home).request("done", {"stretch": "no-such-stretch"})
    assert reply["ok"] is False
    assert reply["error"] == "no stretch 'no-such-stretch' in the catalog (`deskbreak stretches` lists them)"
    assert client(home).request("skip", {"stretch": "no-such-stretch"})["ok"] is False
    assert daemon.status()["today"] == {
        "done": 0,
        "snoozed": 0,
        "skipped": 0,
        "ignored": 0,
        "natural_breaks": 0,
    }
    known = daemon.status()["stretch"]["id"]
    assert client(home).request("done", {"stretch": known, "held_seconds": 30})["ok"]
    assert [stretch for stretch, _ in done_rows(history(home))] == [known]


def modes_under(top: Path) -> dict[str, int]:
    """Every file and folder under `top` (itself included), with its permission bits."""
    found = {str(top): stat.S_IMODE(top.stat().st_mode)}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            found[str(path)] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_every_file_and_folder_the_daemon_creates_is_private(home: Path, daemon: DaemonRun) -> None:
    answer(daemon)
    assert daemon.status()["answers_waiting"] == 0
    created = {}
    for top in ("data", "state", "run"):
        created.update(modes_under(home / top / "deskbreak"))
    assert any(p.endswith("history.sqlite3") for p in created)
    assert any(p.endswith("history.journal.jsonl") for p in created)
    assert any(p.endswith("deskbreak.log") for p in created)
    assert any(p.endswith("safety-note-shown") for p in created)
    for path, mode in created.items():
        if Path(path).is_socket():
            assert mode & 0o077 == 0, f"{path} is mode {mode:o}"
        elif Path(path).is_dir():
            assert mode == 0o700, f"{path} is mode {mode:o}"
        else:
            assert mode == 0o600, f"{path} is mode {mode:o}"


def test_files_an_older_version_left_open_are_tightened_on_start(home: Path) -> None:
    data, state = home / "data" / "deskbreak", home / "state" / "deskbreak"
    for folder in (data, state):
        folder.mkdir(parents=True, mode=0o755)
        folder.chmod(0o755)
    sqlite3.connect(data / "history.sqlite3").close()
    for path in (data / "history.sqlite3", state / "deskbreak.log", state / "deskbreak.log.1"):
        path.touch()
        path.chmod(0o644)
    env = private_env(os.environ, home, HEADLESS, unset=("DISPLAY", "WAYLAND_DISPLAY"))
    run = DaemonRun(env, home / "daemon.out", verbose=False).start()
    try:
        run.wait_answering()
        wait_for(lambda: stat.S_IMODE((data / "history.sqlite3").stat().st_mode) == 0o600, "history 0600", 20)
        assert stat.S_IMODE(data.stat().st_mode) == 0o700 and stat.S_IMODE(state.stat().st_mode) == 0o700
        assert stat.S_IMODE((state / "deskbreak.log").stat().st_mode) == 0o600
        assert stat.S_IMODE((state / "deskbreak.log.1").stat().st_mode) == 0o600
    finally:
        run.cli("quit")
        run.stop()


def test_a_fifo_as_the_config_is_refused_at_once_and_the_last_good_config_kept(
    home: Path, daemon: DaemonRun
) -> None:
    before = daemon.status()
    config = home / "cfg" / "deskbreak" / "config.toml"
    config.unlink()
    os.mkfifo(config)
    began = time.monotonic()
    reload = daemon.cli("reload")  # before: wedged the daemon; every later command timed out
    assert time.monotonic() - began < 10
    assert reload.returncode == 1 and reload.stdout == ""
    assert len(reload.stderr.strip().splitlines()) == 1 and "FIFO" in reload.stderr, reload.stderr
    status, took = timed(home, "status")
    assert took < 1.0
    assert status["config_error"] and "FIFO" in status["config_error"]
    assert status["config"] == before["config"] and status["next_prompt_at"] == before["next_prompt_at"]
    assert answer(daemon).returncode == 0  # the daemon goes on with its last good config
