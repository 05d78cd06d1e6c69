"""The event lines derived from transitions, and when a status is news to a status bar."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskbreak.core import events, protocol
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.core.outcomes import DONE, NATURAL_BREAK, PromptOutcome
from deskbreak.core.state import Phase, Record, ShowPrompt, State, Transition, WithdrawPrompt

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CATALOG = Catalog(
    (Stretch("twist", "Seated twist", "seated", ("lower_back",), ("Sit.",), 20, 2, False, "Stop.", "t"),)
)
WAITING = State(Phase.WAITING, anchor=NOW - timedelta(minutes=45))


def names(before: State, transition: Transition) -> list[str]:
    return [line["event"] for line in events.of_transition(before, transition, NOW, BERLIN, CATALOG)]


def test_every_line_has_the_schema_its_name_and_the_time_in_the_schedule_zone():
    line = events.event("resumed", NOW, BERLIN)
    assert line == {"schema": protocol.EVENTS_SCHEMA, "event": "resumed", "time": "2026-11-23T10:30:00+01:00"}
    assert len(set(protocol.EVENT_NAMES)) == len(protocol.EVENT_NAMES)


def test_a_hold_that_ends_in_a_prompt_reads_released_then_shown():
    held = replace(WAITING, held_since=NOW, hold_reason="meeting", recheck_at=NOW)
    shown = replace(WAITING, phase=Phase.PROMPTING, stretch_id="twist", prompted_at=NOW)
    assert names(WAITING, Transition(held)) == ["held"]
    assert names(held, Transition(held)) == [], "still held for the same reason: nothing new"
    assert names(held, Transition(replace(held, hold_reason="fullscreen"))) == ["released", "held"]
    lines = events.of_transition(held, Transition(shown, (ShowPrompt("twist"),)), NOW, BERLIN, CATALOG)
    assert [line["event"] for line in lines] == ["released", "prompt_shown"]
    assert lines[0]["reason"] == "meeting"
    assert lines[1]["stretch"] == {"id": "twist", "name": "Seated twist"} and lines[1]["again"] is False


def test_an_answer_is_recorded_before_a_pause_begins_and_a_resume_is_told():
    prompting = replace(WAITING, phase=Phase.PROMPTING, stretch_id="twist", prompted_at=NOW)
    paused = replace(WAITING, phase=Phase.PAUSED, paused_until=None)
    outcome = PromptOutcome(NOW, "twist", DONE, NOW, held_seconds=25)
    lines = events.of_transition(
        prompting, Transition(paused, (WithdrawPrompt(), Record(outcome))), NOW, BERLIN, CATALOG
    )
    assert [line["event"] for line in lines] == ["done", "paused"]
    assert lines[0]["held_seconds"] == 25 and lines[1]["until"] is None
    later = replace(paused, paused_until=NOW + timedelta(hours=1))
    assert names(paused, Transition(later)) == ["paused"], "a new end to the pause is told"
    assert names(paused, Transition(WAITING)) == ["resumed"]


def test_a_natural_break_gives_its_span():
    began = NOW - timedelta(minutes=7)
    record = Record(PromptOutcome(began, None, NATURAL_BREAK, NOW))
    (line,) = events.of_transition(WAITING, Transition(WAITING, (record,)), NOW, BERLIN, CATALOG)
    assert line["event"] == "natural_break"
    assert (line["began"], line["ended"]) == ("2026-11-23T10:23:00+01:00", "2026-11-23T10:30:00+01:00")


def test_a_reload_is_applied_or_rejected():
    applied = events.of_reload({"ok": True, "changed": ["interval 45 -> 50 min"], "config": "c"}, NOW, BERLIN)
    assert applied["event"] == "config_applied" and applied["changed"] == ["interval 45 -> 50 min"]
    rejected = events.of_reload({"ok": False, "error": "c: bad", "config": "c"}, NOW, BERLIN)
    assert rejected["event"] == "config_rejected" and rejected["error"] == "c: bad"


def test_a_status_is_news_at_once_on_a_change_and_for_progress_once_a_minute():
    first = {"state": "working", "next_prompt_at": "10:15", "progress": 0.1}
    assert events.status_is_news(None, None, first, NOW)
    moved = {**first, "progress": 0.2}
    assert not events.status_is_news(first, NOW, first, NOW + timedelta(minutes=5))
    assert not events.status_is_news(first, NOW, moved, NOW + timedelta(seconds=59))
    assert events.status_is_news(first, NOW, moved, NOW + timedelta(seconds=60))
    assert events.status_is_news(first, NOW, {**moved, "state": "due"}, NOW + timedelta(seconds=1))


def test_the_readme_documents_every_event_name():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = readme.split("## Scripting: events", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in protocol.EVENT_NAMES if f"`{name}`" not in section]
    assert missing == []
