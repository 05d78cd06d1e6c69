"""The daemon's clock notices a set wall clock, and the daemon keeps intervals real across it:
both directions, with a fake wall clock and a fake steady clock driven together."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskbreak.adapters.fakes import FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import config as config_model
from deskbreak.core import schedule as core
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.daemon.wall_clock import JumpClock

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)


class WallAndSteady:
    """Time passing moves both clocks; setting the wall clock moves only the wall one."""

    def __init__(self, wall: datetime) -> None:
        self.wall_now, self.steady_now = wall, 1000.0

    def wall(self) -> datetime:
        return self.wall_now

    def steady(self) -> float:
        return self.steady_now

    def pass_time(self, **delta: float) -> None:
        step = timedelta(**delta)
        self.wall_now += step
        self.steady_now += step.total_seconds()

    def set_wall(self, step: timedelta) -> None:
        self.wall_now += step


def test_a_set_clock_is_reported_once_and_passing_time_never():
    clocks = WallAndSteady(datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN))
    clock = JumpClock(clocks.wall, clocks.steady, counts_suspend=True)
    clock.now()
    clocks.pass_time(hours=5)
    clock.now()
    assert clock.take_jump() == timedelta(0)
    clocks.set_wall(-HOUR)
    clocks.pass_time(seconds=10)
    assert clock.now() == clocks.wall_now
    assert clock.take_jump() == -HOUR
    assert clock.take_jump() == timedelta(0)
    clocks.set_wall(timedelta(seconds=2))  # NTP-sized: no step
    clock.now()
    assert clock.take_jump() == timedelta(0)


def test_without_a_steady_clock_that_counts_suspend_only_backward_steps_are_reported():
    clocks = WallAndSteady(datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN))
    clock = JumpClock(clocks.wall, clocks.steady, counts_suspend=False)
    clock.now()
    clocks.set_wall(HOUR)  # could be a suspend the steady clock did not see
    clock.now()
    assert clock.take_jump() == timedelta(0)
    clocks.set_wall(-HOUR)
    clock.now()
    assert clock.take_jump() == -HOUR


def stretch(sid: str) -> Stretch:
    return Stretch(sid, sid.upper(), "seated", ("lower_back",), ("One.", "Two."), 20, 2, False, "Care.", "t")


@pytest.fixture
def rig():
    # 10:00 on a Monday, inside the default 09:00-12:30 window, one-minute interval.
    clocks = WallAndSteady(datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN))
    clock = JumpClock(clocks.wall, clocks.steady, counts_suspend=True)
    notifier = FakeNotifier()
    config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\ninterval_minutes = 1\n')
    daemon = Daemon(
        config,
        Catalog((stretch("a"), stretch("b"))),
        Ports(notifier=notifier, tray=HeadlessTray(), clock=clock.now, clock_jump=clock.take_jump),
        seed=1,
    )
    daemon.on_timer()  # armed, as at start
    return clocks, daemon, notifier


def due_in(daemon: Daemon) -> timedelta:
    return core.next_wakeup(daemon.state, daemon.plan) - daemon.now()


@pytest.mark.parametrize("step", [-HOUR, HOUR], ids=["back", "forward"])
def test_a_set_clock_keeps_the_next_prompt_one_real_minute_after_the_last(rig, step, caplog):
    clocks, daemon, notifier = rig
    caplog.set_level(logging.INFO, logger="deskbreak.daemon.service")
    clocks.pass_time(seconds=30)
    clocks.set_wall(step)
    daemon.on_timer()  # what the clock watcher does when the clock is set
    assert due_in(daemon) == timedelta(seconds=30)
    assert f"the clock was set {'back' if step < timedelta(0) else 'forward'} by 1:00:00" in caplog.text
    assert notifier.shown == [] and "natural break" not in caplog.text
    clocks.pass_time(seconds=30)
    daemon.on_timer()
    assert daemon.state.phase is core.Phase.PROMPTING and len(notifier.shown) == 1


def test_a_snooze_keeps_its_real_length_across_a_clock_set_back(rig):
    clocks, daemon, _notifier = rig
    clocks.pass_time(minutes=1)
    daemon.on_timer()
    assert daemon.command("snooze", 5)["state"] == "snoozed"
    clocks.pass_time(minutes=2)
    clocks.set_wall(-HOUR)
    assert daemon.command("status")["state"] == "snoozed"
    assert due_in(daemon) == timedelta(minutes=3)


def test_the_work_hours_stay_on_the_wall_clock(rig):
    clocks, daemon, notifier = rig
    clocks.set_wall(timedelta(hours=-1, minutes=-30))  # 08:30: before the 09:00 window opens
    daemon.on_timer()
    clocks.pass_time(minutes=5)
    daemon.on_timer()
    assert notifier.shown == []  # one real minute has passed, but it is not work time on the wall
    assert core.next_wakeup(daemon.state, daemon.plan) >= datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
