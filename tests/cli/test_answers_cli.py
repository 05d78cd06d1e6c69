"""Issue 15 from the command line, with the real `deskbreak run` (headless) in a subprocess: each
answer says what it recorded, a second `done` is refused, `next` asks the daemon, the headless
prompt carries every step, the caution and how to answer; `config check` knows the stretch ids
and areas; `config edit` with no editor and no display fails and says so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from daemon_run import EVERY_DAY


@pytest.fixture
def env():
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))  # short: AF_UNIX paths are limited
    (top / "rt").mkdir(mode=0o700)
    environ = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(top / "rt"),
        "XDG_CONFIG_HOME": str(top / "cfg"),
        "XDG_DATA_HOME": str(top / "data"),
        "XDG_STATE_HOME": str(top / "state"),
        "DESKBREAK_TRAY": "headless",
        "DESKBREAK_NOTIFIER": "log",
        "DESKBREAK_IDLE_PROBE": "none",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DESKBREAK_CONFIG", "DISPLAY", "WAYLAND_DISPLAY", "VISUAL", "EDITOR"):
        environ.pop(name, None)
    config = top / "cfg" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"[schedule]\n{EVERY_DAY}\nmin_minutes_before_end = 0\n")
    yield environ
    shutil.rmtree(top, ignore_errors=True)


def cli(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "deskbreak", *args], env=env, capture_output=True, text=True, timeout=20
    )


@pytest.fixture
def daemon(env):
    log = Path(env["XDG_STATE_HOME"]) / "run.out"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "deskbreak", "run"], env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 20
    while cli(env, "status").returncode != 0:
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    proc.output = log
    yield proc
    cli(env, "quit")
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def test_answers_say_what_they_recorded_and_a_second_done_is_refused(env, daemon):
    assert cli(env, "now").returncode == 0
    name = json.loads(cli(env, "status", "--json").stdout)["stretch"]["name"]
    first = cli(env, "done")
    assert (first.returncode, first.stdout) == (0, f"{name} done · 1 of 6 today\n")
    second = cli(env, "done")
    assert second.returncode == 1 and second.stdout == ""
    assert second.stderr.startswith("deskbreak: no prompt to mark done (the next one is due at ")
    assert json.loads(cli(env, "status", "--json").stdout)["today"]["done"] == 1
    assert cli(env, "now").returncode == 0
    name = json.loads(cli(env, "status", "--json").stdout)["stretch"]["name"]
    assert cli(env, "skip").stdout == f"{name} skipped · 1 of 6 done today\n"
    logged = (Path(env["XDG_STATE_HOME"]) / "deskbreak" / "deskbreak.log").read_text()  # not the terminal
    assert f"recorded: {name} skipped · 1 of 6 done today" in logged


def test_the_headless_prompt_has_every_step_the_caution_and_how_to_answer(env, daemon):
    assert cli(env, "now").returncode == 0
    stretch = json.loads(cli(env, "status", "--json").stdout)["stretch"]["id"]
    entry = next(s for s in json.loads(cli(env, "stretches", "--json").stdout) if s["id"] == stretch)
    deadline = time.monotonic() + 10
    while "Answer with:" not in daemon.output.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    text = daemon.output.read_text()
    for number, step in enumerate(entry["steps"], start=1):
        assert f"{number}. {step}" in text
    assert f"Caution: {entry['caution']}" in text
    assert "Answer with: deskbreak done · deskbreak snooze [MINUTES] · deskbreak skip" in text


def test_next_tells_what_the_daemon_will_show(env, daemon):
    assert cli(env, "done").returncode == 1  # nothing to do: no prompt yet
    status = json.loads(cli(env, "status", "--json").stdout)
    upcoming = json.loads(cli(env, "next", "-n", "3", "--json").stdout)
    assert upcoming[0]["stretch"] == status["stretch"]["id"] and upcoming[0]["at"] == status["next_prompt_at"]
    assert cli(env, "now").returncode == 0
    assert json.loads(cli(env, "status", "--json").stdout)["stretch"]["id"] == upcoming[0]["stretch"]
    after = json.loads(cli(env, "next", "-n", "2", "--json").stdout)
    assert after[0]["stretch"] == upcoming[0]["stretch"]  # the open prompt first
    assert cli(env, "skip").returncode == 0
    assert json.loads(cli(env, "next", "--json").stdout)[0]["stretch"] == upcoming[1]["stretch"]


def test_next_without_a_daemon_predicts_what_one_started_now_shows(env):
    offline = json.loads(cli(env, "next", "-n", "3", "--json").stdout)
    assert len(offline) == 3
    with open(os.devnull, "wb") as quiet:
        proc = subprocess.Popen(
            [sys.executable, "-m", "deskbreak", "run"], env=env, stdout=quiet, stderr=quiet
        )
    try:
        deadline = time.monotonic() + 20
        while cli(env, "status").returncode != 0:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        online = json.loads(cli(env, "next", "-n", "3", "--json").stdout)
        assert [line["stretch"] for line in online] == [line["stretch"] for line in offline]
    finally:
        cli(env, "quit")
        proc.wait(10)


def test_config_check_rejects_unknown_stretch_ids_and_areas_with_a_hint(env, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[stretches]\nexclude = ["seated-twistt"]\nfocus = ["hipps"]\n')
    result = cli(env, "config", "check", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{path}:2: stretches.exclude[0]: got "seated-twistt", expected a known stretch id (did you mean "seated-twist"?)',
        f'{path}:3: stretches.focus[0]: got "hipps", expected a known body area (did you mean "hips"?)',
    ]
    path.write_text(
        '[stretches]\nexclude = ["my-own"]\n[[stretches.custom]]\nid = "my-own"\nname = "Mine"\n'
        'posture = "seated"\nareas = ["neck"]\nsteps = ["Sit.", "Turn.", "Breathe."]\nhold_seconds = 10\nreps = 1\n'
        'per_side = false\ncaution = "Gently."\n'
    )
    assert cli(env, "config", "check", str(path)).returncode == 0  # a custom id may be excluded too


def test_config_set_refuses_an_unknown_stretch_id(env):
    result = cli(env, "config", "set", "stretches.exclude", '["seated-twistt"]')
    assert result.returncode == 2 and 'did you mean "seated-twist"?' in result.stderr


def test_config_edit_with_no_editor_and_no_display_fails_and_says_so(env):
    result = cli(env, "config", "edit")
    assert result.returncode == 1
    assert "no editor" in result.stderr and "no display" in result.stderr and "opened" not in result.stdout


def test_config_edit_says_when_the_desktop_opener_fails(env, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text("#!/bin/sh\necho 'xdg-open: no method available for opening' >&2\nexit 3\n")
    opener.chmod(0o755)
    result = cli({**env, "DISPLAY": ":99", "PATH": f"{bin_dir}:{env['PATH']}"}, "config", "edit")
    assert result.returncode == 1
    assert "could not open" in result.stderr and "xdg-open failed (exit 3)" in result.stderr
    assert "opened" not in result.stdout


def test_now_prints_every_step_of_the_stretch_it_prompts(env, daemon):
    now = cli(env, "now")
    assert now.returncode == 0
    stretch = json.loads(cli(env, "status", "--json").stdout)["stretch"]
    entry = next(s for s in json.loads(cli(env, "stretches", "--json").stdout) if s["id"] == stretch["id"])
    assert now.stdout.startswith(f"Stretch due · {stretch['name']}\n\n1. ")
    for number, step in enumerate(entry["steps"], start=1):
        assert f"{number}. {step}" in now.stdout
    assert f"Caution: {entry['caution']}" in now.stdout
