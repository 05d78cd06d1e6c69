"""A settable call sense for tests and headless runs (`DESKBREAK_CALL_SENSE=fake`)."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from .base import NOT_IN_CALL, CallSample


class FakeCallSense:
    """Returns whatever the test last `set`; counts the samples taken. Safe from any thread."""

    name = "fake"

    def __init__(self, environ: Mapping[str, str] | None = None, sample: CallSample = NOT_IN_CALL) -> None:
        self._lock = threading.Lock()
        self._sample = sample
        self.samples_taken = 0
        self.closed = False

    def set(self, in_call: bool | None, reason: str = "") -> None:
        with self._lock:
            self._sample = CallSample(in_call, reason)

    def sample(self) -> CallSample:
        with self._lock:
            self.samples_taken += 1
            return self._sample

    def close(self) -> None:
        self.closed = True
