"""FreedesktopNotifier against the real desktop stack: dunst on a private session bus."""

from __future__ import annotations

import html
import threading
import time

import pytest

from deskbreak.adapters.notify.freedesktop import FreedesktopNotifier
from deskbreak.ports import DISMISSED, DONE, SHOW, SKIP, SNOOZE, Notice, NotifierError, Prompt

TWIST = Prompt(
    stretch_id="seated-twist",
    title="Seated spinal twist",
    body="Sit tall, feet flat. Turn from the ribs toward the chair back & breathe.\nHold 20 s, 3 a side.",
    snooze_minutes=7,
)
SIDE_BEND = Prompt(
    stretch_id="seated-side-bend",
    title="Seated side bend",
    body="Reach one arm overhead and lean the other way.\nHold 20 s, 2 a side.",
    snooze_minutes=5,
)


class Recorder:
    """An ActionHandler that lets the test wait for calls (they arrive on the signal thread)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int | None]] = []
        self._cond = threading.Condition()

    def __call__(self, action: str, arg: int | None) -> None:
        with self._cond:
            self.calls.append((action, arg))
            self._cond.notify_all()

    def wait(self, count: int = 1, timeout: float = 5.0) -> list[tuple[str, int | None]]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.calls) >= count, timeout)
            return list(self.calls)


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def actions() -> Recorder:
    return Recorder()


@pytest.fixture
def notifier(desktop, actions):
    desktop.dunstctl("close-all")  # start from an empty screen
    n = FreedesktopNotifier(
        actions,
        "/usr/share/icons/hicolor/48x48/apps/deskbreak.png",
        bus_address=desktop.bus_address,
        timeout=1.0,
    )
    yield n
    n.close()


def other_client_notify(desktop, summary: str, body: str, actions: list[str]) -> int:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    server = DBusAddress(
        "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "org.freedesktop.Notifications"
    )
    with open_dbus_connection(desktop.bus_address) as conn:
        msg = new_method_call(
            server, "Notify", "susssasa{sv}i", ("other", 0, "", summary, body, actions, {}, -1)
        )
        return conn.send_and_get_reply(msg, timeout=2).body[0]


def close_from_elsewhere(desktop, nid: int) -> None:
    """CloseNotification from another client: the server reports reason 3."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    server = DBusAddress(
        "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "org.freedesktop.Notifications"
    )
    with open_dbus_connection(desktop.bus_address) as conn:
        conn.send_and_get_reply(new_method_call(server, "CloseNotification", "u", (nid,)), timeout=2)


@pytest.mark.desktop
def test_probe_names_the_server(desktop):
    assert FreedesktopNotifier.probe(desktop.bus_address).startswith("dunst ")


@pytest.mark.desktop
def test_prompt_reaches_dunst_with_name_and_steps(desktop, notifier, actions):
    notifier.show(TWIST)
    assert notifier.has_actions
    assert desktop.dunst_displayed() == 1
    shown = notifier.shown_id
    [entry] = [e for e in desktop.dunst_history() if e["id"] == shown]
    assert entry["appname"] == "deskbreak"
    assert entry["summary"] == "Seated spinal twist"
    # dunst has body-markup: the body goes out escaped ("&amp;") and is rendered as "&".
    assert "chair back &amp; breathe" in entry["body"]
    assert "Turn from the ribs toward the chair back & breathe" in html.unescape(entry["body"])
    assert "Hold 20 s, 3 a side." in entry["body"]
    assert actions.wait(1) == [(DISMISSED, None)]  # close-all is a user dismissal


@pytest.mark.desktop
@pytest.mark.parametrize(
    ("key", "expected"), [("done", (DONE, None)), ("snooze", (SNOOZE, 7)), ("skip", (SKIP, None))]
)
def test_buttons_call_on_action(desktop, notifier, actions, key, expected):
    notifier.show(TWIST)
    desktop.dunst_pick_action(key, notifier.shown_id)
    assert actions.wait(1) == [expected]
    # Closing it after the choice is not a dismissal.
    desktop.dunstctl("close-all")
    assert wait_until(lambda: notifier.shown_id is None)
    notifier.show(SIDE_BEND)
    desktop.dunst_pick_action("done")
    assert actions.wait(2) == [expected, (DONE, None)]


@pytest.mark.desktop
def test_click_on_the_body_shows_the_stretch(desktop, notifier, actions):
    notifier.show(TWIST)
    desktop.dunst_default_action()
    assert actions.wait(1) == [(SHOW, None)]
    desktop.dunst_pick_action("snooze")  # the buttons still work after opening the window
    assert actions.wait(2) == [(SHOW, None), (SNOOZE, 7)]


@pytest.mark.desktop
def test_new_prompt_replaces_the_previous_one(desktop, notifier, actions):
    notifier.show(TWIST)
    first = notifier.shown_id
    notifier.show(SIDE_BEND)
    assert notifier.shown_id == first
    assert desktop.dunst_displayed() == 1
    desktop.dunst_pick_action("snooze")
    assert actions.wait(1) == [(SNOOZE, 5)]  # the snooze minutes of the prompt on screen


