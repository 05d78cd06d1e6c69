"""doctor's call and GNOME checks: which call signals answer here, and a warning when GNOME's
movement reminders are on beside deskbreak (the settings reader faked)."""

from __future__ import annotations

import sys

from deskbreak.adapters.calls.base import CallSample
from deskbreak.adapters.calls.fake import FakeCallSense
from deskbreak.cli.doctor_calls import check_call_signals, check_gnome_breaks


def fake(sample: CallSample):
    return lambda: FakeCallSense(sample=sample)


def broken():
    raise ImportError("pulsectl is not installed")


def test_the_signals_that_answer_are_named_and_the_others_with_why():
    check = check_call_signals(
        signals={
            "microphone": fake(CallSample(True, "microphone in use by firefox")),
            "camera": fake(CallSample(False)),
            "sound": broken,
            "screen": fake(CallSample(None)),
        }
    )
    assert check.ok
    assert check.detail == (
        "works: microphone (now: microphone in use by firefox), camera; "
        "not: sound: pulsectl is not installed; screen: no answer"
    )


def test_no_signal_is_a_failure_with_a_fix():
    check = check_call_signals(signals={"sound": broken})
    assert not check.ok and not check.essential
    assert "pactl" in check.fix and "pulseaudio-utils" in check.fix
    assert not check_call_signals(platform="plan9").ok


def test_the_real_signals_of_this_machine_never_raise():
    check = check_call_signals({}, sys.platform)
    assert check.name == "calls" and check.detail


def test_gnome_movement_reminders_on_is_a_warning_with_the_choice():
    check = check_gnome_breaks(lambda: ("eyesight", "movement"))
    assert not check.ok and not check.essential
    assert "two apps remind you to move" in check.detail
    assert "Wellbeing" in check.fix and "deskbreak autostart disable" in check.fix


def test_eyesight_only_no_gnome_48_and_a_failing_reader_are_fine():
    assert check_gnome_breaks(lambda: ("eyesight",)).ok
    assert check_gnome_breaks(lambda: ()).detail == "movement reminders off (on: none)"
    assert check_gnome_breaks(lambda: None).ok

    def failing() -> tuple[str, ...] | None:
        raise OSError("gsettings crashed")

    check = check_gnome_breaks(failing)
    assert check.ok and check.detail == "gsettings crashed"
