"""When a capture stream on the sound server is a call: the rules every microphone sense shares.

The sound server's clients differ (pactl in a child process, pulsectl in-process); what they read
is one fact, decided here. A capture stream ("source output") counts as a call when it records a
real source (not the monitor of a sink, which records the speakers), belongs to a client (not a
loopback inside the server), is not paused (corked), and is not this process's own nor a volume
mixer's level meter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .base import CallSample, in_use_by

INVALID_INDEX = 0xFFFFFFFF  # PA_INVALID_INDEX: "no sink", "no client"
# Mixers open a peak-detect stream on every source to draw its level meter while their window is open.
LEVEL_METERS = frozenset({"org.PulseAudio.pavucontrol", "org.gnome.VolumeControl"})


@dataclass(frozen=True)
class CaptureStream:
    """What a microphone sense needs to know of one source output and the source it records."""

    app: str  # the process binary, else the application name, else the stream name
    pid: int | None
    app_id: str
    from_monitor: bool
    from_client: bool
    corked: bool


def is_call(stream: CaptureStream, own_pid: int) -> bool:
    return (
        not stream.from_monitor
        and stream.from_client
        and not stream.corked
        and stream.pid != own_pid
        and stream.app_id not in LEVEL_METERS
    )


def microphone_sample(streams: Iterable[CaptureStream], own_pid: int) -> CallSample:
    return in_use_by("microphone", (s.app for s in streams if is_call(s, own_pid)))


def app_name(properties: Mapping[str, str], stream_name: str | None) -> str:
    """How a stream's application is named: its binary, else its application name, else the stream's."""
    return (
        properties.get("application.process.binary")
        or properties.get("application.name")
        or stream_name
        or "?"
    )


def process_id(properties: Mapping[str, str]) -> int | None:
    pid = properties.get("application.process.id", "")
    return int(pid) if pid.isdigit() else None
