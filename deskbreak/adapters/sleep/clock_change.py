"""A signal when the wall clock is set, so the daemon re-plans at once instead of an hour late.

APScheduler sleeps on the monotonic clock but compares its jobs' times with the wall clock: after
the clock is set back an hour, a job armed for "in one minute" wakes, finds itself an hour early
and sleeps again. The daemon fixes the times (daemon/wall_clock.py, core/clock_shift.py); this
watcher tells it when to look.

Linux: a `timerfd` on CLOCK_REALTIME armed far in the future with TFD_TIMER_CANCEL_ON_SET; the
kernel wakes it when the clock is set (its read fails with ECANCELED). One daemon thread waits in
`poll` on it and on a pipe that `stop` writes to: it sleeps until something happens, no polling.
Elsewhere (or when timerfd is unavailable) a thread compares the wall clock with the steady one
once a minute (STEADY_CHECK), like a heartbeat that the scheduler's wall-clock wait cannot delay.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import select
import sys
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

CLOCK_REALTIME = 0
TFD_CLOEXEC = 0o2000000
TFD_TIMER_ABSTIME = 1
TFD_TIMER_CANCEL_ON_SET = 2
FAR_FUTURE = 2**33  # seconds since 1970 (the year 2242): the timer never fires, it is only cancelled
STEADY_CHECK = 60.0  # seconds between checks where no kernel signal exists
STEP = 3.0  # seconds: a smaller change of wall minus steady is no step


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class _Itimerspec(ctypes.Structure):
    _fields_ = [("it_interval", _Timespec), ("it_value", _Timespec)]


class TimerfdClockWatcher:
    """Calls `on_change` on its own thread each time the wall clock is set (Linux)."""

    name = "timerfd"

    def __init__(self, on_change: Callable[[], None]) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._libc.timerfd_create.argtypes = (ctypes.c_int, ctypes.c_int)
        self._libc.timerfd_settime.argtypes = (
            ctypes.c_int,
            ctypes.c_int,
            ctypes.POINTER(_Itimerspec),
            ctypes.POINTER(_Itimerspec),
        )
        fd = self._libc.timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC)
        if fd < 0:
            code = ctypes.get_errno()
            raise OSError(code, f"timerfd_create: {os.strerror(code)}")
        self._fd = fd
        self._on_change = on_change
        self._wake_r, self._wake_w = os.pipe()
        self._stopped = threading.Event()
        try:
            self._arm()
        except OSError:
            self._close_fds()
            raise
        self._thread = threading.Thread(target=self._listen, name="deskbreak-clock", daemon=True)
        self._thread.start()

    def _arm(self) -> None:
        spec = _Itimerspec(_Timespec(0, 0), _Timespec(FAR_FUTURE, 0))
        flags = TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET
        if self._libc.timerfd_settime(self._fd, flags, ctypes.byref(spec), None) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"timerfd_settime: {os.strerror(code)}")

    def _listen(self) -> None:
        poller = select.poll()
        poller.register(self._fd, select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        try:
            while not self._stopped.is_set():
                ready = {fd for fd, _ in poller.poll()}
                if self._stopped.is_set() or self._wake_r in ready:
                    return
                try:
                    os.read(self._fd, 8)
                    self._arm()  # it expired (a clock set past FAR_FUTURE): watch on
                except OSError as error:
                    if error.errno != errno.ECANCELED:
                        raise
                    log.info("the wall clock was set: re-planning")
                    self._arm()  # first: a second change while on_change runs is not missed
                    self._on_change()
        except Exception as error:  # the heartbeat still catches a change, later
            if not self._stopped.is_set():
                log.warning("not watching the wall clock any more (%s)", error)
        finally:
            self._close_fds()

    def _close_fds(self) -> None:
        for fd in (self._fd, self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass
        self._thread.join(2)


class SteadyCheckWatcher:
    """Where the kernel gives no signal: once a minute, compare the wall clock with the steady one."""

    name = "steady check"

    def __init__(
        self,
        on_change: Callable[[], None],
        every: float = STEADY_CHECK,
        wall: Callable[[], float] = time.time,
        steady: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_change = on_change
        self._every = every
        self._wall, self._steady = wall, steady
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="deskbreak-clock", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        offset = self._wall() - self._steady()
        while not self._stopped.wait(self._every):
            now = self._wall() - self._steady()
            # Backward only: where the monotonic clock stops in suspend, forward may be a resume.
            if offset - now > STEP:
                log.info("the wall clock was set back: re-planning")
                self._on_change()
            offset = now

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(2)


def watch_clock_changes(
    on_change: Callable[[], None], platform: str = sys.platform
) -> TimerfdClockWatcher | SteadyCheckWatcher:
    """The best watcher here: the kernel's signal on Linux, a once-a-minute check elsewhere."""
    if platform.startswith("linux"):
        try:
            return TimerfdClockWatcher(on_change)
        except (OSError, AttributeError) as error:  # an old kernel, a libc without timerfd
            log.info("no clock-change signal (%s): checking the clock once a minute", error)
    return SteadyCheckWatcher(on_change)
