"""A microphone in use on macOS: the default input device's "running somewhere" (CoreAudio, ctypes).

`kAudioDevicePropertyDeviceIsRunningSomewhere` is 1 while any process records from the device; it
is what the menu bar's orange dot follows. CoreAudio does not say which process (the process
objects that would need macOS 14.2 and its privacy prompt), so the reason names the device only.
Imports anywhere; loads the framework when built.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable, Mapping

from ...i18n import _
from ..activity.base import LogOnce
from .base import UNKNOWN_CALL, CallSample

log = logging.getLogger(__name__)

CORE_AUDIO = "/System/Library/Frameworks/CoreAudio.framework/CoreAudio"


def fourcc(code: str) -> int:
    return int.from_bytes(code.encode("ascii"), "big")


SYSTEM_OBJECT = 1  # kAudioObjectSystemObject
UNKNOWN_OBJECT = 0  # kAudioObjectUnknown: no input device at all
DEFAULT_INPUT_DEVICE = fourcc("dIn ")  # kAudioHardwarePropertyDefaultInputDevice
RUNNING_SOMEWHERE = fourcc("gone")  # kAudioDevicePropertyDeviceIsRunningSomewhere
SCOPE_GLOBAL = fourcc("glob")  # kAudioObjectPropertyScopeGlobal
ELEMENT_MAIN = 0  # kAudioObjectPropertyElementMain

# (object id, property selector) -> its UInt32 value; raises OSError on a nonzero OSStatus.
GetUInt32 = Callable[[int, int], int]


class PropertyAddress(ctypes.Structure):
    _fields_ = [("mSelector", ctypes.c_uint32), ("mScope", ctypes.c_uint32), ("mElement", ctypes.c_uint32)]


def core_audio_getter() -> GetUInt32:
    """`AudioObjectGetPropertyData` for one global UInt32 property (OSError off macOS)."""
    lib = ctypes.CDLL(ctypes.util.find_library("CoreAudio") or CORE_AUDIO)
    fn = lib.AudioObjectGetPropertyData
    fn.restype = ctypes.c_int32
    fn.argtypes = [
        ctypes.c_uint32,
        ctypes.POINTER(PropertyAddress),
        ctypes.c_uint32,
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_uint32),
        ctypes.c_void_p,
    ]

    def get(object_id: int, selector: int) -> int:
        address = PropertyAddress(selector, SCOPE_GLOBAL, ELEMENT_MAIN)
        value, size = ctypes.c_uint32(0), ctypes.c_uint32(4)
        status = fn(object_id, ctypes.byref(address), 0, None, ctypes.byref(size), ctypes.byref(value))
        if status != 0:
            raise OSError(f"AudioObjectGetPropertyData({selector:#x}) returned OSStatus {status}")
        return int(value.value)

    return get


class MacCallSense:
    name = "macos"

    def __init__(self, environ: Mapping[str, str] | None = None, get: GetUInt32 | None = None) -> None:
        self._get = get if get is not None else core_audio_getter()
        self._log = LogOnce(log)

    def sample(self) -> CallSample:
        try:
            device = self._get(SYSTEM_OBJECT, DEFAULT_INPUT_DEVICE)
            if device == UNKNOWN_OBJECT:
                return CallSample(False)
            running = self._get(device, RUNNING_SOMEWHERE)
        except Exception as exc:
            self._log(type(exc).__name__, "call sense: cannot read CoreAudio: %s", exc)
            return UNKNOWN_CALL
        # Translators: why a prompt waits (status line, tooltip): the microphone is in use (by an unknown program).
        return CallSample(True, _("microphone in use")) if running else CallSample(False)

    def close(self) -> None:
        pass
