"""The call port: whether the user is in a call (a microphone or camera in use), and by what.

One module per platform implements `CallSense` (`linux` = `pulse` + `camera`, `windows`, `macos`,
`fake` in this folder; the port itself is in `base`); `choose_call_sense` picks one at start-up,
importing only the backends it tries. `DESKBREAK_CALL_SENSE` overrides the choice. Where nothing
works the daemon gets a `NullCallSense` and never holds a prompt for a call.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping

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


def _load(name: str) -> Factory:
    module, cls = BACKENDS[name].split(":")
    factory: Factory = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
    return factory


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


def choose_call_sense(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    factories: Mapping[str, Factory] | None = None,
) -> CallSense:
    """Build the first sense that works here (or the one `DESKBREAK_CALL_SENSE` names); log it once.

    `factories` replaces the lazy imports (tests); each factory raises when its backend cannot work.
    """
    override = environ.get(ENV_OVERRIDE, "").strip().lower()
    if override and override not in NAMES:
        log.warning(
            "%s=%s is not one of %s; choosing automatically", ENV_OVERRIDE, override, ", ".join(NAMES)
        )
        override = ""
    if override == "none":
        log.info("call sense: none (%s); prompts are not held for calls", ENV_OVERRIDE)
        return NullCallSense(f"{ENV_OVERRIDE}=none")
    names = (override,) if override else candidates(environ, platform)
    failures = []
    for name in names:
        try:
            factory = factories[name] if factories is not None else _load(name)
            sense = factory(environ)
        except Exception as exc:  # ImportError, no /proc, no libpulse, not this platform
            log.debug("call sense %s unavailable", name, exc_info=True)
            failures.append(f"{name}: {type(exc).__name__}: {exc}".splitlines()[0])
            continue
        log.info("call sense: %s%s", sense.name, f" ({ENV_OVERRIDE})" if override else "")
        return sense
    reason = "; ".join(failures) or "no backend for this platform"
    log.warning("no call sense works here (%s); prompts are not held for calls", reason)
    return NullCallSense(reason)
