"""Each form of `deskbreak status`, rendered from one status (as the daemon renders it)."""

from __future__ import annotations

import json

import pytest

from deskbreak.core import status_forms
from deskbreak.core.status_forms import form_of, render

STATUS = {
    "schema": 1,
    "ok": True,
    "state": "working",
    "headline": "Next stretch 10:30 · Seated twist",
    "next_prompt_at": "2026-12-07T10:30:00+01:00",
    "snoozed_until": None,
    "progress": 0.25,
    "today_line": "Today: 2 of 6 stretches",
    "config_error": None,
    "text": "an earlier rendering",
}


def test_the_options_name_one_form_each():
    assert form_of() == "text"
    assert form_of(as_json=True) == "json"
    assert form_of(short=True) == "short" and form_of(short=True, ascii=True) == "short-ascii"
    assert form_of(waybar=True) == "waybar" and form_of(waybar=True, ascii=True) == "waybar-ascii"
    assert {form_of(*flags) for flags in [(1, 0, 0, 0), (0, 1, 0, 1), (0, 0, 1, 0)]} <= set(
        status_forms.FORMS
    )


def test_short_forms_for_a_status_bar():
    assert render(STATUS, "short") == "🧘 10:30"
    assert render(STATUS, "short-ascii") == "next 10:30"
    snoozed = {**STATUS, "state": "snoozed", "snoozed_until": "2026-12-07T10:40:00+01:00"}
    assert (render(snoozed, "short"), render(snoozed, "short-ascii")) == ("💤 10:40", "snoozed 10:40")
    assert render({**STATUS, "state": "due"}, "short-ascii") == "stretch now"
    assert render({**STATUS, "state": "paused"}, "short") == "paused"
    assert render({**STATUS, "state": "off", "next_prompt_at": None}, "short") == "off"


def test_text_and_json_forms_leave_the_replys_envelope_out():
    assert render(STATUS, "text") == "Next stretch 10:30 · Seated twist\nToday: 2 of 6 stretches"
    off = {**STATUS, "state": "off", "stretch": {"name": "Neck tilt"}, "config_error": "bad key\nmore"}
    assert render(off, "text").splitlines()[1:] == [
        "Next prompt: Mon 10:30 · Neck tilt",
        "Today: 2 of 6 stretches",
        "Config not applied: bad key",
    ]
    doc = json.loads(render(STATUS, "json"))
    assert "ok" not in doc and "text" not in doc and doc["schema"] == 1


def test_waybar_forms_are_one_line_and_ascii_when_asked():
    line = render(STATUS, "waybar-ascii")
    assert "\n" not in line and line.isascii()
    body = json.loads(line)
    assert body == {
        "text": "next 10:30",
        "tooltip": render(STATUS, "text"),
        "class": "working",
        "percentage": 25,
    }
    assert json.loads(render({**STATUS, "config_error": "x"}, "waybar"))["class"] == [
        "working",
        "config-error",
    ]


def test_an_unknown_form_is_refused():
    with pytest.raises(ValueError):
        render(STATUS, "tiny")
