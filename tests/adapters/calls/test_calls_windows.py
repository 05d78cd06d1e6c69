"""The Windows call sense against a faked registry: ConsentStore entries with no stop time yet."""

from __future__ import annotations

import logging
import sys

import pytest

from deskbreak.adapters.calls.base import CallSample
from deskbreak.adapters.calls.windows import CONSENT_STORE, WindowsCallSense, app_name

MIC, CAM = rf"{CONSENT_STORE}\microphone", rf"{CONSENT_STORE}\webcam"
FILETIME = 133_700_000_000_000_000  # some instant in 2024, in 100 ns ticks since 1601


class FakeRegistry:
    """Keys by path, each with its values; subkeys derived from the paths, as the registry has them."""

    def __init__(self, keys: dict[str, dict[str, int]]) -> None:
        self.keys = keys
        self.reads = 0

    def subkeys(self, path: str) -> list[str]:
        self.reads += 1
        prefix = path + "\\"
        return sorted({k[len(prefix) :].split("\\")[0] for k in self.keys if k.startswith(prefix)})

    def value(self, path: str, name: str) -> int | None:
        return self.keys.get(path, {}).get(name)


def used(start: int, stop: int) -> dict[str, int]:
    return {"LastUsedTimeStart": start, "LastUsedTimeStop": stop}


STOPPED = used(FILETIME, FILETIME + 600_000_000)
IN_USE = used(FILETIME, 0)


def test_a_desktop_app_using_the_microphone() -> None:
    registry = FakeRegistry(
        {
            MIC: {},
            rf"{MIC}\NonPackaged\C:#Program Files#Zoom#bin#Zoom.exe": IN_USE,
            rf"{MIC}\NonPackaged\C:#Windows#System32#SoundRecorder.exe": STOPPED,
            rf"{MIC}\Microsoft.WindowsSoundRecorder_8wekyb3d8bbwe": STOPPED,
        }
    )
    assert WindowsCallSense(reader=registry).sample() == CallSample(True, "microphone in use by Zoom")


def test_a_store_app_using_the_camera_and_another_the_microphone() -> None:
    registry = FakeRegistry(
        {
            rf"{CAM}\Microsoft.WindowsCamera_8wekyb3d8bbwe": IN_USE,
            rf"{MIC}\NonPackaged\C:#Users#me#AppData#Local#Discord#app-1.0#Discord.exe": IN_USE,
        }
    )
    assert WindowsCallSense(reader=registry).sample() == CallSample(
        True, "microphone in use by Discord; camera in use by Microsoft.WindowsCamera"
    )


def test_nothing_in_use_and_an_app_allowed_but_never_run() -> None:
    registry = FakeRegistry(
        {
            rf"{MIC}\NonPackaged\C:#Apps#teams.exe": STOPPED,
            rf"{CAM}\NonPackaged\C:#Apps#teams.exe": STOPPED,
            rf"{CAM}\SomeApp_1234": {},  # listed under the permission, never used: no times at all
            rf"{MIC}\Other_5678": used(0, 0),
        }
    )
    assert WindowsCallSense(reader=registry).sample() == CallSample(False)
    assert WindowsCallSense(reader=FakeRegistry({})).sample() == CallSample(False)


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("C:#Program Files#Zoom#bin#Zoom.exe", "Zoom"),
        ("C:#Tools#recorder", "recorder"),
        ("Microsoft.WindowsCamera_8wekyb3d8bbwe", "Microsoft.WindowsCamera"),
        ("PlainName", "PlainName"),
    ],
)
def test_app_names(key: str, name: str) -> None:
    assert app_name(key) == name


def test_a_failing_registry_gives_unknown_logged_once(caplog) -> None:
    class Broken(FakeRegistry):
        def subkeys(self, path: str) -> list[str]:
            raise PermissionError(5, "Access is denied")

    sense = WindowsCallSense(reader=Broken({}))
    with caplog.at_level(logging.WARNING):
        assert sense.sample() == CallSample(None)
        assert sense.sample() == CallSample(None)
    assert len([r for r in caplog.records if "privacy settings" in r.getMessage()]) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="winreg exists on Windows")
def test_the_real_reader_needs_windows() -> None:
    with pytest.raises(ImportError):
        WindowsCallSense()
