"""The core's texts in the user's language: every line it builds for people comes back translated
(here in a pseudo-language that brackets each text), while ids, keys, values and JSON fields stay as
written, so scripts read the same in every language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pseudo_language import CLOSE, OPEN, translated

from deskbreak.assets import builtin_catalog
from deskbreak.core import config, config_change, guide, schedule, sync, views
from deskbreak.core.catalog import at_level, level_note
from deskbreak.core.config import ScheduleConfig
from deskbreak.core.config_checks import ConfigError
from deskbreak.core.outcomes import (
    DONE,
    IGNORED,
    MISSED_WHILE_ASLEEP,
    NATURAL_BREAK,
    SKIPPED,
    SNOOZED,
    PromptOutcome,
)
from deskbreak.core.outlook import outlook
from deskbreak.core.stats import Counts, today_line

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


def bracketed(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def plan() -> schedule.Plan:
    catalog = builtin_catalog()
    return schedule.Plan(ScheduleConfig(week=config.default_week()), BERLIN, catalog.ids())


def test_a_prompt_reads_translated_and_keeps_its_stretch_id(pseudo_language: None) -> None:
    catalog = builtin_catalog()
    per_side = next(s for s in catalog.stretches if s.per_side)
    prompt = views.prompt_for(per_side, 10)
    assert prompt.stretch_id == per_side.id
    assert prompt.title == bracketed(per_side.name)
    first, summary, caution, way = prompt.body.splitlines()
    assert first.startswith(OPEN + per_side.steps[0][:20])  # the catalog's step, through gettext
    assert translated(summary) and translated(caution) and bracketed(per_side.caution_short) in caution
    assert way == bracketed(views.FULL_STEPS)
    assert all(bracketed(step) in prompt.details for step in per_side.steps)
    assert prompt.details.endswith(bracketed(views.HOW_TO_ANSWER))


def test_every_headline_and_start_line_is_translated_while_status_values_stay(pseudo_language: None) -> None:
    catalog, the_plan = builtin_catalog(), plan()
    waiting = schedule.start(MONDAY)
    prompting = schedule.prompt_now(waiting, MONDAY, the_plan).state
    snoozed = schedule.snooze(prompting, MONDAY, the_plan, 10).state
    paused = schedule.pause(waiting, MONDAY, the_plan, None).state
    paused_until = schedule.pause(waiting, MONDAY, the_plan, MONDAY + timedelta(hours=1)).state
    held = replace(waiting, held_since=MONDAY, hold_reason="call: microphone in use by firefox")
    sunday = datetime(2026, 11, 22, 15, 0, tzinfo=BERLIN)
    off = schedule.start(sunday)
    for state, now in (
        (waiting, MONDAY),
        (prompting, MONDAY),
        (snoozed, MONDAY),
        (paused, MONDAY),
        (paused_until, MONDAY),
        (held, MONDAY),
        (off, sunday),
    ):
        look = outlook(state, now, the_plan)
        assert translated(views.headline(look, state, catalog, BERLIN)), state.phase
        assert translated(views.start_line(look, state, catalog, BERLIN)), state.phase
    status = views.status(outlook(held, MONDAY, the_plan), held, catalog, BERLIN)
    assert status["held"]["reason"] == "call: microphone in use by firefox"  # scripts read it
    assert status["state"] in ("working", "off") and translated(status["headline"])
    assert views.hold_reason_text("call: microphone in use by firefox") == bracketed("call: {detail}").format(
        detail="microphone in use by firefox"
    )
    assert views.hold_reason_text("do-not-disturb") == bracketed("do-not-disturb")


@pytest.mark.parametrize("outcome", [DONE, SNOOZED, SKIPPED, IGNORED, NATURAL_BREAK, MISSED_WHILE_ASLEEP])
def test_every_answer_line_is_one_translated_sentence(pseudo_language: None, outcome: str) -> None:
    answered = PromptOutcome(MONDAY, "neck-tilt", outcome, MONDAY + timedelta(minutes=3))
    line = views.answer_line(answered, "Neck tilt", 2, 6, BERLIN, MONDAY + timedelta(minutes=10))
    assert line.startswith(OPEN) and line.endswith(CLOSE)
    if outcome != NATURAL_BREAK:
        assert bracketed("Neck tilt") in line  # the catalog's English name, translated where shown


def test_the_guide_says_every_phase_translated_and_mirrors_steps_before_translating(
    pseudo_language: None,
) -> None:
    catalog = builtin_catalog()
    per_side = next(s for s in catalog.stretches if s.per_side and s.reps > 1)
    flowing = next(s for s in catalog.stretches if s.positions)
    seen = set()
    for stretch in (per_side, flowing):
        state = guide.Guide(stretch)
        assert translated(guide.label(state))
        state = guide.start(state, MONDAY)
        now = MONDAY
        while state.phase != guide.FINISHED:
            assert translated(guide.label(state)), (stretch.id, state.phase)
            seen.add(state.phase)
            if state.mirrored:
                assert guide.steps(state) == tuple(bracketed(s) for s in guide.mirror_steps(stretch.steps))
            else:
                assert guide.steps(state) == tuple(bracketed(s) for s in stretch.steps)
            now += timedelta(seconds=1)
            state, _cues = guide.advance(state, now)
        assert translated(guide.label(state))
    assert seen == {guide.READY, guide.HOLDING, guide.SWITCH, guide.REST}
    position_label = guide.label(guide.skip_lead_in(guide.Guide(flowing), MONDAY)[0])
    assert bracketed(flowing.positions[0]) in position_label  # the catalog's position, translated


def test_summaries_notes_and_todays_line_are_translated(pseudo_language: None) -> None:
    stretch = at_level(builtin_catalog().stretches[0], "beginner")
    assert all(part.startswith(OPEN) for part in stretch.summary().split(" · "))
    assert translated(level_note("beginner")) and translated(level_note("regular"))
    assert translated(today_line(None))
    line = today_line(Counts(done=2, skipped=1, natural_breaks=2), 6)
    assert translated(line) and bracketed("2 of 6 done") in line and bracketed("2 natural breaks") in line
    shared = sync.today_line(sync.MachineDay(3, (("laptop", 1),)), 6)
    assert translated(shared) and "laptop" in shared


def test_config_problems_are_translated_and_keep_keys_and_values_as_written(pseudo_language: None) -> None:
    text = '[schedule]\ninterval_minutes = 0\nintervl = 1\n[stretches]\npostures = ["sited"]\n'
    with pytest.raises(ConfigError) as raised:
        config.loads(text, "deskbreak.toml")
    lines = str(raised.value).splitlines()
    assert len(lines) == 3 and all(translated(line) for line in lines)
    assert "deskbreak.toml:2" in lines[0] and "schedule.interval_minutes" in lines[0] and "got 0" in lines[0]
    assert "schedule.intervl" in lines[1] and '"interval_minutes"' in lines[1]  # the hint names the key
    assert '"seated"' in lines[2] and '"sited"' in lines[2]
    with pytest.raises(ConfigError) as broken:
        config.loads("[schedule\n", "deskbreak.toml")
    assert translated(str(broken.value)) and "TOML" in str(broken.value)


def test_refusals_and_the_reload_summary_are_translated(pseudo_language: None) -> None:
    the_plan = plan()
    waiting = schedule.start(MONDAY)
    for refused in (
        schedule.snooze(waiting, MONDAY, the_plan),
        schedule.skip(waiting, MONDAY, the_plan),
        schedule.done(waiting, MONDAY, the_plan),
        schedule.resume(waiting, MONDAY, the_plan),
        schedule.snooze(waiting, MONDAY, the_plan, 999),
    ):
        assert refused.error is not None and translated(refused.error)
    now = MONDAY.astimezone(UTC)
    changed, times = config_change.summary(config.defaults(), config.defaults(), [], [], BERLIN, now)
    assert translated(changed) and translated(times)
