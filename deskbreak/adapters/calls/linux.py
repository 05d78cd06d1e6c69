"""Linux: a microphone capture stream (sound server) or a camera held open (/proc), whichever shows.

The microphone is asked through `pactl` where it is installed (a child process per sample: nothing
of libpulse stays in the daemon), else through the in-process pulsectl client; the override
(`DESKBREAK_CALL_SENSE=pactl|pulse`) names one. `microphone_backend` is that choice, for the
daemon and for `deskbreak doctor` alike.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..choose import load
from .base import ENV_OVERRIDE, CallSample, CallSense, combine
from .camera import CameraSense
from .pactl import find_pactl

# name -> "module:class", imported only when chosen: the in-process client brings ctypes.
MICROPHONES: Mapping[str, str] = {
    "pactl": "pactl:PactlMicrophoneSense",
    "pulse": "pulse:PulseMicrophoneSense",
}


def microphone_backend(environ: Mapping[str, str] | None = None) -> str:
    """The microphone sense to use here: the one the override names, else pactl where it is
    installed, else the in-process client."""
    env = os.environ if environ is None else environ
    forced = env.get(ENV_OVERRIDE, "").strip().lower()
    if forced in MICROPHONES:
        return forced
    return "pactl" if find_pactl(env) else "pulse"


def microphone_sense(environ: Mapping[str, str] | None = None) -> CallSense:
    """The sense `microphone_backend` names, built; raises when it cannot work here."""
    factory = load(__package__, MICROPHONES[microphone_backend(environ)])
    sense: CallSense = factory(environ)
    return sense


class LinuxCallSense:
    """Both Linux signals; raises when no microphone sense can work (the chooser falls back to the
    camera alone). A sound server that is down only makes the microphone half unknown."""

    name = "linux"

    def __init__(self, environ: Mapping[str, str] | None = None, senses: tuple[CallSense, ...] = ()) -> None:
        self._senses = senses or (microphone_sense(environ), CameraSense(environ))

    @property
    def microphone(self) -> str:
        """The name of the microphone sense in use ("pactl", "pulse")."""
        return self._senses[0].name

    def sample(self) -> CallSample:
        return combine(sense.sample() for sense in self._senses)

    def close(self) -> None:
        for sense in self._senses:
            sense.close()
