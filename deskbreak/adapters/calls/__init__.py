"""The call port: whether the user is in a call (a microphone or camera in use), and by what.

One module per platform implements `CallSense` (`linux` = `pulse` + `camera`, `windows`, `macos`,
`fake` in this folder; the port itself is in `base`); `choose_call_sense` picks one at start-up,
importing only the backends it tries. `DESKBREAK_CALL_SENSE` overrides the choice. Where nothing
works the daemon gets a `NullCallSense` and never holds a prompt for a call.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

from ...i18n import N_
from ..choose import Choice, first_that_works, load, override
from .base import NOT_IN_CALL, UNKNOWN_CALL, CallSample, CallSense, NullCallSense  # noqa: F401 (the port)

log = logging.getLogger(__name__)

ENV_OVERRIDE = "DESKBREAK_CALL_SENSE"

# name -> "module:class"; each class is built as cls(environ) and raises when it cannot work here.
BACKENDS: Mapping[str, str] = {
    "linux": "linux:LinuxCallSense",
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
        # Without the sound client (no pulsectl or libpulse) the camera still tells.
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
    forced = override(environ, ENV_OVERRIDE, NAMES, log)
    how = f"{ENV_OVERRIDE}={forced}" if forced else ""
    if forced == "none":
        log.info("call sense: none (%s); prompts are not held for calls", ENV_OVERRIDE)
        return Choice("call sense", "none", NullCallSense(how), how)

    def build(name: str) -> CallSense:
        factory: Factory = factories[name] if factories is not None else load(__package__, BACKENDS[name])
        return factory(environ)

    names = (forced,) if forced else candidates(environ, platform)
    _name, sense, failures = first_that_works(names, build, log)
    if sense is None:
        reason = "; ".join(map(str, failures)) or N_("no backend for this platform")
        log.warning("no call sense works here (%s); prompts are not held for calls", reason)
        return Choice("call sense", "none", NullCallSense(reason), how, failures)
    log.info("call sense: %s%s", sense.name, f" ({ENV_OVERRIDE})" if forced else "")
    return Choice("call sense", sense.name, sense, how, failures)


def choose_call_sense(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    factories: Mapping[str, Factory] | None = None,
) -> CallSense:
    """The sense `pick_call_sense` chooses (see there)."""
    return pick_call_sense(environ, platform, factories).adapter
