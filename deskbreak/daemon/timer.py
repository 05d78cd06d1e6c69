"""The daemon's one timer (`Timer`: arm it for an instant, stop it, close it), on APScheduler 3.x
loaded without asyncio (bench/README.md, "what we changed"). Nothing else names APScheduler.

APScheduler 3.x imports asyncio for a single function, `iscoroutinefunction` (apscheduler/util.py;
on Python 3.14+ it takes inspect's instead). asyncio brings ssl (libssl and libcrypto mapped in),
selectors, subprocess machinery...: 8 MB of RSS in a bare interpreter, and (with control.py loading
hmac only for its TCP transport) 7 MB of the xorg daemon's 42 MB, for a daemon that never runs a
coroutine. So while APScheduler's modules load, `asyncio` resolves to a stub holding
`inspect.iscoroutinefunction`, and the stub is removed right after: a later `import asyncio` anywhere
gets the real module. When asyncio is already loaded (PyGObject imports it for the gtk tray) nothing
is gained and the plain import runs; any surprise (an APScheduler wanting more of asyncio) falls back
to the plain import too.
"""

from __future__ import annotations

import inspect
import logging
import sys
import threading
import types
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

log = logging.getLogger(__name__)


def _plain() -> tuple[Any, Any, Any]:
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.date import DateTrigger

    return BackgroundScheduler, ThreadPoolExecutor, DateTrigger


def load() -> tuple[Any, Any, Any]:
    """(BackgroundScheduler, ThreadPoolExecutor, DateTrigger)."""
    if sys.version_info >= (3, 14) or "asyncio" in sys.modules or "apscheduler.util" in sys.modules:
        return _plain()
    stub = types.ModuleType("asyncio")
    stub.iscoroutinefunction = inspect.iscoroutinefunction  # type: ignore[attr-defined]
    sys.modules["asyncio"] = stub
    try:
        return _plain()
    except Exception as error:
        log.debug("APScheduler without asyncio failed (%s): importing it plainly", error)
        for name in [m for m in sys.modules if m == "apscheduler" or m.startswith("apscheduler.")]:
            del sys.modules[name]
    finally:
        if sys.modules.get("asyncio") is stub:
            del sys.modules["asyncio"]
    return _plain()


class Alarm(Protocol):
    """The daemon's timer port: one pending instant at a time. Any thread; never blocks long."""

    def arm(self, at: datetime) -> None:
        """Fire once at `at` (at once when it is past), replacing any instant armed before."""

    def stop(self) -> None:
        """Fire no more (the daemon is stopping); an `arm` afterwards is ignored."""

    def close(self) -> None:
        """Stop and release the thread."""


class Timer:
    """`Alarm` on an APScheduler BackgroundScheduler with one job, started on the first `arm`.

    `on_fire` runs on the scheduler's single worker thread. The wait is monotonic, which stops during
    suspend, so a late job still runs (`misfire_grace_time=None`) and the daemon also re-arms on resume.
    """

    JOB_ID = "deskbreak-core"

    def __init__(self, on_fire: Callable[[], None]) -> None:
        self._on_fire = on_fire
        self._lock = threading.Lock()
        self._scheduler: Any = None
        self._trigger: Any = None
        self._stopped = False

    def arm(self, at: datetime) -> None:
        with self._lock:
            if self._stopped:
                return
            if self._scheduler is None:
                BackgroundScheduler, ThreadPoolExecutor, self._trigger = load()
                self._scheduler = BackgroundScheduler(
                    executors={"default": ThreadPoolExecutor(1)},
                    job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
                    timezone=UTC,
                )
                self._scheduler.start()
            self._scheduler.add_job(
                self._on_fire, self._trigger(run_date=at), id=self.JOB_ID, replace_existing=True
            )

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            try:
                # First, under the scheduler's job lock: a job that is firing right now is finished
                # with, so no bookkeeping of it meets a stopped scheduler (JobLookupError on its thread).
                scheduler.remove_all_jobs()
                scheduler.shutdown(wait=False)
            except RuntimeError as error:  # already shut down
                log.debug("timer not shut down: %s", error)

    def close(self) -> None:
        self.stop()
