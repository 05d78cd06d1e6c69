"""Idle time on macOS (ctypes on CoreGraphics; imports anywhere, loads the framework when built).

`CGEventSourceSecondsSinceLastEventType(kCGEventSourceStateCombinedSessionState,
kCGAnyInputEventType)`: seconds since the last keyboard, pointer or tablet event in this login
session, the same figure IOKit's `HIDIdleTime` gives without walking the I/O registry. Lock,
fullscreen and Focus need Objective-C or private APIs: reported as unknown (None).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Mapping
from typing import Any

from .base import ActivitySample, LogOnce

log = logging.getLogger(__name__)

COMBINED_SESSION_STATE = 0  # kCGEventSourceStateCombinedSessionState (Private = -1, HIDSystem = 1)
ANY_INPUT_EVENT = 0xFFFFFFFF  # kCGAnyInputEventType = ~0 as a uint32 CGEventType
CORE_GRAPHICS = "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics"


class MacIdleProbe:
    name = "macos"

    def __init__(self, environ: Mapping[str, str] | None = None, cg: Any = None) -> None:
        if cg is None:
            path = ctypes.util.find_library("CoreGraphics") or CORE_GRAPHICS
            cg = ctypes.CDLL(path)  # OSError off macOS
            fn = cg.CGEventSourceSecondsSinceLastEventType
            fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_int32, ctypes.c_uint32]
        self._cg = cg
        self._log = LogOnce(log)

    def idle_seconds(self) -> float | None:
        seconds = float(
            self._cg.CGEventSourceSecondsSinceLastEventType(COMBINED_SESSION_STATE, ANY_INPUT_EVENT)
        )
        return seconds if seconds >= 0 else None

    def sample(self) -> ActivitySample:
        try:
            idle = self.idle_seconds()
        except Exception as exc:
            self._log("sample", "macOS idle probe failed: %r", exc)
            idle = None
        return ActivitySample(idle, None, None, None)

    def close(self) -> None:
        pass
