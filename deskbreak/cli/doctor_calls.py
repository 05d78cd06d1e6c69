"""`deskbreak doctor`'s checks for calls and for GNOME's own break reminders, kept apart from
doctor.py (which hooks them in with one line). Each returns doctor's `Check` and never raises."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..adapters.calls.base import CallSense
    from .doctor_check import Check

SenseFactory = Callable[[], "CallSense"]
MOVEMENT = "movement"


def call_signals(environ: Mapping[str, str], platform: str) -> dict[str, SenseFactory]:
    """Each call signal this platform may have, built only when asked (lazy imports)."""
    if platform.startswith("linux"):
        from ..adapters.calls.camera import CameraSense
        from ..adapters.calls.pulse import PulseMicrophoneSense

        return {
            "microphone (sound server)": lambda: PulseMicrophoneSense(environ),
            "camera (/proc)": lambda: CameraSense(environ),
        }
    if platform == "win32":
        from ..adapters.calls.windows import WindowsCallSense

        return {"microphone and camera (privacy settings)": lambda: WindowsCallSense(environ)}
    if platform == "darwin":
        from ..adapters.calls.macos import MacCallSense

        return {"microphone (CoreAudio)": lambda: MacCallSense(environ)}
    return {}


def check_call_signals(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    signals: Mapping[str, SenseFactory] | None = None,
) -> Check:
    """Which call signals work here: each one built and asked once, as the daemon would."""
    from .doctor_check import Check

    try:
        signals = call_signals(environ, platform) if signals is None else signals
    except Exception as error:  # a backend that cannot even load here
        return Check("calls", False, f"no call signal loads here: {error}".splitlines()[0])
    working, failing = [], []
    for name, build in signals.items():
        try:
            sense = build()
        except Exception as error:
            failing.append(f"{name}: {error}".splitlines()[0])
            continue
        try:
            sample = sense.sample()
        finally:
            sense.close()
        if sample.in_call is None:
            failing.append(f"{name}: no answer{f' ({sample.reason})' if sample.reason else ''}")
        else:
            working.append(f"{name}{f' (now: {sample.reason})' if sample.in_call else ''}")
    if not working:
        return Check(
            "calls",
            False,
            "; ".join(failing) or "no call signal on this platform: prompts are not held for calls",
            "on Linux install pulsectl and libpulse0 and run PulseAudio or pipewire-pulse",
        )
    detail = "works: " + ", ".join(working)
    return Check("calls", True, detail + (f"; not: {'; '.join(failing)}" if failing else ""))


def check_gnome_breaks(read: Callable[[], tuple[str, ...] | None] | None = None) -> Check:
    """Warns when GNOME's own movement reminders (GNOME 48+) are on beside deskbreak."""
    from .doctor_check import Check

    if read is None:
        from ..adapters.gnome_breaks import selected_breaks

        read = selected_breaks
    try:
        breaks = read()
    except Exception as error:
        breaks, why = None, str(error).splitlines()[0]
    else:
        why = "no GNOME 48 break reminders here"
    if breaks is None:
        return Check("GNOME break reminders", True, why)
    if MOVEMENT not in breaks:
        shown = ", ".join(breaks) or "none"
        return Check("GNOME break reminders", True, f"movement reminders off (on: {shown})")
    return Check(
        "GNOME break reminders",
        False,
        "GNOME's movement reminders are on too: two apps remind you to move (deskbreak holds its "
        "prompt during GNOME's breaks and counts them as natural breaks)",
        "choose one: turn off Settings → Wellbeing → Movement Reminders, or `deskbreak autostart "
        "disable` and `deskbreak quit`",
    )


def call_checks(environ: Mapping[str, str] = os.environ) -> list[Check]:
    """The checks doctor runs from this module."""
    return [check_call_signals(environ), check_gnome_breaks()]
