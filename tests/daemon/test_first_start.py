"""A newcomer's first `deskbreak run` (no `-v`) in a fresh home, on a machine with no display and no
D-Bus, where every probe and notifier falls back: the terminal gets where prompts appear, when the
first stretch comes and the safety note once; the fallbacks, migrations and library lines go to the
log file (and to the terminal with `-v`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from desktop_stack import wait_for

from deskbreak.core.safety import SAFETY_NOTE

# Every line a first start may print, in order; at most these five (the second start: the first two).
FIRST_START = [
    r"deskbreak: prompts appear (on this terminal|as desktop notifications \(\w+\)(, or on this terminal if none can be shown)?); answer "
    r"(in the tray icon's menu, )?with deskbreak done\|snooze\|skip",
    r"deskbreak: (the first stretch comes at .+|outside work hours: the first stretch comes .+; "
    r"try one now: deskbreak now --window|no work hours ahead.+)",
    r"",
    r"== Stretch safely ==",
    re.escape(SAFETY_NOTE),
]


@pytest.fixture
def env():
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))  # short: AF_UNIX paths are limited
    (top / "rt").mkdir(mode=0o700)
    environ = {
        **os.environ,
        "HOME": str(top),
        "XDG_RUNTIME_DIR": str(top / "rt"),
        "XDG_CONFIG_HOME": str(top / "cfg"),
        "XDG_DATA_HOME": str(top / "data"),
        "XDG_STATE_HOME": str(top / "state"),
        "DESKBREAK_TRAY": "headless",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DESKBREAK_CONFIG", "DESKBREAK_NOTIFIER", "DESKBREAK_IDLE_PROBE", "DISPLAY"):
        environ.pop(name, None)
    for name in ("WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS"):
        environ.pop(name, None)
    environ["DBUS_SYSTEM_BUS_ADDRESS"] = f"unix:path={top / 'no-system-bus'}"  # logind: unreachable
    return environ


def cli(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "deskbreak", *args], env=env, capture_output=True, text=True, timeout=30
    )


def start_and_quit(env, out: Path, *flags: str) -> list[str]:
    with open(out, "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "deskbreak", "run", *flags],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )
    try:
        wait_for(lambda: proc.poll() is not None or cli(env, "status").returncode == 0, "the daemon", 30)
        assert proc.poll() is None, out.read_text()
        # The safety note goes out from a thread of its own: wait for it, or for its absence.
        wait_for(lambda: "first stretch" in out.read_text() or "work hours" in out.read_text(), "start")
    finally:
        cli(env, "quit")
        proc.wait(15)
    return out.read_text().splitlines()


def test_a_first_start_prints_where_prompts_appear_when_the_first_comes_and_the_note_once(env):
    state = Path(env["XDG_STATE_HOME"])
    state.mkdir()
    lines = start_and_quit(env, state / "first.out")
    assert len(lines) <= len(FIRST_START), "\n".join(lines)
    assert re.fullmatch(FIRST_START[0], lines[0]) and re.fullmatch(FIRST_START[1], lines[1]), lines
    if len(lines) > 2:  # the note, when the notifications fell back to this terminal
        assert lines[2:] == ["", "== Stretch safely ==", SAFETY_NOTE]
    text = "\n".join(lines)
    assert "deskbreak: deskbreak:" not in text and text.count(SAFETY_NOTE) <= 1
    logged = (state / "deskbreak" / "deskbreak.log").read_text()
    assert "safety: " in logged and "idle probe" in logged  # the rest is in the log file

    again = start_and_quit(env, state / "second.out")
    assert len(again) == 2 and SAFETY_NOTE not in "\n".join(again), again


def test_with_v_the_terminal_gets_the_log_lines_too(env):
    state = Path(env["XDG_STATE_HOME"])
    state.mkdir()
    lines = start_and_quit(env, state / "verbose.out", "-v")
    assert any("idle probe" in line for line in lines) and len(lines) > len(FIRST_START)


def test_the_start_line_does_not_promise_desktop_notifications_plyer_cannot_check():
    from deskbreak.daemon.assemble import where_prompts_appear

    assert "this terminal" in where_prompts_appear("plyer", "headless")
    assert "this terminal" not in where_prompts_appear("freedesktop", "sni")
    assert where_prompts_appear("log", "headless").startswith("prompts appear on this terminal")
