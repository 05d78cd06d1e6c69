"""A microphone or camera in use on Windows: the privacy settings' "last used" records (`winreg`).

Windows keeps, per application allowed to use a capability, the FILETIMEs `LastUsedTimeStart` and
`LastUsedTimeStop` under HKCU\\...\\CapabilityAccessManager\\ConsentStore\\<capability>\\<app>
(Store apps) and ...\\NonPackaged\\<path with # for \\> (desktop apps). While the app uses the device
its stop time is 0; this is what the taskbar's "in use" icon reads. One registry walk, no
subscription; imports anywhere, and opens the registry only when asked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Protocol

from ..activity.base import LogOnce
from .base import UNKNOWN_CALL, CallSample, combine, in_use_by

log = logging.getLogger(__name__)

CONSENT_STORE = r"Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore"
DEVICES = (("microphone", "microphone"), ("webcam", "camera"))  # (capability key, what users call it)


class RegistryReader(Protocol):
    """The part of the current user's registry the sense reads; a missing key gives [] / None."""

    def subkeys(self, path: str) -> list[str]: ...

    def value(self, path: str, name: str) -> int | None: ...


class WinregReader:
    """HKEY_CURRENT_USER through the standard `winreg` module (ImportError off Windows)."""

    def __init__(self) -> None:
        import winreg

        self._winreg = winreg

    def subkeys(self, path: str) -> list[str]:
        winreg = self._winreg
        try:
            key = winreg.OpenKey(winreg.HKEY_CURRENT_USER, path)
        except FileNotFoundError:
            return []
        with key:
            names, index = [], 0
            while True:
                try:
                    names.append(winreg.EnumKey(key, index))
                except OSError:  # no more subkeys
                    return names
                index += 1

    def value(self, path: str, name: str) -> int | None:
        winreg = self._winreg
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, path) as key:
                data, _kind = winreg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        return data if isinstance(data, int) else None


def app_name(key: str) -> str:
    """ "C:#Program Files#Zoom#bin#Zoom.exe" -> "Zoom"; "Microsoft.WindowsCamera_8wekyb3d8bbwe" ->
    "Microsoft.WindowsCamera" (a Store app's package family without its publisher hash)."""
    if "#" in key:
        base = key.rsplit("#", 1)[-1]
        return base[:-4] if base.lower().endswith(".exe") else base
    return key.rsplit("_", 1)[0] if "_" in key else key


def apps_in_use(reader: RegistryReader, capability: str) -> Iterator[str]:
    root = rf"{CONSENT_STORE}\{capability}"
    for parent in (root, rf"{root}\NonPackaged"):
        for key in reader.subkeys(parent):
            if key == "NonPackaged":
                continue
            path = rf"{parent}\{key}"
            # A start time with no stop time yet: in use now (an app allowed but never run has neither).
            if (
                reader.value(path, "LastUsedTimeStop") == 0
                and (reader.value(path, "LastUsedTimeStart") or 0) > 0
            ):
                yield app_name(key)


class WindowsCallSense:
    name = "windows"

    def __init__(
        self, environ: Mapping[str, str] | None = None, reader: RegistryReader | None = None
    ) -> None:
        self._reader = reader if reader is not None else WinregReader()
        self._log = LogOnce(log)

    def sample(self) -> CallSample:
        try:
            return combine(
                in_use_by(device, apps_in_use(self._reader, capability)) for capability, device in DEVICES
            )
        except Exception as exc:
            self._log(type(exc).__name__, "call sense: cannot read the privacy settings: %r", exc)
            return UNKNOWN_CALL

    def close(self) -> None:
        pass
