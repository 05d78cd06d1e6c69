"""The clock-change watchers: the Linux timerfd (armed for real; set the clock only when asked)
and the once-a-minute check used elsewhere (with injected clocks)."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from deskbreak.adapters.sleep.clock_change import (
    SteadyCheckWatcher,
    TimerfdClockWatcher,
    watch_clock_changes,
)

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="timerfd is Linux's")


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@linux
def test_the_timerfd_watcher_arms_sleeps_and_stops_leaving_nothing_open():
    before = open_fds()
    changed = threading.Event()
    watcher = TimerfdClockWatcher(changed.set)
    assert watcher._thread.is_alive() and not changed.wait(0.2)  # armed, asleep: no spurious wake-up
    watcher.stop()
    assert not watcher._thread.is_alive()
    assert open_fds() <= before


@linux
@pytest.mark.skipif(
    os.geteuid() != 0 and os.environ.get("DESKBREAK_REQUIRE_DESKTOP") != "1",
    reason="sets the system clock (to its own value, a sub-millisecond step): needs root (CI runs it)",
)
def test_setting_the_clock_wakes_the_timerfd_watcher():
    changed = threading.Event()
    watcher = TimerfdClockWatcher(changed.set)
    try:
        # Set the clock to what it reads, corrected by the steady time the call takes: a step of
        # well under a millisecond, which the kernel still reports as a clock change.
        wall, steady = time.clock_gettime(time.CLOCK_REALTIME), time.monotonic()
        time.clock_settime(time.CLOCK_REALTIME, wall + (time.monotonic() - steady))
        assert changed.wait(5)
        changed.clear()
        wall, steady = time.clock_gettime(time.CLOCK_REALTIME), time.monotonic()
        time.clock_settime(time.CLOCK_REALTIME, wall + (time.monotonic() - steady))
        assert changed.wait(5)  # re-armed: the next change is seen too
    finally:
        watcher.stop()


class Clocks:
    def __init__(self) -> None:
        self.wall_now, self.steady_now = 1_800_000_000.0, 500.0
        self.lock = threading.Lock()

    def wall(self) -> float:
        with self.lock:
            return self.wall_now

    def steady(self) -> float:
        with self.lock:
            return self.steady_now

    def set_wall(self, step: float) -> None:
        with self.lock:
            self.wall_now += step


def test_the_steady_check_reports_a_clock_set_back_and_not_forward():
    clocks = Clocks()
    changes = threading.Semaphore(0)
    watcher = SteadyCheckWatcher(changes.release, every=0.01, wall=clocks.wall, steady=clocks.steady)
    try:
        clocks.set_wall(3600.0)  # forward: a suspend, maybe, where monotonic stops in it
        clocks.set_wall(-7200.0)  # then an hour behind where it started
        assert changes.acquire(timeout=5)
        assert not changes.acquire(timeout=0.2)  # once per change
    finally:
        watcher.stop()


def test_elsewhere_the_steady_check_is_chosen():
    watcher = watch_clock_changes(lambda: None, platform="darwin")
    try:
        assert watcher.name == "steady check"
    finally:
        watcher.stop()
