"""What a daemon uses in its session: the notifier, tray, idle probe and resume signal its choosers
picked (and why not the others), and whether a guided window can open there.

The running daemon answers `facts` with these, read from the `Choice`s its composition root kept;
`doctor` with no daemon running builds the very same facts from the very same choosers
(`adapters/*/pick_*`) in its own process. So what doctor reports is either what the daemon uses or
what the daemon's code would pick here, never a second opinion. Plain JSON values: they cross the
control socket.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..adapters.choose import Choice
from ..adapters.dbus import session_bus_address
from ..adapters.window.availability import unavailable_reason


def choice_facts(choice: Choice[Any]) -> dict[str, Any]:
    """One port's choice: the backend, the override that forced it, each candidate that failed and why."""
    return {
        "name": choice.name,
        "forced": choice.forced,
        "failures": [{"name": failure.name, "why": failure.why} for failure in choice.failures],
        "describe": choice.describe(),
    }


@dataclass(frozen=True)
class SessionChoices:
    """The choosers' decisions, kept by the composition root (or by doctor's prediction).
    `notifier_in_use`: the notifier the chain sends through now (it falls back, and back, at run time)."""

    notifications: Choice[Any]
    tray: Choice[Any]
    idle_probe: Choice[Any]
    resume: Choice[Any]
    notifier_in_use: Callable[[], str]
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def facts(self) -> dict[str, Any]:
        """The facts as they are now (cheap: no bus or display round trip, safe under the daemon's lock)."""
        environ = self.environ
        probe = self.idle_probe.adapter
        tray = self.tray.adapter
        why_no_window = unavailable_reason(environ)
        return {
            "environment": {
                "display": environ.get("DISPLAY", ""),
                "wayland_display": environ.get("WAYLAND_DISPLAY", ""),
                "bus": session_bus_address(environ) or "",
            },
            "notifications": {**choice_facts(self.notifications), "in_use": self.notifier_in_use()},
            "tray": {
                **choice_facts(self.tray),
                "has_menu": bool(getattr(tray, "has_menu", False)),
                "host": str(getattr(tray, "watcher", "") or ""),  # a StatusNotifierItem's watcher
            },
            "idle_probe": {
                **choice_facts(self.idle_probe),
                "protocol": str(getattr(probe, "protocol", "") or ""),
                "reason": str(getattr(probe, "reason", "") or ""),
            },
            "resume": choice_facts(self.resume),
            "guided_window": {"can_open": why_no_window is None, "why_not": why_no_window or ""},
        }
