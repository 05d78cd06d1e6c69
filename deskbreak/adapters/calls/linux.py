"""Linux: a microphone capture stream (sound server) or a camera held open (/proc), whichever shows."""

from __future__ import annotations

from collections.abc import Mapping

from .base import CallSample, CallSense, combine
from .camera import CameraSense
from .pulse import PulseMicrophoneSense


class LinuxCallSense:
    """Both Linux signals; raises when the sound client cannot load (the chooser falls back to the
    camera alone). A sound server that is down only makes the microphone half unknown."""

    name = "linux"

    def __init__(self, environ: Mapping[str, str] | None = None, senses: tuple[CallSense, ...] = ()) -> None:
        self._senses = senses or (PulseMicrophoneSense(environ), CameraSense(environ))

    def sample(self) -> CallSample:
        return combine(sense.sample() for sense in self._senses)

    def close(self) -> None:
        for sense in self._senses:
            sense.close()
