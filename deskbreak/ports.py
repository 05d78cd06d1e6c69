"""The small interfaces between the daemon and the outside world, and the values they carry.

Each adapter module (in `deskbreak.adapters`) implements one of these for one library or platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

# Actions a user can take on a prompt, wherever it is shown (notification button, tray, window, CLI).
DONE = "done"
SNOOZE = "snooze"
SKIP = "skip"
SHOW = "show"  # open the guided-stretch window


@dataclass(frozen=True)
class Prompt:
    """What a prompt says: built by the daemon from the stretch, shown by a Notifier."""

    stretch_id: str
    title: str  # the stretch name
    body: str  # the first steps, then hold and reps
    snooze_minutes: int
    icon_path: str | None = None
    timeout_seconds: int = 0  # 0: the notifier's default


# (action, argument) -> None. The argument is the snooze minutes for SNOOZE, else None.
ActionHandler = Callable[[str, "int | None"], None]


class Notifier(Protocol):
    """Shows a prompt to the user.

    Called from the daemon's worker threads, never from the tray loop; `show` may block briefly
    (a D-Bus round trip) but never waits for the user. Failures raise NotifierError; the daemon
    then falls back to the next notifier in its chain.
    """

    name: str  # e.g. "freedesktop", "plyer", "log"
    has_actions: bool

    def show(self, prompt: Prompt) -> None: ...

    def withdraw(self) -> None:
        """Remove the prompt shown last, if the platform allows it (answered elsewhere)."""

    def close(self) -> None:
        """Release resources (connections, threads)."""


class NotifierError(RuntimeError):
    """A notification could not be shown."""
