"""`deskbreak status --follow` and `deskbreak events` against real daemons (tests/daemon_run.py)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon_run import EVERY_DAY, DaemonRun, private_env, short_home

from deskbreak.cli.control import NOT_RUNNING
from deskbreak.cli.follow import event_text, json_form, waybar_form

CHANGE_WITHIN = 1.0  # seconds from a command's reply to the follower's line


@pytest.fixture
def home() -> Iterator[Path]:
    with short_home(f"[schedule]\n{EVERY_DAY}\nmin_minutes_before_end = 0\n") as top:
        yield top


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return private_env(
        os.environ, home, {"DESKBREAK_TRAY": "headless", "DESKBREAK_NOTIFIER": "log"}, unset=("DISPLAY",)
    )


class Follower:
    """A long-running CLI command whose output lines are read with a deadline each."""

    def __init__(self, env: dict[str, str], *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deskbreak", *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.buffer = b""

    def line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line within {timeout} s (so far: {self.buffer!r})")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                assert chunk, (
                    f"it exited {self.proc.poll()}: {self.proc.stderr.read() if self.proc.stderr else ''}"
                )
                self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\n", 1)
        return raw.decode("utf-8")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def started(env: dict[str, str], home: Path, log: str) -> DaemonRun:
    daemon = DaemonRun(env, home / log, verbose=False).start()
    daemon.wait_answering()
    return daemon


def command(daemon: DaemonRun, *args: str) -> None:
    done = daemon.cli(*args)
    assert done.returncode == 0, done.stderr


def test_follow_prints_at_once_on_each_change_across_a_restart_and_ends_with_its_output(env, home):
    daemon = started(env, home, "first.log")
    short = Follower(env, "status", "--follow", "--short", "--ascii")
    bar = Follower(env, "status", "--follow", "--waybar")
    try:
        assert short.line(10).startswith("next ")  # at once: python's start-up is the wait
        working = json.loads(bar.line(10))
        assert working["class"] == "working" and working["text"].startswith("🧘 ")
        assert "Next stretch" in working["tooltip"] and 0 <= working["percentage"] <= 100
        command(daemon, "now")
        assert short.line(CHANGE_WITHIN) == "stretch now"
        due = json.loads(bar.line(CHANGE_WITHIN))
        assert due["class"] == "due" and due["percentage"] == 100
        command(daemon, "pause")
        assert short.line(CHANGE_WITHIN) == "paused"
        assert json.loads(bar.line(CHANGE_WITHIN))["class"] == "paused"
        command(daemon, "quit")
        assert short.line(5) == "", "no daemon: an empty line hides the module"
        assert json.loads(bar.line(5)) == {
            "text": "",
            "tooltip": NOT_RUNNING,
            "class": "not-running",
            "percentage": 0,
        }
        daemon = started(env, home, "second.log")  # a fresh daemon: counting again
        assert short.line(10).startswith("next ")
        assert json.loads(bar.line(10))["class"] == "working"
        assert short.proc.poll() is None and bar.proc.poll() is None
        assert short.proc.stdout is not None
        short.proc.stdout.close()  # the bar went away
        began = time.monotonic()
        assert short.proc.wait(5) == 0
        assert time.monotonic() - began < 2.0, "the closed output is noticed while waiting"
        assert short.proc.stderr is not None and short.proc.stderr.read() == b""
    finally:
        short.stop()
        bar.stop()
        daemon.cli("quit")
        if daemon.proc is not None:
            daemon.proc.wait(10)


def test_events_json_prints_each_event_as_it_happens(env, home):
    daemon = started(env, home, "daemon.log")
    events = Follower(env, "events", "--json")
    follower = Follower(env, "status", "--follow", "--json")
    try:
        # Each stream's first line says it is open: the status, and the daemon's start (replayed).
        assert json.loads(follower.line(10))["state"] == "working"
        hello = json.loads(events.line(10))
        assert hello["event"] == "daemon_started" and hello["pid"] == daemon.proc.pid
        command(daemon, "now")
        command(daemon, "snooze", "5")
        command(daemon, "skip")
        command(daemon, "pause", "30m")
        command(daemon, "resume")
        command(daemon, "reload")
        command(daemon, "quit")
        lines = [json.loads(events.line(5)) for _ in range(7)]
        assert [line["event"] for line in lines] == [
            "prompt_shown",
            "snoozed",
            "skipped",
            "paused",
            "resumed",
            "config_applied",
            "daemon_stopping",
        ]
        assert all(line["schema"] == 1 and "T" in line["time"] for line in lines)
        states = []
        while not states or states[-1] != "not_running":
            states.append(json.loads(follower.line(5))["state"])
        assert states == ["due", "snoozed", "working", "paused", "working", "not_running"]
        assert events.proc.poll() is None, "it waits for the daemon to come back"
        daemon = started(env, home, "again.log")
        assert json.loads(events.line(10))["event"] == "daemon_started"
        assert json.loads(follower.line(10))["state"] == "working"
        command(daemon, "quit")
    finally:
        events.stop()
        follower.stop()
        if daemon.proc is not None:
            daemon.proc.wait(10)


def test_one_shot_waybar_without_a_daemon_is_the_hidden_module(env):
    done = subprocess.run(
        [sys.executable, "-m", "deskbreak", "status", "--waybar"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 3 and done.stderr == ""
    assert json.loads(done.stdout)["class"] == "not-running"


# --- the formats ---

STATUS = {
    "ok": True,
    "schema": 1,
    "state": "snoozed",
    "headline": "Snoozed until 14:40 · Seated twist",
    "snoozed_until": "2026-11-23T14:40:00+01:00",
    "next_prompt_at": "2026-11-23T14:40:00+01:00",
    "progress": 0.426,
    "today_line": "Today: 3 of 6 done",
    "config_error": "config.toml: interval_minutes: must be at least 1",
}


def test_waybar_form_carries_text_tooltip_class_and_percentage():
    body = json.loads(waybar_form(STATUS, ascii=True, not_running=NOT_RUNNING))
    assert body == {
        "text": "snoozed 14:40",
        "tooltip": "Snoozed until 14:40 · Seated twist\nToday: 3 of 6 done\n"
        "Config not applied: config.toml: interval_minutes: must be at least 1",
        "class": ["snoozed", "config-error"],
        "percentage": 43,
    }
    assert "\n" not in waybar_form(STATUS, ascii=False, not_running=NOT_RUNNING)


def test_json_form_is_one_line_without_the_reply_flag():
    line = json_form(STATUS)
    assert "\n" not in line and "ok" not in json.loads(line) and json.loads(line)["state"] == "snoozed"


def test_event_text_is_one_readable_line():
    line = {
        "schema": 1,
        "event": "done",
        "time": "2026-11-23T14:30:05+01:00",
        "stretch": {"id": "seated-twist", "name": "Seated twist"},
        "held_seconds": None,
    }
    assert event_text(line) == "14:30:05 done stretch=Seated twist"
