"""The real `deskbreak run` in a subprocess, driven by the real CLI commands over the socket."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from daemon_run import EVERY_DAY

NOT_RUNNING = "deskbreak is not running (start it with: deskbreak run)"
COMMANDS = (
    ["status"],
    ["status", "--json"],
    ["now"],
    ["show"],
    ["done"],
    ["snooze"],
    ["snooze", "5"],
    ["skip"],
    ["another"],
    ["pause", "30m"],
    ["resume"],
    ["reload"],
    ["quit"],
)


@pytest.fixture
def env():
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))  # short: AF_UNIX paths are limited
    runtime = top / "rt"
    runtime.mkdir(mode=0o700)
    environ = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(top / "cfg"),
        "XDG_DATA_HOME": str(top / "data"),
        "XDG_STATE_HOME": str(top / "state"),
        "DESKBREAK_TRAY": "headless",
        "DESKBREAK_NOTIFIER": "log",
        "PYTHONUNBUFFERED": "1",
    }
    environ.pop("DESKBREAK_CONFIG", None)
    environ.pop("DISPLAY", None)
    config = top / "cfg" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"[schedule]\n{EVERY_DAY}\nmin_minutes_before_end = 0\n")
    yield environ
    shutil.rmtree(top, ignore_errors=True)


def cli(env, *args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "deskbreak", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def start(env) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskbreak", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"deskbreak run exited {proc.returncode}: {proc.stderr.read()}")
        if cli(env, "status").returncode == 0:
            return proc
        time.sleep(0.1)
    proc.kill()
    pytest.fail("deskbreak run never answered status")


@pytest.fixture
def daemon(env):
    proc = start(env)
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def test_commands_drive_the_running_daemon(env, daemon):
    status = cli(env, "status")
    assert (
        status.returncode == 0
        and "Next stretch" in status.stdout
        and "Today: no stretches yet" in status.stdout
    )
    assert cli(env, "status", "--short").stdout.startswith("🧘 ")
    assert re.fullmatch(r"next \d\d:\d\d\n", cli(env, "status", "--short", "--ascii").stdout)
    now = cli(env, "now")
    assert now.returncode == 0 and now.stdout.startswith("Stretch due · ")
    assert cli(env, "status", "--short").stdout == "🧘 now\n"
    assert cli(env, "status", "--short", "--ascii").stdout == "stretch now\n"
    assert cli(env, "snooze", "5").returncode == 0
    assert cli(env, "status", "--short").stdout.startswith("💤 ")
    assert re.fullmatch(r"snoozed \d\d:\d\d\n", cli(env, "status", "--short", "--ascii").stdout)
    assert cli(env, "done").returncode == 0
    assert cli(env, "pause", "30m").stdout.startswith("Paused until ")
    assert cli(env, "status", "--short").stdout == "paused\n"
    assert cli(env, "resume").returncode == 0
    doc = json.loads(cli(env, "status", "--json").stdout)
    assert doc["schema"] == 1 and doc["state"] == "working" and doc["pid"] == daemon.pid
    assert doc["today"]["done"] == 1 and doc["today"]["snoozed"] == 1
    assert doc["notifier"] == "log" and doc["tray"] == "headless" and doc["config"].endswith("config.toml")
    assert cli(env, "reload").stdout.startswith("config reloaded")


def test_refusals_and_bad_arguments(env, daemon):
    skip = cli(env, "skip")
    assert skip.returncode == 1 and skip.stderr.strip() == "deskbreak: no prompt to skip"
    for args in (["snooze", "0"], ["snooze", "soon"], ["pause", "sometime"], ["pause", "until", "25:00"]):
        result = cli(env, *args)
        assert result.returncode == 2, args
    assert cli(env, "pause", "until", "23:59").returncode == 0


def test_a_second_run_exits_1_and_quit_exits_0(env, daemon):
    second = cli(env, "run")
    assert second.returncode == 1
    assert second.stderr.strip() == f"deskbreak is already running (pid {daemon.pid})"
    assert cli(env, "status").returncode == 0
    quit_ = cli(env, "quit")
    assert quit_.returncode == 0 and quit_.stdout.strip() == "deskbreak stopped"
    assert daemon.wait(10) == 0
    assert cli(env, "status").returncode == 3


def test_after_kill_9_a_new_daemon_starts(env):
    first = start(env)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    runtime = Path(env["XDG_RUNTIME_DIR"]) / "deskbreak"
    assert (runtime / "control.sock").exists()  # stale, nobody listens
    assert cli(env, "status").returncode == 3
    second = start(env)
    try:
        doc = json.loads(cli(env, "status", "--json").stdout)
        assert doc["pid"] == second.pid
    finally:
        assert cli(env, "quit").returncode == 0
        assert second.wait(10) == 0


@pytest.mark.parametrize("args", [["status", "--short"], ["status", "--short", "--ascii"]])
def test_a_status_bar_polling_without_a_daemon_gets_exit_3_and_no_output(env, args):
    result = cli(env, *args)
    assert (result.returncode, result.stderr, result.stdout) == (3, "", "")


def test_ascii_goes_with_short(env):
    result = cli(env, "status", "--ascii")
    assert result.returncode == 2 and "--ascii goes with --short" in result.stderr


@pytest.mark.parametrize("args", COMMANDS)
def test_without_a_daemon_every_command_exits_3(env, args):
    result = cli(env, *args)
    assert (result.returncode, result.stderr.strip(), result.stdout) == (3, NOT_RUNNING, "")
