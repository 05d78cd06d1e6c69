"""The control protocol: one JSON object per line each way. Pure: no sockets, no clock.

Request: `{"cmd": "snooze", "arg": 10}` (`arg` optional). Reply: `{"ok": true, ...fields}` or
`{"ok": false, "error": "one line"}`. A line longer than MAX_LINE bytes or bytes that are not UTF-8
JSON are refused here; the command and its argument are checked against the command table
(`core/commands.py`), the same check for every caller.

`parse_pause` turns the user's pause spec (`30m`, `2h`, `90`, `until 14:30`, `tomorrow`,
`forever`) into the instant the pause ends (None: until resumed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from ..i18n import _

MAX_LINE = 64 * 1024  # bytes, without the newline
MAX_REPLY = 1024 * 1024  # what a client accepts back
SCHEMA = 1  # the version of the `status --json` shape
EVENTS_SCHEMA = 1  # the version of the `deskbreak events --json` lines (names and fields)

# Commands whose connection stays open: after the reply, the daemon sends a line per change
# (`follow`: the status, as `status --json`) or per event (`events`).
STREAMS = ("follow", "events")

# The event names of `deskbreak events --json` (stable: never renamed, only added to).
EVENT_PROMPT = "prompt_shown"
EVENT_DONE = "done"
EVENT_SNOOZED = "snoozed"
EVENT_SKIPPED = "skipped"
EVENT_IGNORED = "ignored"
EVENT_NATURAL_BREAK = "natural_break"
EVENT_MISSED = "missed_while_asleep"
EVENT_HELD = "held"
EVENT_RELEASED = "released"
EVENT_PAUSED = "paused"
EVENT_RESUMED = "resumed"
EVENT_CONFIG_APPLIED = "config_applied"
EVENT_CONFIG_REJECTED = "config_rejected"
EVENT_STARTED = "daemon_started"
EVENT_STOPPING = "daemon_stopping"
EVENT_DROPPED = "dropped"  # a slow reader lost `count` lines before this one
EVENT_NAMES = (
    EVENT_PROMPT,
    EVENT_DONE,
    EVENT_SNOOZED,
    EVENT_SKIPPED,
    EVENT_IGNORED,
    EVENT_NATURAL_BREAK,
    EVENT_MISSED,
    EVENT_HELD,
    EVENT_RELEASED,
    EVENT_PAUSED,
    EVENT_RESUMED,
    EVENT_CONFIG_APPLIED,
    EVENT_CONFIG_REJECTED,
    EVENT_STARTED,
    EVENT_STOPPING,
    EVENT_DROPPED,
)
MAX_PAUSE = timedelta(days=30)
MAX_SPEC = 64  # characters of a pause spec


class ProtocolError(ValueError):
    """A request or reply that breaks the protocol; the message is one line."""


@dataclass(frozen=True)
class Request:
    cmd: str
    arg: Any = None


# --- requests ---


def encode_request(cmd: str, arg: Any = None) -> bytes:
    body: dict[str, Any] = {"cmd": cmd}
    if arg is not None:
        body["arg"] = arg
    return _line(body)


def decode_request(line: bytes) -> Request:
    """A request from one line (the newline optional); ProtocolError for a line that is no request."""
    doc = _load(line, "request")
    if not isinstance(doc, dict):
        raise ProtocolError('request must be a JSON object like {"cmd": "status"}')
    cmd = doc.get("cmd")
    if not isinstance(cmd, str):
        raise ProtocolError('request needs "cmd": a command name string')
    arg = doc.get("arg")
    return Request(cmd, arg)


# --- replies ---


def encode_reply(reply: dict[str, Any]) -> bytes:
    return _line(reply)


def error_reply(message: str) -> dict[str, Any]:
    return {"ok": False, "error": message}


def decode_reply(line: bytes) -> dict[str, Any]:
    doc = _load(line, "reply", MAX_REPLY)
    if not isinstance(doc, dict) or not isinstance(doc.get("ok"), bool):
        raise ProtocolError('reply must be a JSON object with a boolean "ok"')
    return doc


def _line(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _load(line: bytes, what: str, limit: int = MAX_LINE) -> Any:
    line = line.rstrip(b"\r\n")
    if len(line) > limit:
        raise ProtocolError(f"{what} too long: more than {limit} bytes")
    if not line.strip():
        raise ProtocolError(f"empty {what}")
    try:
        return json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProtocolError(f"{what} is not UTF-8") from None
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"{what} is not JSON: {str(error).splitlines()[0][:80]}") from None


def show_value(value: object) -> str:
    """A value as a user typed it, cut to fit in a one-line error."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- pause specs ---

