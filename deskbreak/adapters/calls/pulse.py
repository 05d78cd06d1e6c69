"""A microphone in use, read from the sound server over the PulseAudio protocol (pulsectl).

PipeWire serves the same protocol through pipewire-pulse, so one client covers both servers. Each
sample connects, lists the capture streams ("source outputs") and the sources, and disconnects:
about 2 ms on a local socket, and nothing is held open or subscribed to between prompts, so a
restarted sound server needs no reconnect logic. Never autospawns a server. Which stream is a call
is decided in `capture`, as for the pactl sense.

The fallback where pactl is missing: libpulse and the libraries it brings (about 2.4 MB of private
memory) stay mapped in the daemon from the first sample on, where pactl's leave with its process.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import logging
import os
from collections.abc import Mapping
from typing import Any

from ..activity.base import LogOnce
from .base import UNKNOWN_CALL, CallSample
from .capture import INVALID_INDEX, CaptureStream, app_name, microphone_sample, process_id

log = logging.getLogger(__name__)


def capture_stream(output: Any, monitor_sources: set[int]) -> CaptureStream:
    """A pulsectl `PulseSourceOutputInfo` as a `CaptureStream`."""
    props: Mapping[str, str] = output.proplist
    return CaptureStream(
        app=app_name(props, output.name),
        pid=process_id(props),
        app_id=props.get("application.id", ""),
        from_monitor=output.source in monitor_sources,
        from_client=output.client not in (None, INVALID_INDEX),
        corked=bool(output.corked),
    )


class PulseMicrophoneSense:
    """Raises when built where pulsectl or libpulse is missing; the server itself may come and go."""

    name = "pulse"

    def __init__(self, environ: Mapping[str, str] | None = None, server: str | None = None) -> None:
        if importlib.util.find_spec("pulsectl") is None:
            raise ImportError("pulsectl is not installed")
        if ctypes.util.find_library("pulse") is None:
            raise OSError("libpulse is not installed (Debian: libpulse0)")
        env = os.environ if environ is None else environ
        # libpulse reads PULSE_SERVER itself; passing it keeps an injected environment honest.
        self._server = server or env.get("PULSE_SERVER") or None
        self._log = LogOnce(log)

    def streams(self) -> list[CaptureStream]:
        # ~30 ms and libpulse loaded on the first prompt, not at start-up.
        import pulsectl  # type: ignore[import-untyped]  # pulsectl ships no type information

        pulse = pulsectl.Pulse("deskbreak", server=self._server, connect=False)
        try:
            # No `timeout=`: pulsectl 24.12 then waits the whole timeout even after connecting. Without
            # it a missing server fails at once, and a hung one is bounded by libpulse's own reply timeout.
            pulse.connect(autospawn=False)
            monitors = {s.index for s in pulse.source_list() if s.monitor_of_sink != INVALID_INDEX}
            return [capture_stream(o, monitors) for o in pulse.source_output_list()]
        finally:
            pulse.close()

    def sample(self) -> CallSample:
        try:
            streams = self.streams()
        except Exception as exc:  # no server (yet), a dropped connection, a missing library
            self._log(type(exc).__name__, "microphone sense: cannot read the sound server: %s", exc)
            return UNKNOWN_CALL
        return microphone_sample(streams, os.getpid())

    def close(self) -> None:
        pass  # nothing is held between samples
