from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import config as config_model
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.daemon.timer import Timer

BERLIN = ZoneInfo("Europe/Berlin")


def stretch(sid: str, posture: str = "seated") -> Stretch:
    return Stretch(
        sid,
        sid.title(),
        posture,
        ("lower_back",),
        ("Sit tall.", "Turn.", "Breathe."),
        20,
        2,
        False,
        "Stop at sharp pain.",
        "test",
    )


CATALOG = Catalog((stretch("twist"), stretch("bend"), stretch("lean", "floor")))


@pytest.fixture
def rig():
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    notifier, tray, recorded = FakeNotifier(), HeadlessTray(), []
    config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\n', "test.toml")
    ports = Ports(notifier=notifier, tray=tray, record=recorded.append, clock=clock)
    daemon = Daemon(config, CATALOG, ports, seed=1)
    return daemon, clock, notifier, tray, recorded


def beat(daemon: Daemon, clock: FakeClock, minutes: int) -> None:
    """Let `minutes` pass with the heartbeat firing every minute, as the armed timer would."""
    daemon.command("status")
    for _ in range(minutes):
        clock.advance(minutes=1)
        daemon.on_timer()


def test_the_timer_prompts_with_the_stretch_name_and_steps_then_done_records_it(rig):
    daemon, clock, notifier, tray, recorded = rig
    beat(daemon, clock, 44)
    assert notifier.shown == []
    beat(daemon, clock, 1)
    (prompt,) = notifier.shown
    assert prompt.title in ("Twist", "Bend") and prompt.body.startswith("Sit tall.")
    assert "Hold 10 s · 2 reps" in prompt.body, "the default beginner level caps the 20 s hold at 10 s"
    assert tray.view.phase == "due"
    reply = daemon.command("done", 25)
    assert reply["ok"] and reply["state"] == "working"
    assert [(o.outcome, o.stretch_id, o.held_seconds) for o in recorded] == [("done", prompt.stretch_id, 25)]
    assert notifier.withdrawn == 1


def test_only_eligible_postures_are_offered(rig):
    daemon, _clock, notifier, *_ = rig
    for _ in range(6):
        daemon.command("now")
        daemon.command("skip")
    assert {p.stretch_id for p in notifier.shown} == {"twist", "bend"}


def test_a_refused_command_says_why(rig):
    daemon, *_ = rig
    reply = daemon.command("skip")
    assert reply == {**reply, "ok": False, "error": "no prompt to skip"}
    assert daemon.command("fly")["error"] == "unknown command 'fly'"


def test_a_failing_notifier_never_stops_the_daemon(rig):
    daemon, _clock, notifier, _tray, _recorded = rig
    notifier.fail_with = "no notification server"
    assert daemon.command("now")["state"] == "due"
    notifier.fail_with = None
    assert daemon.command("snooze", 5)["snoozed_until"]


def test_a_failing_history_never_stops_the_daemon(rig):
    from dataclasses import replace

    daemon, _clock, _notifier, _tray, _recorded = rig

    def broken(outcome):
        raise OSError("disk full")

    daemon = Daemon(daemon.config, CATALOG, replace(daemon.ports, record=broken), seed=1)
    daemon.command("now")
    assert daemon.command("done")["ok"]


def test_a_long_suspend_gives_one_decision_not_a_burst(rig):
    daemon, clock, notifier, _tray, recorded = rig
    daemon.command("status")  # arms the timer
    clock.advance(hours=5)  # the machine slept through three prompts
    daemon.on_timer()
    assert notifier.shown == []
    assert [o.outcome for o in recorded] == ["missed_while_asleep", "natural_break"]
    assert daemon.status()["next_prompt_at"] == "2026-11-23T14:45:00+01:00"


def test_tray_title_tells_what_comes_next_or_why_nothing_does(rig):
    daemon, clock, _notifier, tray, _recorded = rig
    daemon.command("status")
    assert tray.view.title.startswith("Next stretch 09:45 · ")
    daemon.command("pause", "1h")
    assert tray.view.title == "Paused until 10:00" and tray.view.can_resume
    daemon.command("resume")
    clock.now = datetime(2026, 11, 23, 18, 0, tzinfo=BERLIN)
    daemon.command("status")
    assert tray.view.title == "Off until Tue 09:00" and tray.view.phase == "off"


def test_a_new_config_replans_and_keeps_the_state(rig):
    daemon, _clock, *_ = rig
    daemon.apply_config(config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\ninterval_minutes = 20\n'))
    assert daemon.status()["next_prompt_at"] == "2026-11-23T09:20:00+01:00"


def test_the_real_timer_fires_and_quit_stops_the_daemon():
    """The APScheduler wiring, on the real clock: a 1-minute interval whose first prompt is due at once."""
    every_day = "\n".join(f'{day} = ["00:00-24:00"]' for day in config_model.WEEKDAYS)
    config = config_model.loads(
        f"[schedule]\ninterval_minutes = 1\nmin_minutes_before_end = 0\n{every_day}\n"
    )
    started = datetime.now(BERLIN) - timedelta(seconds=61)
    clock = FakeClock(started)
    notifier, tray = FakeNotifier(), HeadlessTray()
    timer = Timer(lambda: daemon.on_timer())  # late-bound: the daemon is built next
    daemon = Daemon(config, CATALOG, Ports(notifier=notifier, tray=tray, clock=clock, timer=timer), seed=1)
    clock.now = datetime.now(BERLIN)
    runner = threading.Thread(target=tray.run, args=(daemon.start_timer,))
    runner.start()
    try:
        assert notifier.changed.wait(5), "the armed job never fired"
        assert len(notifier.shown) == 1
    finally:
        daemon.command("quit")
        runner.join(5)
        timer.close()
    assert not runner.is_alive() and notifier.withdrawn == 1, "quitting withdraws the prompt on screen"


def test_a_resume_signal_decides_at_once_without_a_burst(rig):
    daemon, clock, notifier, _tray, recorded = rig
    daemon.command("status")
    clock.advance(hours=3)  # suspended through several prompts; the OS says we are back
    daemon.resumed()
    assert notifier.shown == []
    assert [o.outcome for o in recorded] == ["missed_while_asleep", "natural_break"]
    daemon.stop()
    daemon.resumed()  # a late signal after quitting is ignored
    assert len(recorded) == 2


def test_a_return_from_a_natural_break_restarts_the_count_from_the_return(rig):
    from dataclasses import replace

    from deskbreak.adapters.activity.fake import FakeActivityProbe
    from deskbreak.daemon.senses import Senses

    daemon, clock, _notifier, _tray, recorded = rig
    probe = FakeActivityProbe()
    daemon = Daemon(daemon.config, CATALOG, replace(daemon.ports, senses=Senses(probe)), seed=1)
    probe.set(idle=1.0, locked=False)
    beat(daemon, clock, 10)  # 09:10, typing
    probe.set(idle=0.0)
    for minute in range(1, 8):  # away from 09:10 to 09:17
        probe.set(idle=minute * 60.0)
        beat(daemon, clock, 1)
    probe.set(idle=3.0)  # back: input 3 s ago
    beat(daemon, clock, 1)
    assert [o.outcome for o in recorded] == ["natural_break"]
    back = clock.now - timedelta(seconds=3)
    assert recorded[0].answered_at == back
    assert daemon.status()["next_prompt_at"] == (back + timedelta(minutes=45)).isoformat(timespec="seconds")
