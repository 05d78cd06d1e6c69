"""The outlook: what comes next, derived once per event, every instant UTC; the views write them
in the schedule's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskbreak.core import config, views
from deskbreak.core import schedule as core
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.core.config import ScheduleConfig
from deskbreak.core.outlook import outlook
from deskbreak.core.workhours import build_plan

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
CATALOG = Catalog(
    tuple(
        Stretch(sid, sid.title(), "seated", ("lower_back",), ("Sit.",), 20, 2, False, "Stop.", "test")
        for sid in ("twist", "bend")
    )
)


def plan() -> core.Plan:
    return core.Plan(ScheduleConfig(week=config.default_week()), BERLIN, ("twist", "bend"))


def test_waiting_in_a_window_counts_down_to_the_next_prompt_in_utc():
    state = core.start(MONDAY_9)
    look = outlook(state, MONDAY_9 + timedelta(minutes=30), plan())
    assert look.phase == "working" and look.stretch_id in ("twist", "bend")
    assert look.next_prompt_at == look.wake == datetime(2026, 11, 23, 8, 45, tzinfo=UTC)
    assert look.window == (
        datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 11, 30, tzinfo=UTC),
    )
    assert look.progress == 30 / 45 and look.off_until is None
    assert all(at.tzinfo is UTC for at in (look.now, look.next_prompt_at, *look.window))


def test_off_hours_say_when_the_next_window_opens():
    evening = datetime(2026, 11, 23, 18, 0, tzinfo=BERLIN)
    look = outlook(core.start(evening), evening, plan())
    assert look.phase == "off" and look.progress == 0.0
    assert look.off_until == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday 09:00 in Berlin
    assert views.headline(look, core.start(evening), CATALOG, BERLIN) == "Off until Tue 09:00"


def test_an_open_prompt_shows_its_timeout_and_a_pause_shows_nothing_due():
    p = plan()
    prompting = core.prompt_now(core.start(MONDAY_9), MONDAY_9, p).state
    look = outlook(prompting, MONDAY_9, p)
    assert look.phase == "due" and look.progress == 1.0
    assert look.next_prompt_at == look.wake == MONDAY_9 + timedelta(minutes=p.schedule.prompt_timeout_minutes)
    until = MONDAY_9 + timedelta(hours=1)
    paused = core.pause(prompting, MONDAY_9, p, until).state
    look = outlook(paused, MONDAY_9, p)
    assert (look.phase, look.next_prompt_at, look.wake) == ("paused", None, until)


def test_the_status_writes_every_instant_in_the_schedules_zone():
    p = plan()
    snoozed = core.snooze(core.prompt_now(core.start(MONDAY_9), MONDAY_9, p).state, MONDAY_9, p, 10).state
    fields = views.status(outlook(snoozed, MONDAY_9, p), snoozed, CATALOG, BERLIN)
    assert fields["state"] == "snoozed"
    assert fields["snoozed_until"] == fields["next_prompt_at"] == "2026-11-23T09:10:00+01:00"
    assert fields["headline"].startswith("Snoozed until 09:10 · ")


def test_the_tray_and_the_status_read_the_same_outlook():
    state = core.start(MONDAY_9)
    look = outlook(state, MONDAY_9, plan())
    tray = views.tray_view(look, state, plan(), CATALOG, "Today: no stretches yet")
    fields = views.status(look, state, CATALOG, BERLIN)
    assert (tray.phase, tray.title, tray.progress) == (
        fields["state"],
        fields["headline"],
        fields["progress"],
    )


def test_the_plan_is_built_in_the_zone_it_is_given():
    cfg = config.loads('[schedule]\ntimezone = "America/New_York"\n', "test.toml")
    p, _catalog = build_plan(cfg, CATALOG, BERLIN)  # the shell resolved the zone: the core uses it
    assert p.zone is BERLIN and set(p.eligible) == {"twist", "bend"}
