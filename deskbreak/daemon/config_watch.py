"""Noticing that the config file changed, without polling hard.

Linux: inotify (through ctypes, no extra package) on the file's DIRECTORY, filtered by the file's
name, so an editor's atomic save (write a temp file, rename it over the config) and a delete followed
by a re-create are both seen. When the directory does not exist yet, the nearest existing parent is
watched until it appears. Elsewhere, or where inotify fails, a cheap stat poll (mtime, size, inode)
every few seconds.

A watcher only calls `on_change()` (after a short debounce, so an editor's burst of events is one
call); it never reads or validates the file. `on_change` runs on the watcher's (or the debounce
timer's) thread, so it must hand work to the daemon's lock, as `Daemon.reload` does.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import select
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.3
POLL_SECONDS = 3.0

IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO = 0x2, 0x8, 0x40, 0x80
IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
IN_IGNORED, IN_ISDIR, IN_NONBLOCK, IN_CLOEXEC = 0x8000, 0x40000000, 0o4000, 0o2000000
FILE_EVENTS = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM
DIR_EVENTS = FILE_EVENTS | IN_DELETE_SELF | IN_MOVE_SELF
_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len


class Timer(Protocol):
    def start(self) -> None: ...

    def cancel(self) -> None: ...


TimerFactory = Callable[[float, Callable[[], None]], Timer]


def _thread_timer(seconds: float, fire: Callable[[], None]) -> Timer:
    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    return timer


class Debouncer:
    """Collapses a burst of `poke()` calls into one `fire()` after `seconds` of quiet."""

    def __init__(
        self, fire: Callable[[], None], seconds: float = DEBOUNCE_SECONDS, timer: TimerFactory = _thread_timer
    ):
        self._fire, self._seconds, self._make = fire, seconds, timer
        self._lock = threading.Lock()
        self._pending: Timer | None = None

    def poke(self) -> None:
        with self._lock:
            if self._pending is not None:
                self._pending.cancel()
            self._pending = self._make(self._seconds, self._run)
            self._pending.start()

    def cancel(self) -> None:
        with self._lock:
            if self._pending is not None:
                self._pending.cancel()
                self._pending = None

    def _run(self) -> None:
        with self._lock:
            self._pending = None
        try:
            self._fire()
        except Exception:  # a failing callback must not kill the watcher
            log.exception("config change handler failed")


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


class PollingWatcher:
    """Stats the file every `interval` seconds; calls `on_change` when mtime, size or inode differ
    (a deletion and a re-creation are changes too)."""

    name = "poll"

    def __init__(self, path: Path, on_change: Callable[[], None], interval: float = POLL_SECONDS):
        self.path, self._on_change, self._interval = Path(path), on_change, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> PollingWatcher:
        self._last = _signature(self.path)
        self._thread = threading.Thread(target=self._loop, name="deskbreak-config-poll", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            now = _signature(self.path)
            if now != self._last:
                self._last = now
                try:
                    self._on_change()
                except Exception:
                    log.exception("config change handler failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)


class _Inotify:
    """The three libc calls we need."""

    def __init__(self) -> None:
        # The process's own symbols, libc's among them: ctypes.util.find_library would bring
        # subprocess into the daemon to run ldconfig, for a library that is already loaded.
        libc = ctypes.CDLL(None, use_errno=True)
        self._add = libc.inotify_add_watch
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self._rm = libc.inotify_rm_watch
        self._rm.argtypes = [ctypes.c_int, ctypes.c_int]
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.fd = fd

    def add(self, directory: Path, mask: int) -> int:
        wd = self._add(self.fd, os.fsencode(directory), mask)
        if wd < 0:
            code = ctypes.get_errno()
            raise OSError(code, f"inotify_add_watch {directory}: {os.strerror(code)}")
        return wd

    def remove(self, wd: int) -> None:
        self._rm(self.fd, wd)

    def close(self) -> None:
        os.close(self.fd)


def _events(data: bytes):
    offset = 0
    while offset + _HEADER.size <= len(data):
        wd, mask, _cookie, length = _HEADER.unpack_from(data, offset)
        raw = data[offset + _HEADER.size : offset + _HEADER.size + length]
        offset += _HEADER.size + length
        yield wd, mask, os.fsdecode(raw.rstrip(b"\0"))


class InotifyWatcher:
    """Watches the config's directory (or its nearest existing parent until that directory appears).

    A daemon thread blocks in `select` on the inotify fd and a wake-up pipe; `stop` writes the pipe.
    """

    name = "inotify"

    def __init__(
        self,
        path: Path,
        on_change: Callable[[], None],
        debounce: float = DEBOUNCE_SECONDS,
        timer: TimerFactory = _thread_timer,
    ):
        self.path = Path(os.path.abspath(path))
        self._debouncer = Debouncer(on_change, debounce, timer)
        self._inotify = _Inotify()
        self._thread: threading.Thread | None = None
        self._wd = -1
        self._watched: Path | None = None
        try:
            self._arm()
        except OSError:
            self._inotify.close()
            raise

    def _arm(self) -> None:
        """Watch the config's directory, or the nearest ancestor that exists."""
        while True:
            target = self.path.parent
            while not target.is_dir() and target != target.parent:
                target = target.parent
            if target == self._watched:
                return
            if self._wd >= 0:
                self._inotify.remove(self._wd)
            self._wd = self._inotify.add(target, DIR_EVENTS)
            self._watched = target
            log.debug("watching %s for %s", target, self.path.name)
            # Look again: the next folder down may have appeared before this watch was in place
            # (`mkdir -p` makes them in a burst), and its creation would then never be reported.

    def start(self) -> InotifyWatcher:
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._loop, name="deskbreak-config-watch", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        try:
            while True:
                ready, _, _ = select.select([self._inotify.fd, self._wake_r], [], [])
                if self._wake_r in ready:
                    return
                try:
                    data = os.read(self._inotify.fd, 64 * 1024)
                except OSError as error:
                    if error.errno in (errno.EAGAIN, errno.EINTR):
                        continue
                    raise
                self._handle(data)
        except Exception:
            log.exception("config watcher stopped")
        finally:
            self._inotify.close()
            os.close(self._wake_r)

    def _handle(self, data: bytes) -> None:
        relevant = rearm = False
        for wd, mask, name in _events(data):
            if wd != self._wd:
                continue
            if mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED):
                self._wd, self._watched = -1, None  # the directory itself went (the kernel dropped the watch)
                rearm = relevant = True
            elif self._watched == self.path.parent:
                relevant |= name == self.path.name
            else:
                rearm = True  # waiting on an ancestor: something on the way to the config changed
        if rearm:
            before = self._watched
            try:
                self._arm()
            except OSError as error:
                log.warning("config watcher cannot re-arm: %s", error)
            if self._watched != before and self._watched == self.path.parent and self.path.exists():
                relevant = True  # the folder appeared with the config already in it
        if relevant:
            self._debouncer.poke()

    def stop(self) -> None:
        self._debouncer.cancel()
        if self._thread is None:
            return
        try:
            os.write(self._wake_w, b"x")
        finally:
            os.close(self._wake_w)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=2)


def watch_config(
    path: Path,
    on_change: Callable[[], None],
    *,
    platform: str = sys.platform,
    debounce: float = DEBOUNCE_SECONDS,
    poll_interval: float = POLL_SECONDS,
    timer: TimerFactory = _thread_timer,
) -> InotifyWatcher | PollingWatcher:
    """Start the best watcher for `path` here; `stop()` it when done."""
    if platform.startswith("linux"):
        try:
            return InotifyWatcher(path, on_change, debounce, timer).start()
        except (OSError, AttributeError) as error:  # no inotify (old kernel, limits, a sandbox)
            log.info("inotify unavailable (%s): checking the config every %.0f s", error, poll_interval)
    return PollingWatcher(path, on_change, poll_interval).start()
