"""The daemon records what the user answered (issue 15), on a fake clock: a prompt the guided
window shows stays due and its user present, Done names the stretch on screen, a pause is no
skip, a bare second `done` is refused, every answer says what it recorded, and `next` deals
what the daemon will show."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from deskbreak.adapters.activity.fake import FakeActivityProbe
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import config as config_model
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.daemon.senses import Senses
from deskbreak.daemon.service import Daemon, Ports

BERLIN = ZoneInfo("Europe/Berlin")


def stretch(sid: str) -> Stretch:
    return Stretch(
        sid,
        sid.replace("-", " ").capitalize(),
        "seated",
        ("lower_back",),
        ("Sit tall.", "Turn.", "Breathe.", "Come back."),
        20,
        2,
        False,
        "Stop if it pinches.",
        "test",
    )


CATALOG = Catalog(tuple(stretch(s) for s in ("standing-back-extension", "seated-twist", "side-bend")))


class OpenWindow:
    """The guided window's port, open or not as the test says."""

    def __init__(self) -> None:
        self.open = False

    def for_prompt(self, stretch_id: str, asked: bool, with_prompt: bool) -> bool:
        self.open = self.open or asked
        return asked

    def is_open(self) -> bool:
        return self.open

    def can_open(self) -> bool:
        return True


@pytest.fixture
def rig():
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    probe, window, recorded = FakeActivityProbe(), OpenWindow(), []
    config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\n', "test.toml")
    ports = Ports(
        notifier=FakeNotifier(),
        tray=HeadlessTray(),
        record=recorded.append,
        clock=clock,
        senses=Senses(probe),
        window=window,
        picture=lambda sid: f"/pictures/{sid}.png" if sid != "side-bend" else None,
        icon_path="/app/icon.png",
    )
    daemon = Daemon(config, CATALOG, ports, seed=1)  # without a history: today is tallied in memory
    return daemon, clock, probe, window, recorded


def minutes(daemon: Daemon, clock: FakeClock, count: int) -> None:
    for _ in range(count):
        clock.advance(minutes=1)
        daemon.on_timer()


def test_a_prompt_in_the_guided_window_stays_due_and_its_user_present(rig):
    daemon, clock, probe, window, recorded = rig
    shown = daemon.command("show")["stretch"]["id"]  # the notification's click: the window opens
    assert window.open
    probe.set(idle=0)
    minutes(daemon, clock, 1)
    for minute in range(1, 16):  # holding the stretch: no keyboard for 15 minutes (timeout: 10)
        probe.set(idle=minute * 60.0)
        minutes(daemon, clock, 1)
    assert daemon.status()["state"] == "due"
    probe.set(idle=0)  # back at the keyboard, window still open
    minutes(daemon, clock, 1)
    assert recorded == []  # no natural break, no "ignored"
    reply = daemon.command("done", {"held_seconds": 40, "stretch": shown})
    assert [(o.stretch_id, o.outcome, o.held_seconds) for o in recorded] == [(shown, "done", 40)]
    assert reply["recorded"] == f"{CATALOG.get(shown).name} done · 1 of 6 today"


def test_done_from_the_window_records_the_stretch_on_screen_not_the_upcoming(rig):
    daemon, _clock, _probe, _window, recorded = rig
    daemon.command("now")
    on_screen = daemon.status()["stretch"]["id"]
    daemon.command("skip")  # answered elsewhere; the window was still showing its stretch
    upcoming = daemon.status()["stretch"]["id"]
    assert upcoming != on_screen
    reply = daemon.command("done", {"stretch": on_screen})
    assert reply["ok"] and recorded[-1].stretch_id == on_screen and recorded[-1].outcome == "done"


def test_a_second_bare_done_is_refused_and_records_nothing(rig, caplog):
    daemon, _clock, _probe, _window, recorded = rig
    daemon.command("now")
    caplog.set_level(logging.INFO, logger="deskbreak.daemon")
    first = daemon.command("done")
    assert first["ok"] and first["recorded"].endswith(" done · 1 of 6 today")
    assert f"recorded: {first['recorded']}" in caplog.text
    second = daemon.command("done")
    assert not second["ok"] and second["error"].startswith("no prompt to mark done (the next one is due at ")
    assert len(recorded) == 1


def test_pausing_a_due_prompt_records_no_skip_and_the_window_can_still_mark_it_done(rig):
    daemon, _clock, _probe, _window, recorded = rig
    shown = daemon.command("show")["stretch"]["id"]
    paused = daemon.command("pause", None)
    assert paused["state"] == "paused" and recorded == []
    done = daemon.command("done", {"stretch": shown, "held_seconds": 20})
    assert done["ok"] and done["state"] == "paused"
    assert [(o.stretch_id, o.outcome) for o in recorded] == [(shown, "done")]


def test_snooze_and_skip_say_what_they_recorded(rig):
    daemon, _clock, _probe, _window, _recorded = rig
    daemon.command("now")
    name = CATALOG.get(daemon.status()["stretch"]["id"]).name
    assert daemon.command("snooze", 10)["recorded"] == f"{name} snoozed until 09:10 · 0 of 6 done today"
    assert daemon.command("skip")["recorded"] == f"{name} skipped · 0 of 6 done today"


def test_next_asks_the_daemon_for_what_it_will_show(rig):
    daemon, clock, _probe, _window, _recorded = rig
    minutes(daemon, clock, 20)
    status = daemon.status()
    upcoming = daemon.command("next", 3)["upcoming"]
    assert len(upcoming) == 3
    assert upcoming[0]["at"] == datetime.fromisoformat(status["next_prompt_at"]).astimezone(BERLIN).isoformat(
        timespec="seconds"
    )
    assert upcoming[0]["stretch"] == status["stretch"]["id"]
    minutes(daemon, clock, 25)  # the prompt comes: the one predicted
    assert daemon.status()["state"] == "due" and daemon.status()["stretch"]["id"] == upcoming[0]["stretch"]


def test_the_notification_shows_the_stretch_picture_its_caution_and_the_way_to_all_steps(rig):
    daemon, _clock, _probe, _window, _recorded = rig
    notifier = daemon.ports.notifier
    daemon.command("now")
    (prompt,) = notifier.shown
    assert prompt.icon_path == f"/pictures/{prompt.stretch_id}.png" or (
        prompt.stretch_id == "side-bend" and prompt.icon_path == "/app/icon.png"
    )
    assert "Caution: Stop if it pinches." in prompt.body and "click here" in prompt.body
    assert "4. Come back." not in prompt.body and "4. Come back." in prompt.details
    assert "deskbreak done" in prompt.details and "deskbreak skip" in prompt.details


def test_a_daemon_started_today_deals_the_offline_prediction(rig):
    from deskbreak.core import forecast
    from deskbreak.core import schedule as core

    daemon, clock, *_ = rig
    fresh = Daemon(daemon.config, CATALOG, Ports(notifier=FakeNotifier(), tray=HeadlessTray(), clock=clock))
    offline = core.start(clock.now, seed=forecast.daily_seed(clock.now, fresh.plan.zone))
    assert forecast.upcoming_prompts(fresh.state, clock.now, fresh.plan, 4) == forecast.upcoming_prompts(
        offline, clock.now, fresh.plan, 4
    )
