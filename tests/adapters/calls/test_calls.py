"""The call sense chooser, the fake, and how several signals combine into one reading."""

from __future__ import annotations

import logging
import threading

import pytest

from deskbreak.adapters import calls
from deskbreak.adapters.calls import NullCallSense, choose_call_sense
from deskbreak.adapters.calls.base import CallSample, combine, in_use_by
from deskbreak.adapters.calls.fake import FakeCallSense
from deskbreak.adapters.calls.linux import LinuxCallSense


class Named:
    def __init__(self, name: str) -> None:
        self.name = name

    def sample(self) -> CallSample:
        return CallSample(False)

    def close(self) -> None:
        pass


def factories(working: set[str], attempts: list[str]):
    def make(name: str):
        def build(environ):
            attempts.append(name)
            if name not in working:
                raise ImportError(f"{name} does not work here")
            return Named(name)

        return build

    return {name: make(name) for name in calls.BACKENDS}


@pytest.mark.parametrize(
    ("platform", "working", "chosen", "tried"),
    [
        ("linux", {"linux", "camera"}, "linux", ["linux"]),
        ("linux", {"camera"}, "camera", ["linux", "camera"]),  # no libpulse: the camera alone
        ("win32", {"windows"}, "windows", ["windows"]),
        ("darwin", {"macos"}, "macos", ["macos"]),
    ],
)
def test_chooser_order(platform: str, working: set[str], chosen: str, tried: list[str]) -> None:
    attempts: list[str] = []
    assert choose_call_sense({}, platform, factories(working, attempts)).name == chosen
    assert attempts == tried


def test_nothing_works_gives_none_with_every_failure_listed_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        sense = choose_call_sense({}, "linux", factories(set(), []))
    assert isinstance(sense, NullCallSense)
    assert (
        sense.reason
        == "linux: ImportError: linux does not work here; camera: ImportError: camera does not work here"
    )
    assert sense.sample() == CallSample(None)
    assert [r.getMessage() for r in caplog.records] == [
        f"no call sense works here ({sense.reason}); prompts are not held for calls"
    ]


def test_an_unknown_platform_has_no_backend() -> None:
    sense = choose_call_sense({}, "freebsd14", factories(set(calls.BACKENDS), []))
    assert isinstance(sense, NullCallSense) and sense.reason == "no backend for this platform"


@pytest.mark.parametrize("override", ["pactl", "pulse", "camera", "fake", "WINDOWS"])
def test_the_override_tries_that_backend_only(override: str) -> None:
    attempts: list[str] = []
    environ = {calls.ENV_OVERRIDE: override}
    assert (
        choose_call_sense(environ, "linux", factories(set(calls.BACKENDS), attempts)).name == override.lower()
    )
    assert attempts == [override.lower()]


def test_override_none_an_override_that_fails_and_an_unknown_one(caplog: pytest.LogCaptureFixture) -> None:
    assert choose_call_sense({calls.ENV_OVERRIDE: "none"}, "linux").name == "none"
    failed = choose_call_sense({calls.ENV_OVERRIDE: "macos"}, "linux", factories(set(), []))
    assert isinstance(failed, NullCallSense) and failed.reason.startswith("macos: ImportError")
    with caplog.at_level(logging.WARNING):
        chosen = choose_call_sense({calls.ENV_OVERRIDE: "skype"}, "linux", factories({"linux"}, []))
    assert chosen.name == "linux"
    assert "DESKBREAK_CALL_SENSE=skype is not one of linux, pactl, pulse, camera" in caplog.text


def test_the_real_lazy_imports() -> None:
    assert isinstance(choose_call_sense({calls.ENV_OVERRIDE: "fake"}, "linux"), FakeCallSense)
    linux = choose_call_sense({}, "linux")
    assert linux.name == "linux"  # pactl (and pulsectl and libpulse) are installed here
    assert isinstance(linux, LinuxCallSense) and linux.microphone == "pactl"
    assert choose_call_sense({}, "win32").name == "none"  # no winreg off Windows
    assert choose_call_sense({}, "darwin").name == "none"  # no CoreAudio off macOS


def test_the_fake_answers_what_was_set_from_any_thread() -> None:
    fake = FakeCallSense()
    assert fake.sample() == CallSample(False)
    setter = threading.Thread(target=fake.set, args=(True, "microphone in use by firefox"))
    setter.start()
    setter.join()
    assert fake.sample() == CallSample(True, "microphone in use by firefox")
    assert fake.samples_taken == 2
    fake.close()
    assert fake.closed


@pytest.mark.parametrize(
    ("samples", "combined"),
    [
        ([CallSample(True, "microphone in use by a"), CallSample(True, "camera in use by b")],
         CallSample(True, "microphone in use by a; camera in use by b")),
        ([CallSample(None), CallSample(True, "camera in use by b")], CallSample(True, "camera in use by b")),
        ([CallSample(None), CallSample(False)], CallSample(False)),
        ([CallSample(None), CallSample(None)], CallSample(None)),
        ([], CallSample(False)),
    ],
)  # fmt: skip
def test_combine(samples: list[CallSample], combined: CallSample) -> None:
    assert combine(samples) == combined


def test_in_use_by_names_each_app_once_in_order() -> None:
    assert in_use_by("microphone", ["zoom", "firefox", "zoom"]) == CallSample(
        True, "microphone in use by firefox, zoom"
    )
    assert in_use_by("camera", []) == CallSample(False)
