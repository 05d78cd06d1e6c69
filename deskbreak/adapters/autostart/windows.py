"""Autostart on Windows: a value `deskbreak` under HKCU\\...\\CurrentVersion\\Run (per user, no admin)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from typing import Protocol

from ...i18n import N_, _
from .base import AutostartError, AutostartStatus

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE = "deskbreak"


class Registry(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


NOT_WINDOWS = N_("the registry's Run key exists only on Windows")

if sys.platform == "win32":  # winreg exists only there; mypy skips this block when checking for Linux
    import winreg

    def _open_run_key(write: bool) -> winreg.HKEYType:
        access = winreg.KEY_SET_VALUE | winreg.KEY_QUERY_VALUE if write else winreg.KEY_QUERY_VALUE
        return winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, access)


class WinRegRun:
    """The real HKCU Run key; on any other platform each call raises AutostartError."""

    def get(self, name: str) -> str | None:
        if sys.platform == "win32":
            with _open_run_key(write=False) as key:
                try:
                    return str(winreg.QueryValueEx(key, name)[0])
                except FileNotFoundError:
                    return None
        raise AutostartError(_(NOT_WINDOWS))

    def set(self, name: str, value: str) -> None:
        if sys.platform == "win32":
            with _open_run_key(write=True) as key:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)
                return
        raise AutostartError(_(NOT_WINDOWS))

    def delete(self, name: str) -> None:
        if sys.platform == "win32":
            with _open_run_key(write=True) as key:
                winreg.DeleteValue(key, name)
                return
        raise AutostartError(_(NOT_WINDOWS))


def command_line(argv: Sequence[str]) -> str:
    """Quoted the way the Windows C runtime splits it back (paths with spaces stay one argument)."""
    return subprocess.list2cmdline(list(argv))


def _ours(value: str) -> bool:
    return "deskbreak" in value.lower()


class RunKey:
    method = "windows-run"

    def __init__(self, registry: Registry | None = None):
        self.registry = registry or WinRegRun()
        self.location = f"HKCU\\{RUN_KEY}\\{VALUE}"

    def status(self) -> AutostartStatus:
        value = self.registry.get(VALUE)
        if value is None:
            return AutostartStatus(self.method, self.location, False, False, _("not enabled"))
        if not _ours(value):
            return AutostartStatus(
                self.method,
                self.location,
                False,
                False,
                _("a value deskbreak did not write is there: {value}").format(value=value),
            )
        return AutostartStatus(
            self.method, self.location, True, True, _("enabled: {path}").format(path=value)
        )

    def enable(self, argv: Sequence[str]) -> str:
        value = self.registry.get(VALUE)
        if value is not None and not _ours(value):
            raise AutostartError(
                _("{path} holds {value}, not written by deskbreak; remove it first").format(
                    path=self.location, value=repr(value)
                )
            )
        self.registry.set(VALUE, command_line(argv))
        return _("enabled: {path}").format(path=self.location)

    def disable(self) -> str:
        value = self.registry.get(VALUE)
        if value is None:
            return _("not enabled: {path}").format(path=self.location)
        if not _ours(value):
            return _("left alone: {path} (not written by deskbreak)").format(path=self.location)
        self.registry.delete(VALUE)
        return _("disabled: removed {path}").format(path=self.location)
