"""The command table: one vocabulary, each argument checked in one place, every refusal one line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskbreak.core import commands, protocol
from deskbreak.core.commands import COMMANDS, check
from deskbreak.core.protocol import ProtocolError


@pytest.mark.parametrize(
    "name, arg, message",
    [
        ("fly", None, "unknown command 'fly'"),
        ("status", 1, "status takes a form (text, json, short"),
        ("status", "tiny", "status takes a form"),
        ("snooze", "10", "snooze minutes must be a whole number from 1 to 240"),
        ("snooze", 0, "snooze minutes must be"),
        ("snooze", 241, "snooze minutes must be"),
        ("snooze", True, "snooze minutes must be"),
        ("snooze", 2.5, "snooze minutes must be"),
        ("done", -1, "done takes the seconds held"),
        ("done", {"stretch": "Not An Id"}, "done takes the seconds held"),
        ("skip", {"held_seconds": 3}, "skip takes nothing or"),
        ("pause", 30, "pause takes a spec string"),
        ("pause", "soon", "pause: got 'soon'"),
        ("pause", {"a": 1}, "pause takes a spec string"),
        ("next", 51, "next takes how many prompts, 1 to 50"),
        ("edit", "now", "edit takes no argument"),
    ],
)
def test_an_unknown_command_or_a_bad_argument_is_one_line(name, arg, message):
    with pytest.raises(ProtocolError) as caught:
        check(name, arg)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "name, arg",
    [
        ("status", None),
        ("snooze", 10),
        ("done", 25),
        ("done", {"held_seconds": 40, "stretch": "seated-twist"}),
        ("skip", {"stretch": "seated-twist"}),
        ("pause", "until 14:30"),
        ("pause", None),
        ("next", 5),
    ],
)
def test_good_arguments_pass(name, arg):
    check(name, arg)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    st.sampled_from(sorted(COMMANDS)),
)
def test_any_json_argument_is_accepted_or_refused_cleanly(arg, cmd):
    request = protocol.decode_request(json.dumps({"cmd": cmd, "arg": arg}).encode())
    assert request.cmd == cmd
    try:
        check(request.cmd, request.arg)
    except ProtocolError as error:
        assert "\n" not in str(error)


def test_each_surface_reaches_the_commands_it_offers():
    assert commands.reached_from("cli") == (
        "status",
        "now",
        "show",
        "done",
        "snooze",
        "skip",
        "another",
        "pause",
        "resume",
        "next",
        "reload",
        "quit",
        "events",
    )
    assert set(commands.reached_from("tray")) == {
        "status",  # the actions window, for trays without a menu
        "show",
        "done",
        "snooze",
        "skip",
        "pause",
        "resume",
        "reload",
        "edit",
        "quit",
    }
    assert set(commands.reached_from("notification")) == {"show", "done", "snooze", "skip"}
    assert set(commands.reached_from("window")) == {
        "status",
        "done",
        "snooze",
        "skip",
        "another",
        "pause",
        "resume",
    }
    assert all(command.name == name for name, command in COMMANDS.items())