@pytest.mark.desktop
def test_only_a_user_dismissal_reports(desktop, notifier, actions):
    # reason 3: closed by a CloseNotification call
    notifier.show(TWIST)
    close_from_elsewhere(desktop, notifier.shown_id)
    assert wait_until(lambda: notifier.shown_id is None)
    # reason 1: expired
    notifier.show(
        Prompt("x", "Standing back extension", "Hands on hips, lean back gently.", 5, timeout_seconds=1)
    )
    assert wait_until(lambda: notifier.shown_id is None)
    # withdraw(): reason 3 again, from us
    notifier.show(TWIST)
    notifier.withdraw()
    assert wait_until(lambda: desktop.dunst_displayed() == 0)
    assert actions.calls == []
    # reason 2: the user closed it
    notifier.show(TWIST)
    desktop.dunstctl("close")
    assert actions.wait(1) == [(DISMISSED, None)]


@pytest.mark.desktop
def test_signals_for_other_clients_are_ignored(desktop, notifier, actions):
    notifier.show(TWIST)
    other = other_client_notify(desktop, "Someone else", "not ours", ["done", "Done"])
    desktop.dunst_pick_action("done", other)
    desktop.dunstctl("close")  # the newest, the other client's, reason 2
    desktop.dunstctl("close")  # ours, reason 2
    assert actions.wait(1) == [(DISMISSED, None)]


@pytest.mark.desktop
def test_missing_hung_and_returning_server(desktop, notifier, actions):
    from jeepney import DBus
    from jeepney.io.blocking import open_dbus_connection

    try:
        desktop.kill_dunst()
        assert FreedesktopNotifier.probe(desktop.bus_address) is None
        started = time.monotonic()
        with pytest.raises(NotifierError, match="no notification server"):
            notifier.show(TWIST)
        assert time.monotonic() - started < 1.0

        # A server that owns the name but never answers: the call times out (timeout=1.0).
        with open_dbus_connection(desktop.bus_address) as squatter:
            squatter.send_and_get_reply(DBus().RequestName("org.freedesktop.Notifications"), timeout=2)
            started = time.monotonic()
            with pytest.raises(NotifierError, match="did not answer"):
                notifier.show(TWIST)
            assert time.monotonic() - started < 3.0
    finally:
        desktop.restart_dunst()

    notifier.show(TWIST)
    desktop.dunst_pick_action("done")
    assert actions.wait(1) == [(DONE, None)]


@pytest.mark.desktop
def test_bus_that_dies_and_comes_back(desktop, tmp_path, actions):
    address = desktop.start_bus("bus2", tmp_path / "bus2")
    n = FreedesktopNotifier(actions, bus_address=address, timeout=1.0)
    try:
        with pytest.raises(NotifierError, match="no notification server"):
            n.show(TWIST)  # connected, but nobody serves notifications there
        desktop.stop_process("bus2")
        with pytest.raises(NotifierError, match=r"unreachable|cannot connect"):
            n.show(TWIST)
        with pytest.raises(NotifierError, match="cannot connect"):
            n.show(TWIST)
    finally:
        desktop.stop_process("bus2")
        n.close()
    # The session bus (with dunst) is another address: a fresh notifier reconnects there.
    n2 = FreedesktopNotifier(actions, bus_address=desktop.bus_address, timeout=1.0)
    try:
        n2.show(TWIST)
        assert n2.shown_id
    finally:
        n2.close()


def test_no_session_bus(monkeypatch, actions):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert FreedesktopNotifier.probe() is None
    with pytest.raises(NotifierError, match="DBUS_SESSION_BUS_ADDRESS"):
        FreedesktopNotifier(actions).show(TWIST)


@pytest.mark.desktop
def test_a_notice_stands_beside_the_prompt_and_a_withdraw_leaves_it(desktop, notifier, actions):
    notifier.show(TWIST)
    prompt = notifier.shown_id
    notifier.notify(Notice("deskbreak: config not applied", "config.toml:3: schedule.interval_minutes"))
    assert notifier.shown_id == prompt, "the notice never replaces the prompt"
    assert desktop.dunst_displayed() == 2
    notifier.withdraw()
    assert wait_until(lambda: desktop.dunst_displayed() == 1), "the notice stays"
    assert [e["summary"] for e in desktop.dunst_history()][:1] == ["deskbreak: config not applied"]


@pytest.mark.desktop
def test_every_stretch_bubble_reaches_dunst_whole_with_its_caution_and_the_way_to_the_steps(
    desktop, notifier
):
    from deskbreak.assets import builtin_catalog
    from deskbreak.core import views
    from deskbreak.core.catalog import at_level

    for stretch in builtin_catalog().stretches:
        prompt = views.prompt_for(at_level(stretch, "beginner"), 10)
        notifier.show(prompt)
        shown = notifier.shown_id
        [entry] = [e for e in desktop.dunst_history() if e["id"] == shown]
        body = html.unescape(entry["body"])
        assert body == prompt.body, stretch.id
        assert body.splitlines()[-2:] == [f"Caution: {stretch.caution_short}", views.FULL_STEPS]
