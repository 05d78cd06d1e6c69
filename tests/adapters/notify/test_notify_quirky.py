"""FreedesktopNotifier against deliberately quirky notification servers on a private bus: replies twice
(as mako does), stray replies, error replies, replies of the wrong shape, no actions, another capability
set, a server that hangs, one that restarts. Nothing but NotifierError may come out, and buttons stay
where the server has them."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest
from desktop_stack import wait_for

from deskbreak.adapters.notify import choose_notifier
from deskbreak.adapters.notify.freedesktop import FreedesktopNotifier
from deskbreak.adapters.notify.server import server_info
from deskbreak.ports import DONE, NotifierError, Prompt

pytestmark = pytest.mark.desktop

NAME = PATH_IFACE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
PROMPT = Prompt("seated-twist", "Seated twist", "Turn <slowly> & breathe", 5)
ALL_CAPS = ["actions", "body", "body-markup"]


@dataclass
class Quirks:
    capabilities: list = field(default_factory=lambda: list(ALL_CAPS))
    twice: bool = True  # reply, then an UnknownMethod error with the same reply serial (mako 1.7)
    stray: bool = True  # also a reply to a serial nobody used
    refuse: str = ""  # a method answered with an error only
    wrong_shape: str = ""  # a method answered with a body of the wrong signature
    hang: str = ""  # a method never answered


class QuirkyServer:
    """A notification server on `address`, answering from its own thread; records the Notify calls."""

    def __init__(self, address: str, quirks: Quirks) -> None:
        from jeepney.io.blocking import open_dbus_connection

        self.quirks = quirks
        self.notified: list[tuple] = []
        self._conn = open_dbus_connection(address)
        self._stop = threading.Event()
        self._next_id = 1
        from jeepney import DBus

        reply = self._conn.send_and_get_reply(DBus().RequestName(NAME, 4), timeout=2)  # 4: do not queue
        assert reply.body[0] == 1, "the quirky server did not get the notification name"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def unique_name(self) -> str:
        return self._conn.unique_name

    def emit(self, member: str, signature: str, body: tuple) -> None:
        from jeepney import DBusAddress, new_signal

        self._conn.send(new_signal(DBusAddress(PATH, interface=PATH_IFACE), member, signature, body))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()

    def _serve(self) -> None:
        from jeepney import HeaderFields, MessageType

        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type == MessageType.method_call:
                self._answer(msg, msg.header.fields.get(HeaderFields.member))

    def _answer(self, msg, member: str) -> None:
        from jeepney import HeaderFields, new_error, new_method_return

        q = self.quirks
        if member == q.hang:
            return
        if member == q.refuse:
            self._conn.send(new_error(msg, "org.example.Error.Refused", "s", ("not today",)))
            return
        if member == q.wrong_shape:
            self._conn.send(new_method_return(msg, "i", (7,)))
            return
        if member == "GetCapabilities":
            reply = new_method_return(msg, "as", (q.capabilities,))
        elif member == "GetServerInformation":
            reply = new_method_return(msg, "ssss", ("quirky", "tests", "0.1", "1.2"))
        elif member == "Notify":
            self.notified.append(msg.body)
            nid = msg.body[1] or self._next_id
            self._next_id += 1
            reply = new_method_return(msg, "u", (nid,))
        elif member == "CloseNotification":
            reply = new_method_return(msg)
        else:
            reply = new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", ("no",))
        if q.stray:
            stray = new_method_return(msg, "as", (["stray"],))
            stray.header.fields[HeaderFields.reply_serial] = 99_999
            self._conn.send(stray)
        self._conn.send(reply)
        if q.twice:
            self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", ("again",)))


@pytest.fixture
def bus(desktop, tmp_path):
    name = f"quirky-bus-{tmp_path.name}"
    address = desktop.start_bus(name, tmp_path / "bus")
    yield address
    desktop.stop_process(name)


@pytest.fixture
def serve(bus):
    servers: list[QuirkyServer] = []

    def start(**quirks) -> QuirkyServer:
        servers.append(QuirkyServer(bus, Quirks(**quirks)))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()


@pytest.fixture
def notifier(bus):
    calls: list = []
    n = FreedesktopNotifier(lambda action, arg: calls.append((action, arg)), bus_address=bus, timeout=0.5)
    n.calls = calls
    yield n
    n.close()


def test_replies_twice_and_strays_cost_nothing(serve, notifier):
    server = serve()
    notifier.connect()
    assert notifier.has_actions
    for _ in range(20):
        notifier.show(PROMPT)
    assert len(server.notified) == 20
    assert server.notified[-1][5][::2] == ["default", "done", "snooze", "skip"]
    assert notifier._conn.dropped >= 40  # every duplicate and every stray was thrown away
    server.emit("ActionInvoked", "us", (notifier.shown_id, "done"))
    wait_for(lambda: notifier.calls, "the Done button to reach the handler")
    assert notifier.calls == [(DONE, None)]


@pytest.mark.parametrize("quirk", ["refuse", "wrong_shape"])
@pytest.mark.parametrize("method", ["GetCapabilities", "Notify"])
def test_error_or_misshapen_replies_are_notifier_errors(serve, notifier, quirk, method):
    serve(**{quirk: method})
    with pytest.raises(NotifierError):
        notifier.show(PROMPT)


def test_a_hung_server_times_out_as_a_notifier_error(serve, notifier):
    serve(hang="Notify")
    with pytest.raises(NotifierError, match="did not answer Notify"):
        notifier.show(PROMPT)


def test_without_actions_no_buttons_and_plain_body_without_markup(serve, notifier):
    server = serve(capabilities=["body"])
    notifier.show(PROMPT)
    assert not notifier.has_actions
    assert server.notified[0][5] == []
    assert server.notified[0][4] == PROMPT.body  # no markup: not escaped


def test_a_server_restart_forgets_the_old_notification(serve, notifier):
    first = serve()
    notifier.show(PROMPT)
    assert notifier.shown_id == 1
    first.stop()  # its connection closes: the name loses its owner
    wait_for(lambda: notifier.shown_id is None, "the notifier to notice the server left")
    second = serve(twice=False, stray=False)
    notifier.show(PROMPT)
    assert second.notified[0][1] == 0  # replaces nothing of the old server's
    second.emit("ActionInvoked", "us", (notifier.shown_id, "done"))
    wait_for(lambda: notifier.calls, "Done from the new server")


def test_misshapen_signals_are_ignored(serve, notifier):
    server = serve()
    notifier.show(PROMPT)
    nid = notifier.shown_id
    server.emit("ActionInvoked", "s", ("done",))
    server.emit("ActionInvoked", "uu", (nid, 3))
    server.emit("ActionInvoked", "us", (nid, "done"))
    wait_for(lambda: notifier.calls, "the well-formed signal")
    assert notifier.calls == [(DONE, None)]


def test_choose_notifier_and_doctor_survive_a_server_that_answers_twice(serve, bus):
    serve()
    chain = choose_notifier(lambda a, b: None, environ={"DBUS_SESSION_BUS_ADDRESS": bus}, platform="linux")
    try:
        chain.show(PROMPT)
        assert (chain.name, chain.has_actions) == ("freedesktop", True)
    finally:
        chain.close()
    info = server_info(bus)
    assert (info.name, info.version, info.has_actions) == ("quirky", "0.1", True)
    assert info.describe() == "quirky 0.1 (tests), capabilities: actions, body, body-markup"


def test_choose_notifier_survives_a_refusing_server(serve, bus):
    serve(refuse="GetCapabilities")
    chain = choose_notifier(lambda a, b: None, environ={"DBUS_SESSION_BUS_ADDRESS": bus}, platform="linux")
    try:
        chain.show(PROMPT)  # falls back (plyer or the log), no exception
        assert chain.name != "freedesktop"
    finally:
        chain.close()
