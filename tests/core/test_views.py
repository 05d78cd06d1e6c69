"""What a prompt says: the notification carries the short caution, the terminal the whole one."""

from deskbreak.assets import builtin_catalog
from deskbreak.core.views import FULL_STEPS, HOW_TO_ANSWER, prompt_for


def test_every_built_in_prompt_carries_its_caution_and_a_way_to_the_full_steps():
    for stretch in builtin_catalog().stretches:
        prompt = prompt_for(stretch, 10)
        assert f"Caution: {stretch.caution_short}" in prompt.body
        assert prompt.body.endswith(FULL_STEPS)
        assert f"Caution: {stretch.caution}" in prompt.details
        assert prompt.details.endswith(HOW_TO_ANSWER)
        assert all(step in prompt.details for step in stretch.steps)


def test_the_notification_uses_the_short_caution_when_there_is_one():
    long_ones = [s for s in builtin_catalog().stretches if s.caution_short != s.caution]
    assert long_ones, "the catalog gives some stretches a shorter caution for notifications"
    for stretch in long_ones:
        assert stretch.caution not in prompt_for(stretch, 10).body


def test_every_bubble_at_every_level_fits_with_its_caution_and_its_way_to_the_steps():
    from deskbreak.core.catalog import LEVELS, at_level
    from deskbreak.core.views import BUBBLE_MAX, FULL_STEPS_IN_TERMINAL

    for level in LEVELS:
        for stretch in builtin_catalog().stretches:
            stretch = at_level(stretch, level)
            for opens_window, way in ((True, FULL_STEPS), (False, FULL_STEPS_IN_TERMINAL)):
                prompt = prompt_for(stretch, 10, opens_window=opens_window)
                lines = prompt.body.splitlines()
                assert len(prompt.body) <= BUBBLE_MAX, (stretch.id, level, len(prompt.body))
                assert lines[1:] == [stretch.summary(), f"Caution: {stretch.caution_short}", way]
                assert stretch.steps[0].startswith(lines[0].removesuffix("…"))
                assert prompt.title == stretch.name


def test_a_long_first_step_gives_way_at_a_word_and_the_caution_stays_whole():
    from dataclasses import replace

    from deskbreak.core.views import BUBBLE_MAX

    stretch = builtin_catalog().stretches[0]
    wordy = replace(stretch, steps=("Sit down and then " * 20 + "twist.",), caution_short="x" * 80)
    body = prompt_for(wordy, 10).body
    assert len(body) <= BUBBLE_MAX
    first = body.splitlines()[0]
    assert first.endswith("…") and first.removesuffix("…").endswith(("down", "and", "then", "Sit"))
    assert f"Caution: {'x' * 80}" in body


def test_a_start_outside_work_hours_says_when_the_first_stretch_comes_and_how_to_try_one():
    from dataclasses import replace
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deskbreak.core import config, schedule
    from deskbreak.core.config import ScheduleConfig
    from deskbreak.core.outlook import outlook
    from deskbreak.core.views import TRY_ONE_NOW, start_line

    berlin = ZoneInfo("Europe/Berlin")
    catalog = builtin_catalog()
    plan = schedule.Plan(
        replace(ScheduleConfig(week=config.default_week())), berlin, tuple(s.id for s in catalog.stretches)
    )

    def line(at: datetime) -> str:
        state = schedule.start(at)
        return start_line(outlook(state, at, plan), state, catalog, berlin)

    sunday = line(datetime(2026, 11, 22, 15, 0, tzinfo=berlin))
    assert sunday == f"outside work hours: the first stretch comes Mon 09:45; {TRY_ONE_NOW}"
    monday = line(datetime(2026, 11, 23, 10, 0, tzinfo=berlin))
    assert monday.startswith("the first stretch comes at 10:45 · ")