_DURATION = re.compile(r"(?:(\d{1,4})\s*h)?\s*(?:(\d{1,5})\s*m(?:in)?)?")
_UNTIL = re.compile(r"until\s+(\d{1,2}):(\d{2})")


def _bad_pause_spec() -> str:
    return _("pause: got {value}, expected 30m, 2h, 90 (minutes), until HH:MM, tomorrow or forever")


def pause_spec(text: str) -> tuple[str, timedelta | time | None]:
    """The kind and value of a pause spec: ("for", timedelta), ("until", time), ("tomorrow", None)
    or ("forever", None). ProtocolError (one line) for anything else."""
    spec = " ".join(text.lower().split())
    if len(text) > MAX_SPEC or not spec:
        raise ProtocolError(_bad_pause_spec().format(value=show_value(text)))
    if spec in ("forever", "tomorrow"):
        return spec, None
    until = _UNTIL.fullmatch(spec)
    if until:
        hour, minute = int(until[1]), int(until[2])
        if hour > 23 or minute > 59:
            raise ProtocolError(
                _("pause: {time} is not a time of day (00:00 to 23:59)").format(time=repr(spec[6:]))
            )
        return "until", time(hour, minute)
    minutes = None
    if spec.isdigit() and len(spec) <= 6:
        minutes = int(spec)
    else:
        match = _DURATION.fullmatch(spec)
        if match and (match[1] or match[2]):
            minutes = int(match[1] or 0) * 60 + int(match[2] or 0)
    if minutes is None:
        raise ProtocolError(_bad_pause_spec().format(value=show_value(text)))
    length = timedelta(minutes=minutes)
    if not timedelta(minutes=1) <= length <= MAX_PAUSE:
        raise ProtocolError(_("pause: the length must be from 1 minute to 30 days (or forever)"))
    return "for", length


def parse_pause(
    text: str, now: datetime, zone: tzinfo, next_window_start: Callable[[date], datetime | None] | None = None
) -> datetime | None:
    """When a pause given as `text` ends, as an aware datetime in `zone`; None means until resumed.

    `until HH:MM` is today, or tomorrow if that time has passed. `tomorrow` is the start of the
    first work window on or after tomorrow (`next_window_start(tomorrow)`), or tomorrow's midnight
    when no schedule is given. ProtocolError (one line) for a bad spec or no work hours ahead.
    """
    kind, value = pause_spec(text)
    local_now = now.astimezone(zone)
    if kind == "forever":
        return None
    if isinstance(value, timedelta):  # "for"
        return (now.astimezone(UTC) + value).astimezone(zone)
    if isinstance(value, time):  # "until"
        at = _wall(local_now.date(), value, zone)
        return at if at > now else _wall(local_now.date() + timedelta(days=1), value, zone)
    tomorrow = local_now.date() + timedelta(days=1)
    if next_window_start is None:
        return _wall(tomorrow, time(0, 0), zone)
    start = next_window_start(tomorrow)
    if start is None:
        raise ProtocolError(_("pause: no work hours ahead to pause until (try: forever)"))
    return start.astimezone(zone)


def _wall(day: date, at: time, zone: tzinfo) -> datetime:
    """The instant of a wall-clock time (a time in a DST gap moves forward past it)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).astimezone(zone)
