"""The call port: is the user in a call (a microphone or camera in use) right now, and by what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ...i18n import N_, _

# Names the call sense to use (a backend of the chooser, or "none"); read where a choice is made.
ENV_OVERRIDE = "DESKBREAK_CALL_SENSE"


@dataclass(frozen=True)
class CallSample:
    """One reading. `in_call` None means "this sense cannot tell" (or it failed); `reason` names the
    signal and the application for the status line and the tooltip, e.g. "microphone in use by
    firefox", "camera in use by zoom"; empty when not in a call and nothing went wrong."""

    in_call: bool | None
    reason: str = ""


UNKNOWN_CALL = CallSample(None)
NOT_IN_CALL = CallSample(False)


class CallSense(Protocol):
    """Tells whether the user is in a call.

    Called from the daemon's worker thread (never the tray loop), and only when a prompt falls due
    and while one is held: a sense starts no thread, subscribes to nothing and keeps nothing open
    between samples, so it costs nothing while no prompt is due. `sample` may block up to ~100 ms
    (a round trip to the sound server, a /proc scan, a registry read) and never raises: a failure
    gives `in_call=None` and is logged once. `close` releases what the sense holds; a closed sense
    is not used again.
    """

    name: str  # "linux", "pactl", "pulse", "camera", "windows", "macos", "none", "fake"

    def sample(self) -> CallSample: ...

    def close(self) -> None: ...


class NullCallSense:
    """Cannot tell: prompts are never held for a call. `reason` says why (for `deskbreak doctor`)."""

    name = "none"

    def __init__(self, reason: str = "") -> None:
        self.reason = reason

    def sample(self) -> CallSample:
        return UNKNOWN_CALL

    def close(self) -> None:
        pass


def combine(samples: Iterable[CallSample]) -> CallSample:
    """Several signals as one: in a call when any says so (their reasons joined), unknown only when
    every one is unknown, otherwise not in a call."""
    samples = list(samples)
    calls = [s.reason for s in samples if s.in_call]
    if calls:
        return CallSample(True, "; ".join(r for r in calls if r))
    if samples and all(s.in_call is None for s in samples):
        return CallSample(None, "; ".join(s.reason for s in samples if s.reason))
    return NOT_IN_CALL


# The reason shown in the status line and the tooltip, one sentence per device (its words agree
# with the device in many languages); the devices are the backends' own keys.
IN_USE_BY = {
    # Translators: why a prompt waits (status line, tooltip); {apps} are program names, e.g. "firefox, zoom".
    "microphone": N_("microphone in use by {apps}"),
    # Translators: why a prompt waits (status line, tooltip); {apps} are program names, e.g. "obs, zoom".
    "camera": N_("camera in use by {apps}"),
}


def in_use_by(device: str, apps: Iterable[str]) -> CallSample:
    """`device` in use by these applications (sorted, each named once), or not in a call; the
    reason in the user's language."""
    names = sorted(set(apps))
    if not names:
        return NOT_IN_CALL
    listed = ", ".join(names)
    template = IN_USE_BY.get(device)
    if template is None:
        # Translators: why a prompt waits; {device} names a device, {apps} are program names.
        return CallSample(True, _("{device} in use by {apps}").format(device=device, apps=listed))
    return CallSample(True, _(template).format(apps=listed))
