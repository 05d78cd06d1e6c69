from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskbreak.core import protocol
from deskbreak.core.protocol import (
    ProtocolError,
    Request,
    decode_reply,
    decode_request,
    encode_request,
    parse_pause,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=BERLIN)  # a Monday


def test_requests_round_trip_as_one_json_line():
    line = encode_request("snooze", 10)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {"cmd": "snooze", "arg": 10}
    assert decode_request(line) == Request("snooze", 10)
    assert decode_request(encode_request("status")) == Request("status")
    assert decode_request(b'{"cmd": "pause", "arg": "until 14:30"}\r\n') == Request("pause", "until 14:30")


def test_replies_round_trip():
    reply = {"ok": True, "state": "working", "headline": "Next stretch 14:30 · Seitbeuge"}
    assert decode_reply(protocol.encode_reply(reply)) == reply
    assert decode_reply(protocol.encode_reply(protocol.error_reply("no"))) == {"ok": False, "error": "no"}
    with pytest.raises(ProtocolError):
        decode_reply(b'{"state": "working"}')


@pytest.mark.parametrize(
    "line, message",
    [
        (b"", "empty request"),
        (b"   \n", "empty request"),
        (b"\xff\xfe\x00garbage", "request is not UTF-8"),
        (b'{"cmd": "status"', "request is not JSON"),
        (b"[1, 2]", "request must be a JSON object"),
        (b'"status"', "request must be a JSON object"),
        (b'{"arg": 3}', 'request needs "cmd"'),
        (b'{"cmd": 3}', 'request needs "cmd"'),
        (b"[" * 100_000, "request too long"),
        (b"[" * 5000 + b"]" * 5000, "request is not JSON"),
    ],
)
def test_bad_requests_are_one_line_errors(line, message):
    with pytest.raises(ProtocolError) as caught:
        decode_request(line)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_the_line_limit_is_exact():
    body = b'{"cmd": "status", "pad": "' + b"x" * (protocol.MAX_LINE - 28) + b'"}'
    assert len(body) == protocol.MAX_LINE
    assert decode_request(body + b"\n") == Request("status")
    with pytest.raises(ProtocolError, match="too long"):
        decode_request(body + b" ")


@given(st.binary(max_size=300))
def test_random_bytes_never_raise_anything_but_protocol_errors(data):
    try:
        decode_request(data)
    except ProtocolError as error:
        assert "\n" not in str(error)


# --- pause specs ---


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30m", NOW + timedelta(minutes=30)),
        ("30 min", NOW + timedelta(minutes=30)),
        ("2h", NOW + timedelta(hours=2)),
        ("1h30m", NOW + timedelta(minutes=90)),
        ("90", NOW + timedelta(minutes=90)),
        ("  2H ", NOW + timedelta(hours=2)),
        ("until 16:30", datetime(2026, 11, 23, 16, 30, tzinfo=BERLIN)),
        ("until 9:05", datetime(2026, 11, 24, 9, 5, tzinfo=BERLIN)),  # passed today: tomorrow
        ("until 14:00", datetime(2026, 11, 24, 14, 0, tzinfo=BERLIN)),  # now is not the future
        ("UNTIL  23:59", datetime(2026, 11, 23, 23, 59, tzinfo=BERLIN)),
        ("tomorrow", datetime(2026, 11, 24, 0, 0, tzinfo=BERLIN)),  # no schedule given: midnight
        ("forever", None),
    ],
)
def test_pause_specs(text, expected):
    got = parse_pause(text, NOW, BERLIN)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None and got.utcoffset() == got.astimezone(BERLIN).utcoffset()


def test_pause_tomorrow_is_the_first_work_window_from_tomorrow():
    asked = []

    def next_window_start(day: date) -> datetime:
        asked.append(day)
        return datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

    assert parse_pause("tomorrow", NOW, BERLIN, next_window_start) == datetime(
        2026, 11, 24, 9, 0, tzinfo=BERLIN
    )
    assert asked == [date(2026, 11, 24)]
    with pytest.raises(ProtocolError, match="no work hours ahead"):
        parse_pause("tomorrow", NOW, BERLIN, lambda day: None)


def test_pause_until_a_time_in_the_spring_gap_moves_past_it():
    before_gap = datetime(2026, 3, 29, 1, 0, tzinfo=BERLIN)
    got = parse_pause("until 02:30", before_gap, BERLIN)
    assert got == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN) and got > before_gap


def test_pause_durations_count_real_time_across_dst():
    before_fallback = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)
    got = parse_pause("2h", before_fallback, BERLIN)
    assert got.fold == 1  # the second 02:30 of the night: same-zone subtraction would say 1 h
    assert got.astimezone(UTC) - before_fallback.astimezone(UTC) == timedelta(hours=2)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "0",
        "0m",
        "30s",
        "until 25:00",
        "until 12:60",
        "until",
        "-5",
        "31d",
        "1000000",
        "100000h",
        "x" * 100,
        "until 1230",
        "2h 30",
    ],
)
def test_bad_pause_specs_are_one_line_errors(text):
    with pytest.raises(ProtocolError) as caught:
        parse_pause(text, NOW, BERLIN)
    assert str(caught.value).startswith("pause: ") and "\n" not in str(caught.value)


def test_pause_spec_kinds():
    assert protocol.pause_spec("45") == ("for", timedelta(minutes=45))
    assert protocol.pause_spec("until 7:15") == ("until", time(7, 15))
    assert protocol.pause_spec("Forever") == ("forever", None)
    assert protocol.pause_spec("720h") == ("for", timedelta(days=30))
