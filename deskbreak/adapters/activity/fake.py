"""A settable activity probe for tests and headless runs (`DESKBREAK_IDLE_PROBE=fake`)."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Mapping
from typing import Any

from .base import UNKNOWN, ActivitySample

log = logging.getLogger(__name__)

_KEEP: object = object()


class FakeActivityProbe:
    """Returns whatever the test last `set`; counts the samples taken. Safe from any thread."""

    name = "fake"

    def __init__(self, environ: Mapping[str, str] | None = None, sample: ActivitySample = UNKNOWN) -> None:
        self._lock = threading.Lock()
        self._sample = sample
        self.samples_taken = 0
        self.closed = False

    def set(
        self,
        idle: float | object | None = _KEEP,
        locked: bool | object | None = _KEEP,
        fullscreen: bool | object | None = _KEEP,
        inhibited: bool | object | None = _KEEP,
    ) -> None:
        """Change the named fields; the others keep their values."""
        changes: dict[str, Any] = {
            field: value
            for field, value in (
                ("idle_seconds", idle),
                ("locked", locked),
                ("fullscreen", fullscreen),
                ("notifications_inhibited", inhibited),
            )
            if value is not _KEEP
        }
        with self._lock:
            self._sample = dataclasses.replace(self._sample, **changes)

    def sample(self) -> ActivitySample:
        with self._lock:
            self.samples_taken += 1
            return self._sample

    def close(self) -> None:
        self.closed = True
