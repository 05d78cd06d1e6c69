"""Resume from suspend on Linux: logind's `PrepareForSleep(false)` on the system bus.

APScheduler waits on the monotonic clock, which stops during suspend, so without this the daemon
would only notice a resume at its next heartbeat. With it, the off-hours heartbeat can be long
(near-zero wake-ups) and a resume is handled at once. One daemon thread blocks on the bus socket:
no polling.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..dbus import BusConnection, add_match, system_bus_address

log = logging.getLogger(__name__)

LOGIND_PATH = "/org/freedesktop/login1"
LOGIND_MANAGER = "org.freedesktop.login1.Manager"


class LogindSleepWatcher:
    name = "logind"

    def __init__(
        self, on_resume: Callable[[], None], bus: str | None = None, environ: Mapping[str, str] = os.environ
    ) -> None:
        """`bus`: the address of the bus logind is on (default: the system bus)."""
        from jeepney import MatchRule

        self._on_resume = on_resume
        self._signals: queue.Queue[Any] = queue.Queue(maxsize=64)
        # raises (NoBus) when there is no system bus
        self._connection = BusConnection(bus or system_bus_address(environ), self._signals)
        rule = MatchRule(type="signal", interface=LOGIND_MANAGER, member="PrepareForSleep", path=LOGIND_PATH)
        try:
            add_match(self._connection, rule)
        except BaseException:
            self._connection.close()
            raise
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="deskbreak-sleep", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        # None: the connection ended, lost (fall back to the heartbeat) or stopped
        while (message := self._signals.get()) is not None:
            if message.body and message.body[0] is False:
                log.info("resumed from suspend")
                try:
                    self._on_resume()
                except Exception:  # a failing handler must not end resume notifications
                    log.exception("handling a resume failed")
        if not self._stopped.is_set():
            log.warning(
                "no resume notifications any more (the system bus went away): the heartbeat catches resumes"
            )

    def stop(self) -> None:
        self._stopped.set()
        self._connection.close()
