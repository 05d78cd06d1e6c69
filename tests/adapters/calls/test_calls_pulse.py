"""The microphone sense against a real sound server started by the test: PulseAudio, and PipeWire
with pipewire-pulse. A real `parecord` (and `pw-record`) recording a real source is the call; one
recording the monitor of a sink (the speakers) is not. Skips when a program is missing, unless
DESKBREAK_REQUIRE_DESKTOP=1 (then it fails)."""

from __future__ import annotations

import logging
import time

import pytest

from deskbreak.adapters.calls import choose_call_sense
from deskbreak.adapters.calls.base import CallSample
from deskbreak.adapters.calls.camera import CameraSense
from deskbreak.adapters.calls.capture import microphone_sample
from deskbreak.adapters.calls.linux import LinuxCallSense
from deskbreak.adapters.calls.pulse import PulseMicrophoneSense

pytestmark = pytest.mark.desktop


@pytest.fixture
def sense(sound):
    sense = PulseMicrophoneSense(sound.env)
    yield sense
    sense.close()


def test_nothing_recording_is_no_call(sense) -> None:
    assert sense.sample() == CallSample(False)


def test_a_recording_of_a_real_source_is_a_call_naming_the_app(sound, sense) -> None:
    with sound.recording(sound.mic):
        assert sense.sample() == CallSample(True, "microphone in use by pacat")  # parecord's binary
    assert sense.sample() == CallSample(False)


@pytest.mark.parametrize("sound", ["pipewire"], indirect=True)  # pw-record talks to PipeWire only
def test_a_native_pipewire_client_is_seen_through_pipewire_pulse(sound, sense) -> None:
    with sound.recording(sound.mic, "pw-record"):
        assert sense.sample() == CallSample(True, "microphone in use by pw-record")
    assert sense.sample() == CallSample(False)


def test_a_recording_of_the_speakers_is_no_call(sound, sense) -> None:
    with sound.recording(sound.monitor):
        streams = sense.streams()
        assert [s.from_monitor for s in streams] == [True]
        assert sense.sample() == CallSample(False)


def test_our_own_recording_is_no_call(sound, sense) -> None:
    with sound.recording(sound.mic) as recorder:
        streams = sense.streams()
        assert microphone_sample(streams, own_pid=recorder.pid) == CallSample(False)
        assert microphone_sample(streams, own_pid=1) == CallSample(True, "microphone in use by pacat")


def test_the_linux_sense_chosen_here_combines_microphone_and_camera(sound) -> None:
    sense = choose_call_sense({**sound.env, "DESKBREAK_CALL_SENSE": ""}, "linux")
    assert isinstance(sense, LinuxCallSense)
    with sound.recording(sound.mic):
        assert sense.sample() == CallSample(True, "microphone in use by pacat")


def test_a_sample_is_cheap(sound, sense) -> None:
    with sound.recording(sound.mic):
        sense.sample()  # the first one imports pulsectl
        start = time.perf_counter()
        for _ in range(10):
            assert sense.sample().in_call
        per_sample = (time.perf_counter() - start) / 10
    assert per_sample < 0.1, f"{per_sample * 1000:.1f} ms per sample"


def test_no_server_is_unknown_logged_once_and_the_camera_still_answers(tmp_path, caplog) -> None:
    gone = {"PULSE_SERVER": f"unix:{tmp_path / 'no-server'}"}
    microphone = PulseMicrophoneSense(gone)
    with caplog.at_level(logging.WARNING):
        assert microphone.sample() == CallSample(None)
        assert microphone.sample() == CallSample(None)
    assert len([r for r in caplog.records if "sound server" in r.getMessage()]) == 1
    both = LinuxCallSense(gone, senses=(microphone, CameraSense(gone)))
    assert both.sample() == CallSample(False)  # the camera knows it is off
