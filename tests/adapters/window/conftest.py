"""Tk objects must be freed on the thread that made them (Tcl aborts the process otherwise: "async
handler deleted by the wrong thread"). These tests make Tk windows in pytest's process beside other
threads (the control server's, the notifier's), and a garbage collection that happens to run on one
of those would free a Tk object there. So the collector is paused while a window test runs and
collects on the main thread when it ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def tk_garbage_freed_on_the_main_thread() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if was_enabled:
            gc.enable()
