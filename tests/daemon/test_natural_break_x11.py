"""End to end on a real X server: the X11 idle probe drives a natural break through the daemon.

No input for a minute (the shortest natural break) is a break; xdotool input ends it; the daemon
records it and counts the next prompt from the return. Real time, so this test takes ~65 s.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from daemon_run import EVERY_DAY
from desktop_stack import wait_for

from deskbreak.adapters.activity.x11 import XorgIdleProbe
from deskbreak.adapters.fakes import FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.assets import builtin_catalog
from deskbreak.core import config as config_model
from deskbreak.daemon.senses import Senses
from deskbreak.daemon.service import Daemon, Ports

pytestmark = pytest.mark.desktop

CONFIG = f"""
[schedule]
timezone = "UTC"
interval_minutes = 30
min_minutes_before_end = 0
{EVERY_DAY}
[activity]
natural_break_minutes = 1
count = "active"
"""


def test_idle_then_input_is_a_natural_break_and_the_count_restarts(desktop):
    probe = XorgIdleProbe(desktop.env, bus=None)
    recorded = []
    daemon = Daemon(
        config_model.loads(CONFIG),
        builtin_catalog(),
        Ports(
            notifier=FakeNotifier(),
            tray=HeadlessTray(),
            record=recorded.append,
            clock=lambda: datetime.now(UTC),
            senses=Senses(probe),
        ),
    )
    try:
        subprocess.run(["xdotool", "mousemove", "10", "10"], env=desktop.env, check=True)
        daemon.on_timer()  # a heartbeat while the user is active: nothing happens
        assert recorded == []
        # Away: no input for over a minute (the X server's own idle counter grows).
        wait_for(lambda: (probe.idle_seconds() or 0) >= 62, "a minute without input", 90)
        daemon.on_timer()
        assert daemon.status()["held"] is None and recorded == []
        subprocess.run(["xdotool", "mousemove", "200", "200"], env=desktop.env, check=True)
        returned_at = datetime.now(UTC)
        wait_for(lambda: (probe.idle_seconds() or 99) < 2, "the input to reach the X server", 5)
        daemon.on_timer()
        (brk,) = recorded
        assert brk.outcome == "natural_break"
        assert timedelta(seconds=60) <= brk.answered_at - brk.prompted_at <= timedelta(seconds=70)
        assert abs(brk.answered_at - returned_at) < timedelta(seconds=2)
        next_at = datetime.fromisoformat(daemon.status()["next_prompt_at"])
        assert abs(next_at - (returned_at + timedelta(minutes=30))) < timedelta(seconds=3)
    finally:
        probe.close()
