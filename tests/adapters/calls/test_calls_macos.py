"""The macOS call sense with CoreAudio faked: the default input device's "running somewhere"."""

from __future__ import annotations

import logging
import sys

import pytest

from deskbreak.adapters.calls.base import CallSample
from deskbreak.adapters.calls.macos import (
    DEFAULT_INPUT_DEVICE,
    RUNNING_SOMEWHERE,
    SCOPE_GLOBAL,
    SYSTEM_OBJECT,
    MacCallSense,
    PropertyAddress,
)

BUILT_IN_MIC = 73


def core_audio(properties: dict[tuple[int, int], int]):
    asked: list[tuple[int, int]] = []

    def get(object_id: int, selector: int) -> int:
        asked.append((object_id, selector))
        if (object_id, selector) not in properties:
            raise OSError(f"AudioObjectGetPropertyData({selector:#x}) returned OSStatus 2003332927")
        return properties[object_id, selector]

    return get, asked


def test_the_constants_are_core_audios_four_char_codes() -> None:
    # From CoreAudio's AudioHardware.h / AudioHardwareBase.h: 'dIn ', 'gone', 'glob'.
    assert (DEFAULT_INPUT_DEVICE, RUNNING_SOMEWHERE, SCOPE_GLOBAL) == (0x64496E20, 0x676F6E65, 0x676C6F62)
    assert SYSTEM_OBJECT == 1
    assert [name for name, _ in PropertyAddress._fields_] == ["mSelector", "mScope", "mElement"]


@pytest.mark.parametrize(
    ("running", "sample"), [(1, CallSample(True, "microphone in use")), (0, CallSample(False))]
)
def test_the_default_input_device_running_somewhere(running: int, sample: CallSample) -> None:
    get, asked = core_audio(
        {(SYSTEM_OBJECT, DEFAULT_INPUT_DEVICE): BUILT_IN_MIC, (BUILT_IN_MIC, RUNNING_SOMEWHERE): running}
    )
    assert MacCallSense(get=get).sample() == sample
    assert asked == [(SYSTEM_OBJECT, DEFAULT_INPUT_DEVICE), (BUILT_IN_MIC, RUNNING_SOMEWHERE)]


def test_no_input_device_is_no_call() -> None:
    get, asked = core_audio({(SYSTEM_OBJECT, DEFAULT_INPUT_DEVICE): 0})
    assert MacCallSense(get=get).sample() == CallSample(False)
    assert asked == [(SYSTEM_OBJECT, DEFAULT_INPUT_DEVICE)]


def test_a_failing_call_gives_unknown_logged_once(caplog) -> None:
    get, _ = core_audio({(SYSTEM_OBJECT, DEFAULT_INPUT_DEVICE): BUILT_IN_MIC})  # the device vanished
    sense = MacCallSense(get=get)
    with caplog.at_level(logging.WARNING):
        assert sense.sample() == CallSample(None)
        assert sense.sample() == CallSample(None)
    assert len([r for r in caplog.records if "CoreAudio" in r.getMessage()]) == 1


@pytest.mark.skipif(sys.platform == "darwin", reason="CoreAudio exists on macOS")
def test_the_real_core_audio_needs_macos() -> None:
    with pytest.raises(OSError):
        MacCallSense()
