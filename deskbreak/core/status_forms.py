"""How `deskbreak status` shows a status (the fields of `status --json`), in each of its forms. Pure.

The daemon renders the form a one-shot `deskbreak status` asks for (`status` with a form as its
argument) and sends the finished text, in the daemon's language: the command prints it as it
comes, with neither the formatting nor the translations loaded in a process a status bar starts
every few seconds. `status --follow`, and a daemon too old to render, use the same functions in
the CLI's process, so every path prints the same bytes for the same status.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..i18n import _
from .locale_formats import short_time, weekday_time

TEXT, JSON, SHORT, SHORT_ASCII, WAYBAR, WAYBAR_ASCII = (
    "text",
    "json",
    "short",
    "short-ascii",
    "waybar",
    "waybar-ascii",
)
FORMS = (TEXT, JSON, SHORT, SHORT_ASCII, WAYBAR, WAYBAR_ASCII)
ENVELOPE = ("ok", "text")  # the reply's own fields, not the status's

Status = Mapping[str, Any]


def form_of(as_json: bool = False, short: bool = False, waybar: bool = False, ascii: bool = False) -> str:
    """The form named by `status`'s options (`--ascii` goes with `--short` or `--waybar`)."""
    if as_json:
        return JSON
    if short:
        return SHORT_ASCII if ascii else SHORT
    if waybar:
        return WAYBAR_ASCII if ascii else WAYBAR
    return TEXT


def render(status: Status, form: str) -> str:
    """`status` as the form prints it (one of FORMS; ValueError for another)."""
    if form == TEXT:
        return text_lines(status)
    if form == JSON:
        return json_text(status)
    if form in (SHORT, SHORT_ASCII):
        return short_line(status, ascii=form == SHORT_ASCII)
    if form in (WAYBAR, WAYBAR_ASCII):
        return waybar_line(status, ascii=form == WAYBAR_ASCII)
    raise ValueError(f"unknown status form {form!r}")


def status_fields(status: Status) -> dict[str, Any]:
    """The status without the reply's envelope (`ok`, and the rendered `text`)."""
    return {key: value for key, value in status.items() if key not in ENVELOPE}


def json_text(status: Status) -> str:
    """`status --json`: the fields, indented (schema `protocol.SCHEMA`)."""
    return json.dumps(status_fields(status), indent=2, ensure_ascii=False)


def text_lines(status: Status) -> str:
    """`status`: the headline, then what it leaves out (the next prompt while off hours, today's
    count, a config that was not applied)."""
    lines = [str(status.get("headline", ""))]
    if status.get("next_prompt_at") and status.get("state") == "off":  # the headline names the others
        at = weekday_time(datetime.fromisoformat(status["next_prompt_at"]))
        stretch = (status.get("stretch") or {}).get("name")
        if stretch:
            # Translators: `deskbreak status` outside work hours; {time} is like "Mon 09:00".
            lines.append(_("Next prompt: {time} · {stretch}").format(time=at, stretch=stretch))
        else:
            lines.append(_("Next prompt: {time}").format(time=at))
    if status.get("today_line"):
        lines.append(status["today_line"])  # the daemon's line: the same numbers and goal as the tray
    if status.get("config_error"):
        error = status["config_error"].splitlines()[0]
        lines.append(_("Config not applied: {error}").format(error=error))
    return "\n".join(lines)


def short_line(status: Status, ascii: bool = False) -> str:
    """One line for a status bar: `🧘 14:30`, `🧘 now`, `💤 14:40`, `paused`, `off` (wall-clock
    times in the schedule's zone, as the status carries them); with `ascii`: `next 14:30`,
    `stretch now`, `snoozed 14:40`, `paused`, `off`."""
    state = status.get("state")
    if state == "due":
        # Translators: a status bar's text while a stretch is due; "ascii" is for bar fonts without emoji.
        return _("stretch now") if ascii else _("🧘 now")
    if state == "paused":
        # Translators: a status bar's text while reminders are paused.
        return _("paused")
    at = status.get("snoozed_until") if state == "snoozed" else status.get("next_prompt_at")
    if state not in ("working", "snoozed") or not at:
        # Translators: a status bar's text outside work hours (no prompt ahead today).
        return _("off")
    clock = short_time(datetime.fromisoformat(at))
    if state == "snoozed":
        # Translators: a status bar's text: snoozed until {time} (like 14:40).
        return (_("snoozed {time}") if ascii else _("💤 {time}")).format(time=clock)
    # Translators: a status bar's text: the next stretch at {time} (like 14:30).
    return (_("next {time}") if ascii else _("🧘 {time}")).format(time=clock)


def waybar_body(status: Status, ascii: bool = False) -> dict[str, Any]:
    """waybar's custom-module JSON (`return-type: json`): the short line as `text`, the full status
    as `tooltip`, the state as `class` (plus `config-error`), progress as `percentage` (0-100)."""
    state = str(status.get("state") or "off")
    return {
        "text": short_line(status, ascii),
        "tooltip": text_lines(status),
        "class": [state, "config-error"] if status.get("config_error") else state,
        "percentage": round(float(status.get("progress") or 0) * 100),
    }


def waybar_line(status: Status, ascii: bool = False) -> str:
    return waybar_json(waybar_body(status, ascii), ascii)


def waybar_json(body: Mapping[str, Any], ascii: bool) -> str:
    """One line of waybar's JSON (with `ascii`, escapes for bars whose font has no emoji)."""
    return json.dumps(body, ensure_ascii=ascii, separators=(",", ":"))
