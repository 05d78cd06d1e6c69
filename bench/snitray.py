"""The StatusNotifierItem tray's host for the bench: xfce4-panel's systray (the watcher and host) on
its own Xvfb and private bus (tests/xfce_stack.py), with dunst for notifications, like the XEmbed
stack. `docked_pids` is TrayIcons' counterpart: the PIDs whose item the watcher has registered."""

from __future__ import annotations

import re
from pathlib import Path

from xfce_stack import XfceStack, missing_programs

ITEM = re.compile(r"StatusNotifierItem-(\d+)-")


class SniHost:
    def __init__(self, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.stack = XfceStack(workdir)

    @staticmethod
    def missing() -> list[str]:
        return missing_programs()

    def start(self) -> SniHost:
        self.stack.start()
        self.stack.env["NO_AT_BRIDGE"] = "1"
        self.stack.start_dunst()
        return self

    def stop(self) -> None:
        self.stack.stop()

    def docked_pids(self) -> set[int]:
        try:
            items = self.stack.watcher_items()
        except (OSError, TimeoutError):
            return set()
        return {int(m.group(1)) for s in items if (m := ITEM.search(s))}
