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

The same way, `importlib.metadata` is a stub while APScheduler loads: its `__init__` reads its own
version from the installed metadata, and the scheduler base scans every installed distribution's
entry points for trigger, executor and job store plugins at import time. That brings
importlib.metadata, email, zipfile and csv: about 6 MB of RSS (bench/README.md). The timer never
names a plugin by its alias (it passes the executor, the trigger and the default job store as
objects), so empty plugin tables change nothing; `apscheduler.__version__` reads its own fallback.
And `multiprocessing` and `concurrent.futures.process` are stubs for its pool executors module,
which imports them for the process pool only (the timer uses the thread pool): about 2 MB more.
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


class _NoPackageMetadata(Exception):
    """The stub's PackageNotFoundError: APScheduler catches it and uses its fallback version."""


def _no_entry_points(**selection: str) -> tuple[()]:
    return ()


def _no_version(name: str) -> str:
    raise _NoPackageMetadata(name)


def _stubs() -> dict[str, types.ModuleType]:
    """The modules to stand in while APScheduler loads (those not loaded already)."""
    stubs = {}
    if "asyncio" not in sys.modules and sys.version_info < (3, 14):
        asyncio = types.ModuleType("asyncio")
        asyncio.iscoroutinefunction = inspect.iscoroutinefunction  # type: ignore[attr-defined]
        stubs["asyncio"] = asyncio
    if "importlib.metadata" not in sys.modules:
        metadata = types.ModuleType("importlib.metadata")
        metadata.entry_points = _no_entry_points  # type: ignore[attr-defined]
        metadata.version = _no_version  # type: ignore[attr-defined]
        metadata.PackageNotFoundError = _NoPackageMetadata  # type: ignore[attr-defined]
        stubs["importlib.metadata"] = metadata
    if "multiprocessing" not in sys.modules and "concurrent.futures.process" not in sys.modules:
        from concurrent.futures import BrokenExecutor

        process = types.ModuleType("concurrent.futures.process")
        process.BrokenProcessPool = type("BrokenProcessPool", (BrokenExecutor,), {})  # type: ignore[attr-defined]
        stubs["concurrent.futures.process"] = process
        stubs["multiprocessing"] = types.ModuleType("multiprocessing")
    return stubs


def load() -> tuple[Any, Any, Any]:
    """(BackgroundScheduler, ThreadPoolExecutor, DateTrigger)."""
    stubs = {} if "apscheduler.util" in sys.modules else _stubs()
    if not stubs:
        return _plain()
    sys.modules.update(stubs)
    try:
        return _plain()
    except Exception as error:
        log.debug("APScheduler with stubs for %s failed (%s): importing it plainly", ", ".join(stubs), error)
        for name in [m for m in sys.modules if m == "apscheduler" or m.startswith("apscheduler.")]:
            del sys.modules[name]
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
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
                # A zone given: the trigger does not look up the local one on every arm (`at` is aware).
                self._on_fire,
                self._trigger(run_date=at, timezone=UTC),
                id=self.JOB_ID,
                replace_existing=True,
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
