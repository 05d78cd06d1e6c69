"""Notifications in the user's language: the buttons' labels are translated, the action keys sent
over D-Bus stay; the terminal's heading and doctor's server line read in the language too."""

from __future__ import annotations

import io
from types import SimpleNamespace

from pseudo_language import translated

from deskbreak.adapters.notify.freedesktop import FreedesktopNotifier
from deskbreak.adapters.notify.server import ServerInfo
from deskbreak.adapters.notify.terminal import LogNotifier
from deskbreak.ports import Prompt

PROMPT = Prompt("seated-twist", "Seated twist", "Sit tall.", 7)


def actions_sent(prompt: Prompt) -> list[str]:
    """The `actions` argument of the Notify call for `prompt`, on a server with buttons."""
    notifier = FreedesktopNotifier(lambda action, arg: None)
    sent: list[list[str]] = []

    def capabilities() -> set[str]:
        notifier.has_actions = True
        return {"actions"}

    def send(caps, replaces, title, body, icon, timeout, actions):
        sent.append(actions)
        return SimpleNamespace(header=SimpleNamespace(fields={}), body=(1,))

    notifier._capabilities = capabilities  # no bus: the call's arguments only
    notifier._send = send
    notifier._show(prompt)
    return sent[0]


def test_button_labels_are_translated_and_their_keys_stay(pseudo_language: None) -> None:
    actions = actions_sent(PROMPT)
    keys, labels = actions[0::2], actions[1::2]
    assert keys == ["default", "done", "snooze", "skip"]
    assert labels == ["⟦Show stretch⟧", "⟦Done⟧", "⟦Snooze 7 min⟧", "⟦Skip⟧"]


def test_in_english_the_buttons_read_as_before() -> None:
    assert actions_sent(PROMPT)[1::2] == ["Show stretch", "Done", "Snooze 7 min", "Skip"]


def test_the_terminal_heading_and_the_server_line_are_translated(pseudo_language: None) -> None:
    stream = io.StringIO()
    LogNotifier(stream).show(PROMPT)
    assert "== ⟦deskbreak: Seated twist⟧ ==" in stream.getvalue()
    server = ServerInfo("dunst", "knopwob", "1.9.0", "1.2", ())
    assert server.describe() == "⟦dunst 1.9.0 (knopwob), capabilities: ⟦none⟧⟧"
    assert translated(server.describe())
