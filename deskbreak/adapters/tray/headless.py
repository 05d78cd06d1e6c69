"""The tray for a machine with no display: no icon, the main thread just waits to be stopped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ...ports import TrayView

log = logging.getLogger(__name__)


class HeadlessTray:
    name = "headless"
    has_menu = False

    def __init__(self) -> None:
        self._stopped = threading.Event()
        self.view: TrayView | None = None

    def run(self, on_ready: Callable[[], None]) -> None:
        on_ready()
        # Event.wait without a timeout sleeps until stop(); signal handlers still run on POSIX.
        while not self._stopped.wait():
            pass

    def update(self, view: TrayView) -> None:
        if self.view is None or view.title != self.view.title:
            log.info("%s", view.title)
        self.view = view

    def stop(self) -> None:
        self._stopped.set()
