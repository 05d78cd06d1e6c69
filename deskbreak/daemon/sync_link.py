"""Which synced folder the daemon uses now: the routine opened at start, replaced when a reload
changes `[sync]` (the old one closed, the new one opened through the composition root's factory).

The swap runs outside the daemon's lock: opening reads the folder (a network mount can be slow)
and closing waits for the old watcher's thread, which may be waiting for that lock with records."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..core.config import Config, SyncConfig
from .sync import SharedRoutine

log = logging.getLogger(__name__)

OpenShared = Callable[[Config], SharedRoutine | None]


class SyncLink:
    """`routine`: the folder in use (None: this machine alone); read it once per use."""

    def __init__(self, routine: SharedRoutine | None, opened_for: SyncConfig, open_shared: OpenShared | None):
        self.routine = routine
        self._opened_for: SyncConfig | None = opened_for
        self._open = open_shared
        self._swap = threading.Lock()  # one swap at a time (reloads come from several threads)

    @property
    def live(self) -> bool:
        """Whether a `[sync]` change applies without a restart (a factory was given)."""
        return self._open is not None

    def follow(self, config: Config) -> None:
        """Use the folder `config` names: nothing when it is the one in use."""
        if self._open is None:
            return
        with self._swap:
            if config.sync == self._opened_for:
                return
            fresh = self._open(config)
            old, self.routine, self._opened_for = self.routine, fresh, config.sync
        if fresh is None:
            log.info("[sync] is off now: this machine keeps its routine alone")
        if old is not None:
            old.close()

    def close(self) -> None:
        with self._swap:
            old, self.routine, self._opened_for = self.routine, None, None
        if old is not None:
            old.close()
