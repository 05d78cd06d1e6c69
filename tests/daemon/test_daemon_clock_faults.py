"""Sixty days of a daemon's life on a fake clock: suspends, DST changes, a time zone change and
random user actions. No burst of prompts, no prompt outside a window, nothing lost."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import config as config_model
from deskbreak.core import schedule as core
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.daemon.service import Daemon, Ports

IDS = ("a", "b", "c", "d")
CATALOG = Catalog(
    tuple(
        Stretch(
            i,
            i.upper(),
            "seated",
            ("lower_back",),
            ("One.", "Two.", "Three."),
            20,
            2,
            False,
            "Careful.",
            "test",
        )
        for i in IDS
    )
)


def config(zone: str):
    return config_model.loads(f'[schedule]\ntimezone = "{zone}"\ninterval_minutes = 30\n')


def test_sixty_days_of_suspends_dst_and_zone_changes():
    rng = random.Random(2026)
    clock = FakeClock(datetime(2026, 3, 9, 7, 0, tzinfo=ZoneInfo("Europe/Berlin")))  # DST on 29 March
    notifier, tray, recorded = FakeNotifier(), HeadlessTray(), []
    daemon = Daemon(
        config("Europe/Berlin"),
        CATALOG,
        Ports(notifier=notifier, tray=tray, record=recorded.append, clock=clock),
        seed=3,
    )
    daemon.command("status")
    end = clock.now + timedelta(days=60)
    shown_at: list[tuple[datetime, bool]] = []
    last_show = None
    replaced = withdrawn = 0
    while clock.now < end:
        before = len(notifier.shown)
        clock.now = daemon._last_beat  # the armed timer fires on time...
        if rng.random() < 0.002:
            clock.advance(hours=rng.choice([0.2, 3, 14, 60]))  # ...or the laptop slept
        if rng.random() < 0.0003:
            daemon.apply_config(config(rng.choice(["America/New_York", "Europe/Berlin", "Asia/Tokyo"])))
        daemon.on_timer()
        automatic = len(notifier.shown) - before
        assert automatic <= 1, "a burst of prompts"
        if automatic:
            window = core.window_at(clock.now, daemon.plan)
            assert window is not None, f"prompt outside a window at {clock.now}"
            shown_at.append((clock.now, daemon.state.phase is core.Phase.PROMPTING))
            last_show = clock.now
        if daemon.state.phase is core.Phase.PROMPTING and rng.random() < 0.25:
            action = rng.choice(["done", "skip", "snooze", "another", "pause"])
            arg = {"snooze": rng.choice([5, 10]), "pause": "40m"}.get(action)
            reply = daemon.command(action, arg)
            assert reply["ok"] or reply["error"] == "no other stretch to offer", reply
            replaced += action == "another" and reply["ok"]
            withdrawn += action == "pause" and reply["ok"]  # a pause is no answer: nothing recorded
    assert len(shown_at) > 200
    outcomes = {o.outcome for o in recorded}
    assert {"done", "skipped", "snoozed", "ignored", "missed_while_asleep", "natural_break"} <= outcomes
    assert last_show is not None
    # every prompt shown left exactly one record of how it ended (nothing lost, nothing doubled),
    # but for those a pause withdrew
    answered = [o for o in recorded if o.outcome in ("done", "skipped", "snoozed", "ignored")]
    still_open = daemon.state.phase is core.Phase.PROMPTING
    assert len(answered) == len(notifier.shown) - replaced - withdrawn - still_open
