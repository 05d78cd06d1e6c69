"""The daemon's entry points for the parts built before it (the notifier's buttons, the tray's menu,
the timer, the guided window, resume signals, the synced folder, the config watcher): `LateDaemon`
hands each event to the daemon once it is bound; events before that are dropped, since nothing was
shown yet to answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..core.sync import SharedRecord
from ..ports import DISMISSED

if TYPE_CHECKING:
    from .service import Daemon
    from .sync import SharedRoutine

# A notification button's action -> the daemon command it runs (the same words). A prompt closed
# without an answer goes to `Daemon.prompt_closed` (a snooze).
ACTION_COMMANDS = {"done": "done", "snooze": "snooze", "skip": "skip", "show": "show"}


class LateDaemon:
    """The daemon's entry points, handed out before the daemon is built; `bind` it once built.

    Events from other parts' threads (a notification signal, a menu click, a resume) run on a thread
    of their own, so the caller's loop never waits for the daemon's lock."""

    def __init__(self, after_event: Callable[[], None] = lambda: None) -> None:
        self._daemon: Daemon | None = None
        self._after_event = after_event  # once an event is handled: the heap's trim

    def bind(self, daemon: Daemon) -> None:
        self._daemon = daemon

    def _later(self, name: str, target: Callable[..., object], *args: object) -> None:
        threading.Thread(target=target, args=args, name=name, daemon=True).start()

    def _then_trim(self, target: Callable[..., object]) -> Callable[..., None]:
        def run(*args: object) -> None:
            try:
                target(*args)
            finally:
                self._after_event()

        return run

    def on_action(self, action: str, argument: int | None) -> None:
        daemon = self._daemon
        if daemon is not None and action in ACTION_COMMANDS:
            self._later(
                "deskbreak-action", self._then_trim(daemon.command), ACTION_COMMANDS[action], argument
            )
        elif daemon is not None and action == DISMISSED:
            self._later("deskbreak-action", self._then_trim(daemon.prompt_closed))

    def on_command(self, name: str, argument: object | None) -> None:
        if self._daemon is not None:
            self._later("deskbreak-command", self._daemon.command, name, argument)

    def on_timer(self) -> None:  # on the timer's own worker thread already
        if self._daemon is not None:
            try:
                self._daemon.on_timer()
            finally:
                self._after_event()  # a prompt shown, a heartbeat: what it allocated and freed goes back

    def stretch_ids(self) -> tuple[str, ...]:
        """The ids of the daemon's catalog (built-in and the user's own); none before it is built."""
        return self._daemon.catalog.ids() if self._daemon is not None else ()

    def window_failed(self, stretch_id: str, reason: str) -> None:  # on the window's watcher thread
        if self._daemon is not None:
            self._daemon.window_failed(stretch_id, reason)

    def resumed(self) -> None:
        if self._daemon is not None:
            self._later("deskbreak-resume", self._daemon.resumed)

    def shared_records(self, records: Sequence[SharedRecord]) -> None:  # on the folder watcher's thread
        if self._daemon is not None:
            self._daemon.shared_records(records)

    def close_shared(self, opened_at_start: SharedRoutine | None) -> None:
        """Close the synced folder in use: the daemon's, or the one opened for it when it was never built."""
        if self._daemon is not None:
            self._daemon.sync.close()
        elif opened_at_start is not None:
            opened_at_start.close()

    def reload(self, reason: str) -> None:  # on the config watcher's thread
        if self._daemon is not None:
            self._daemon.reload(reason)

    def reload_later(self, reason: str) -> None:  # from a signal handler: never wait there
        if self._daemon is not None:
            self._later("deskbreak-reload", self._daemon.reload, reason)
