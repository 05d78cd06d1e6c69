"""Autostart on macOS: a LaunchAgent plist in `~/Library/LaunchAgents` (loaded at the next login)."""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path

from ...i18n import _
from .base import AutostartError, AutostartStatus

LABEL = "io.github.deskbreak"
MARKER_KEY = "DeskbreakManaged"


class LaunchAgent:
    method = "launchagent"

    def __init__(self, home: Path):
        self.path = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"

    def _read(self) -> dict[str, object] | None:
        """The plist's top-level dict; {} (no marker: not ours) for a broken file or one whose top
        level is not a dict (an array or a string is a valid plist too)."""
        try:
            with self.path.open("rb") as stream:
                plist = plistlib.load(stream)
        except FileNotFoundError:
            return None
        except (plistlib.InvalidFileException, ValueError):
            return {}
        return plist if isinstance(plist, dict) else {}

    def status(self) -> AutostartStatus:
        plist = self._read()
        if plist is None:
            return AutostartStatus(self.method, str(self.path), False, False, _("not enabled"))
        if plist.get(MARKER_KEY) is not True:
            return AutostartStatus(
                self.method,
                str(self.path),
                False,
                False,
                _("a LaunchAgent that deskbreak did not write is there"),
            )
        return AutostartStatus(
            self.method, str(self.path), not plist.get("Disabled", False), True, _("enabled")
        )

    def enable(self, argv: Sequence[str]) -> str:
        plist = self._read()
        if plist is not None and plist.get(MARKER_KEY) is not True:
            raise AutostartError(
                _("{path} exists and was not written by deskbreak; remove it first").format(path=self.path)
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("wb") as stream:
            plistlib.dump(
                {
                    "Label": LABEL,
                    "ProgramArguments": list(argv),  # an argv list: no quoting, no shell
                    "RunAtLoad": True,
                    "KeepAlive": {"SuccessfulExit": False},  # restart after a crash, not after Quit
                    "ProcessType": "Interactive",
                    MARKER_KEY: True,
                },
                stream,
            )
        return _("enabled: {path} (starts at your next login)").format(path=self.path)

    def disable(self) -> str:
        plist = self._read()
        if plist is None:
            return _("not enabled: {path}").format(path=self.path)
        if plist.get(MARKER_KEY) is not True:
            return _("left alone: {path} (not written by deskbreak)").format(path=self.path)
        self.path.unlink()
        return _("disabled: removed {path}").format(path=self.path)
