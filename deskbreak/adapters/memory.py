"""What the daemon's process gives back to the system: glibc's allocator, tuned for a long-lived
process that is idle nearly all the time.

glibc gives each thread that allocates an arena of its own (up to 8 per core), and keeps freed
pages of every arena for reuse. The daemon has a dozen threads that each wake a few times an hour,
so their arenas' pages sit private and unused: `limit_arenas` (before any thread starts) makes them
share two, and `trim` (after start-up and after each timer event) hands free pages back
(`malloc_trim`). Elsewhere (macOS, Windows, musl) both do nothing: `heap_for_platform` chooses once.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2  # the main thread's and one for every other thread: they take turns, never at once


class Heap(Protocol):
    def limit_arenas(self) -> None:
        """Cap the allocator's arenas; before any thread starts. Never fails."""

    def trim(self) -> None:
        """Hand free heap pages back to the system; any thread, a millisecond or two. Never fails."""


class GlibcHeap:
    """`Heap` over glibc's `mallopt` and `malloc_trim`, given as callables (a test fakes them)."""

    name = "glibc"

    def __init__(self, mallopt: Callable[[int, int], int], malloc_trim: Callable[[int], int]) -> None:
        self._mallopt = mallopt
        self._malloc_trim = malloc_trim

    def limit_arenas(self) -> None:
        if not self._mallopt(M_ARENA_MAX, ARENAS):
            log.debug("mallopt(M_ARENA_MAX) refused")

    def trim(self) -> None:
        self._malloc_trim(0)


class KeptHeap:
    """`Heap` where there is no glibc: the allocator keeps its own counsel."""

    name = "none"

    def limit_arenas(self) -> None:
        pass

    def trim(self) -> None:
        pass


def heap_for_platform(platform: str = sys.platform) -> Heap:
    """The glibc heap on Linux with glibc, else one that does nothing."""
    if not platform.startswith("linux"):
        return KeptHeap()
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 (musl has no such symbol: not glibc)
        mallopt, malloc_trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError) as error:
        log.debug("not glibc (%s): the heap is left as it is", error)
        return KeptHeap()
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    malloc_trim.argtypes, malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    return GlibcHeap(mallopt, malloc_trim)


# The X extensions the daemon's own process calls through python-xlib: none. Only pystray's xorg tray
# uses python-xlib here, and it calls no extension; the idle probe asks MIT-SCREEN-SAVER over a
# client of its own (activity/x11_wire.py), and the guided window, which asks RandR for monitors,
# runs in a process of its own.
X_EXTENSIONS_USED: frozenset[str] = frozenset()


def load_only_used_x_extensions(extensions: list[tuple[str, str]] | None = None) -> None:
    """Make python-xlib set up only the X extensions the daemon uses on each display it opens.

    Every `Xlib.display.Display` imports and binds every extension the server offers (RandR, XInput,
    RECORD...: a dozen modules, their request classes and per-display method tables), about 1 MB
    for a daemon that opens two or three displays and calls one extension. `extensions` is python-
    xlib's table (`Xlib.ext.__extensions__`), narrowed in place; by default it is imported when a
    display is set (nothing to do without one, or without python-xlib)."""
    if extensions is None:
        if not os.environ.get("DISPLAY"):
            return
        try:
            from Xlib import ext
        except ImportError:
            return
        extensions = ext.__extensions__  # type: ignore[attr-defined]  # python-xlib ships no stubs for it
    extensions[:] = [entry for entry in extensions if entry[0] in X_EXTENSIONS_USED]
