"""The daemon and the call sense (a settable fake), with an injected clock: the sense is asked only
when a prompt is due or held (or input is quiet), a call holds the prompt with its reason in the
status and the tray, and the prompt comes within 30 s of the call's end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from daemon_run import EVERY_DAY

from deskbreak.adapters.activity.fake import FakeActivityProbe
from deskbreak.adapters.calls.fake import FakeCallSense
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.assets import builtin_catalog
from deskbreak.core import config as config_model
from deskbreak.daemon.senses import Senses
from deskbreak.daemon.service import Daemon, Ports

START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


class ArmedAt:
    """The timer port, keeping the instant the daemon armed it for (the test fires it)."""

    def __init__(self) -> None:
        self.at: datetime | None = None

    def arm(self, at: datetime) -> None:
        self.at = at

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


class Rig:
    def __init__(self, calls: bool = True) -> None:
        self.clock = FakeClock(START)
        self.probe, self.sense = FakeActivityProbe(), FakeCallSense()
        self.probe.set(idle=1.0, locked=False)
        self.notifier, self.tray, self.recorded = FakeNotifier(), HeadlessTray(), []
        config = config_model.loads(
            f'[schedule]\ntimezone = "UTC"\ninterval_minutes = 30\nmin_minutes_before_end = 0\n{EVERY_DAY}\n'
            f"[activity]\nsettle_seconds = 0\nmax_defer_minutes = 10\n"
            f"defer_during_calls = {'true' if calls else 'false'}\n",
            "test.toml",
        )
        ports = Ports(
            notifier=self.notifier,
            tray=self.tray,
            record=self.recorded.append,
            clock=self.clock,
            senses=Senses(self.probe, calls=self.sense),
            timer=(timer := ArmedAt()),
        )
        self.timer = timer
        self.daemon = Daemon(config, builtin_catalog(), ports, seed=1)
        self.daemon.start_timer()

    def beat(self, **delta: float) -> None:
        """Time passes until the instant the daemon armed its timer for (at most `delta`), then it fires."""
        wake = self.timer.at
        target = self.clock.now + timedelta(**delta)
        assert wake is not None
        self.clock.now = min(wake, target) if wake > self.clock.now else target
        self.daemon.on_timer()


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_the_sense_is_not_asked_while_the_user_works_and_nothing_is_due(rig):
    for _ in range(29):
        rig.beat(minutes=1)
    assert rig.sense.samples_taken == 0
    assert rig.daemon.status()["call_sense"] == "fake"


def test_a_call_holds_the_due_prompt_past_the_cap_and_it_comes_within_30_s_of_the_end(rig):
    rig.sense.set(True, "microphone in use by firefox")
    for _ in range(30):
        rig.beat(minutes=1)
    assert rig.clock.now == START + timedelta(minutes=30)
    held = rig.daemon.status()["held"]
    assert held == {"reason": "call: microphone in use by firefox", "since": "2031-03-03T09:30:00+00:00"}
    assert "call: microphone in use by firefox" in rig.tray.view.title
    while rig.clock.now < START + timedelta(minutes=75):  # 45 min of call: beyond the 10-minute cap
        rig.beat(minutes=1)
        assert rig.notifier.shown == []
    rig.sense.set(False)
    ended = rig.clock.now
    while not rig.notifier.shown:
        rig.beat(minutes=1)
        assert rig.clock.now - ended <= timedelta(seconds=30)
    assert rig.daemon.status()["state"] == "due"


def test_quiet_input_during_a_call_is_no_natural_break_and_counts_as_work(rig):
    rig.beat(minutes=1)
    rig.sense.set(True, "camera in use by zoom")
    for minute in range(1, 21):  # 20 minutes listening, no input
        rig.probe.set(idle=minute * 60.0)
        rig.beat(minutes=1)
    assert rig.sense.samples_taken > 0  # asked because input was quiet
    rig.probe.set(idle=1.0)
    rig.beat(minutes=1)
    assert rig.recorded == []
    assert rig.daemon.status()["next_prompt_at"] == "2031-03-03T09:30:00+00:00"


def test_defer_during_calls_false_never_asks_and_prompts_during_the_call():
    rig = Rig(calls=False)
    rig.sense.set(True, "microphone in use by firefox")
    for _ in range(30):
        rig.beat(minutes=1)
    assert len(rig.notifier.shown) == 1 and rig.sense.samples_taken == 0
