"""The autostart port: what a backend reports, and the interface every platform's backend has."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

MARKER = "X-Deskbreak-Managed"


@dataclass(frozen=True)
class AutostartStatus:
    method: str  # "xdg", "systemd", "launchagent", "windows-run"
    location: str  # the file or registry value
    enabled: bool
    managed: bool  # the entry there was written by deskbreak
    detail: str


class AutostartError(RuntimeError):
    """Autostart cannot be changed (a foreign entry in the way, a failing systemctl...); one line."""


class Backend(Protocol):
    method: str

    def enable(self, argv: Sequence[str]) -> str: ...

    def disable(self) -> str: ...

    def status(self) -> AutostartStatus: ...
