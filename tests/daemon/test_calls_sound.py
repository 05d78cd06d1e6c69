"""End to end with a real sound server: a running `deskbreak run` with a 1-minute interval, a real
PulseAudio started here, and a real `parecord` as the call. The recording holds the due prompt
with its reason in `status --json`; the prompt comes within 30 s of the recording's end; a
recording of the speakers (a sink's monitor), running all along, holds nothing. Real time: ~90 s.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from daemon_run import EVERY_DAY, running_daemon
from desktop_stack import wait_for
from sound_stack import sound_stack

pytestmark = pytest.mark.desktop

CONFIG = f"""
[schedule]
timezone = "UTC"
interval_minutes = 1
min_minutes_before_end = 0
{EVERY_DAY}
[activity]
settle_seconds = 0
max_defer_minutes = 0
"""


@pytest.fixture
def sound(tmp_path_factory):
    with sound_stack(tmp_path_factory.mktemp("pulse"), "pulseaudio") as stack:
        yield stack


@contextmanager
def recording_the_speakers(sound) -> Iterator[None]:
    """A second `parecord`, of the sink's monitor (the stack names its own recordings by program,
    so this one is kept here)."""
    before = sound.source_outputs()
    proc = subprocess.Popen(["parecord", "-d", sound.monitor, os.devnull], env=sound.env)
    try:
        wait_for(lambda: sound.source_outputs() > before, "parecord recording the speakers")
        yield
    finally:
        proc.terminate()
        proc.wait(5)


def test_a_recording_holds_the_due_prompt_until_it_stops(sound, tmp_path):
    config = tmp_path / "cfg" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(CONFIG)
    settings = {"DESKBREAK_TRAY": "headless", "DESKBREAK_NOTIFIER": "log", "DESKBREAK_IDLE_PROBE": "none"}
    with recording_the_speakers(sound), running_daemon(sound.env, tmp_path, settings) as daemon:
        assert daemon.status()["call_sense"] == "linux"
        with sound.recording(sound.mic):
            # Due a minute after the start; the cap of 0 minutes would show any busy moment at once.
            # The log is watched (cheap), not `status` (a process each time), while time passes.
            daemon.wait_log("prompt held back: call: microphone in use by pacat", 90)  # parecord's binary
            status = daemon.status()
            assert status["held"]["reason"] == "call: microphone in use by pacat"
            assert status["state"] == "working" and "stretch time:" not in daemon.log_text()
        ended = time.monotonic()  # the recording's stream is gone from the server
        daemon.wait_log("stretch time:", 30)  # the log notifier shows the prompt
        assert time.monotonic() - ended <= 30
        status = daemon.status()
        assert status["state"] == "due" and status["held"] is None
