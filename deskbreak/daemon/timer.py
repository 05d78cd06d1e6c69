"""APScheduler's classes for the daemon, loaded without asyncio (bench/README.md, "what we changed").

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
import types
from typing import Any

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
