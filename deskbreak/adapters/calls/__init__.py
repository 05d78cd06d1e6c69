"""The call port: whether the user is in a call (a microphone or camera in use), and by what.

One module per platform implements `CallSense` (`linux` = the microphone through `pactl`, else the
in-process `pulse`, + `camera`; `windows`, `macos`, `fake` in this folder; the port itself is in
`base`, the rules for a microphone stream in `capture`); `choose_call_sense` picks one at start-up,
importing only the backends it tries. `DESKBREAK_CALL_SENSE` overrides the choice (`pactl` or
`pulse` alone: the microphone without the camera). Where nothing works the daemon gets a
`NullCallSense` and never holds a prompt for a call.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

from ..choose import Choice, first_or_null, load
from .base import ENV_OVERRIDE, NOT_IN_CALL, UNKNOWN_CALL, CallSample, CallSense, NullCallSense  # noqa: F401 (the port)

log = logging.getLogger(__name__)

# name -> "module:class"; each class is built as cls(environ) and raises when it cannot work here.
BACKENDS: Mapping[str, str] = {
    "linux": "linux:LinuxCallSense",
    "pactl": "pactl:PactlMicrophoneSense",
    "pulse": "pulse:PulseMicrophoneSense",
    "camera": "camera:CameraSense",
    "windows": "windows:WindowsCallSense",
    "macos": "macos:MacCallSense",
    "fake": "fake:FakeCallSense",
}
NAMES = (*BACKENDS, "none")

Factory = Callable[[Mapping[str, str]], CallSense]


def candidates(environ: Mapping[str, str], platform: str) -> tuple[str, ...]:
    """The backends worth trying here, best first."""
    if platform == "win32":
        return ("windows",)
    if platform == "darwin":
        return ("macos",)
    if platform.startswith("linux"):
        # Without a sound client (no pactl, no pulsectl or libpulse) the camera still tells.
        return ("linux", "camera")
    return ()


def pick_call_sense(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    factories: Mapping[str, Factory] | None = None,
) -> Choice[CallSense]:
    """The first sense that works here (or the one `DESKBREAK_CALL_SENSE` names), and why not the
    others; logged once. Where none works, a NullCallSense: prompts are not held for calls.

    `factories` replaces the lazy imports (tests); each factory raises when its backend cannot work.
    """

    def build(name: str) -> CallSense:
        factory: Factory = factories[name] if factories is not None else load(__package__, BACKENDS[name])
        return factory(environ)

    choice = first_or_null(
        "call sense",
        environ,
        ENV_OVERRIDE,
        NAMES,
        candidates(environ, platform),
        build,
        NullCallSense,
        "prompts are not held for calls",
        log,
    )
    if choice.name != "none":
        log.info("call sense: %s%s", choice.name, f" ({ENV_OVERRIDE})" if choice.forced else "")
    return choice


def choose_call_sense(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    factories: Mapping[str, Factory] | None = None,
) -> CallSense:
    """The sense `pick_call_sense` chooses (see there)."""
    return pick_call_sense(environ, platform, factories).adapter
