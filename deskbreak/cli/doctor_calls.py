"""`deskbreak doctor`'s checks for calls and for GNOME's own break reminders, kept apart from
doctor.py (which hooks them in with one line). Each returns doctor's `Check` and never raises."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..i18n import N_, _

if TYPE_CHECKING:
    from ..adapters.calls.base import CallSense
    from .doctor_check import Check

SenseFactory = Callable[[], "CallSense"]
MOVEMENT = "movement"


def call_signals(environ: Mapping[str, str], platform: str) -> dict[str, SenseFactory]:
    """Each call signal this platform may have (by its English name, translated when shown), built
    only when asked (lazy imports)."""
    if platform.startswith("linux"):
        from ..adapters.calls.camera import CameraSense
        from ..adapters.calls.linux import microphone_backend, microphone_sense

        # The microphone sense the daemon's Linux sense uses, named by its client.
        microphone = {"pactl": N_("microphone (pactl)"), "pulse": N_("microphone (pulsectl)")}
        return {
            microphone[microphone_backend(environ)]: lambda: microphone_sense(environ),
            N_("camera (/proc)"): lambda: CameraSense(environ),
        }
    if platform == "win32":
        from ..adapters.calls.windows import WindowsCallSense

        return {N_("microphone and camera (privacy settings)"): lambda: WindowsCallSense(environ)}
    if platform == "darwin":
        from ..adapters.calls.macos import MacCallSense

        return {N_("microphone (CoreAudio)"): lambda: MacCallSense(environ)}
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
        return Check(
            N_("calls"), False, _("no call signal loads here: {error}").format(error=error).splitlines()[0]
        )
    working, failing = [], []
    for signal, build in signals.items():
        name = _(signal)
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
            if sample.reason:
                failing.append(_("{signal}: no answer ({reason})").format(signal=name, reason=sample.reason))
            else:
                failing.append(_("{signal}: no answer").format(signal=name))
        elif sample.in_call:
            working.append(_("{signal} (now: {reason})").format(signal=name, reason=sample.reason))
        else:
            working.append(name)
    if not working:
        return Check(
            N_("calls"),
            False,
            "; ".join(failing) or _("no call signal on this platform: prompts are not held for calls"),
            # Translators: pactl, pulseaudio-utils, PulseAudio and pipewire-pulse are names: keep them.
            _(
                "on Linux install pactl (Debian, Ubuntu: pulseaudio-utils) and run PulseAudio or pipewire-pulse"
            ),
        )
    if failing:
        detail = _("works: {working}; not: {failing}").format(
            working=", ".join(working), failing="; ".join(failing)
        )
    else:
        detail = _("works: {working}").format(working=", ".join(working))
    return Check(N_("calls"), True, detail)


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
        why = _("no GNOME 48 break reminders here")
    if breaks is None:
        return Check(N_("GNOME break reminders"), True, why)
    if MOVEMENT not in breaks:
        # Translators: no kind of GNOME break reminder is on.
        shown = ", ".join(breaks) or _("none")
        return Check(
            N_("GNOME break reminders"), True, _("movement reminders off (on: {breaks})").format(breaks=shown)
        )
    return Check(
        N_("GNOME break reminders"),
        False,
        _(
            "GNOME's movement reminders are on too: two apps remind you to move (deskbreak holds its "
            "prompt during GNOME's breaks and counts them as natural breaks)"
        ),
        # Translators: name GNOME Settings' panels as GNOME shows them in your language.
        _(
            "choose one: turn off Settings → Wellbeing → Movement Reminders, or `deskbreak autostart "
            "disable` and `deskbreak quit`"
        ),
    )


def call_checks(environ: Mapping[str, str] = os.environ) -> list[Check]:
    """The checks doctor runs from this module."""
    return [check_call_signals(environ), check_gnome_breaks()]
