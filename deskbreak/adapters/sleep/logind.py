"""Resume from suspend on Linux: logind's `PrepareForSleep(false)` on the system bus.

APScheduler waits on the monotonic clock, which stops during suspend, so without this the daemon
would only notice a resume at its next heartbeat. With it, the off-hours heartbeat can be long
(near-zero wake-ups) and a resume is handled at once. One daemon thread blocks on the bus socket:
no polling.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

LOGIND_PATH = "/org/freedesktop/login1"
LOGIND_MANAGER = "org.freedesktop.login1.Manager"


class LogindSleepWatcher:
    name = "logind"

    def __init__(self, on_resume: Callable[[], None], bus: str = "SYSTEM"):
        from jeepney import MatchRule, message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        self._on_resume = on_resume
        self._connection = open_dbus_connection(bus=bus)  # raises when there is no system bus
        self._rule = MatchRule(
            type="signal", interface=LOGIND_MANAGER, member="PrepareForSleep", path=LOGIND_PATH
        )
        Proxy(message_bus, self._connection, timeout=2).AddMatch(self._rule)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="deskbreak-sleep", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        try:
            with self._connection.filter(self._rule) as queue:
                while not self._stopped.is_set():
                    message = self._connection.recv_until_filtered(queue)
                    if message.body and message.body[0] is False:
                        log.info("resumed from suspend")
                        self._on_resume()
        except Exception as error:  # the bus went away or we were stopped: fall back to the heartbeat
            if not self._stopped.is_set():
                log.warning("no resume notifications any more (%s): the heartbeat catches resumes", error)

    def stop(self) -> None:
        self._stopped.set()
        try:
            self._connection.close()
        except OSError:
            pass
