"""adapters/dbus.py: where the buses are, and the connection that matches replies by serial."""

from __future__ import annotations

import queue
import threading

import pytest
from desktop_stack import wait_for

from deskbreak.adapters.dbus import (
    BusConnection,
    NoBus,
    open_session_bus,
    session_bus_address,
    system_bus_address,
)


def test_session_bus_address_falls_back_to_the_user_socket(tmp_path):
    assert session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"}) == "unix:path=/x"
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) is None
    (tmp_path / "bus").touch()
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) == f"unix:path={tmp_path}/bus"


def test_system_bus_address_from_the_variable_else_jeepneys_default():
    assert system_bus_address({"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/y"}) == "unix:path=/y"
    assert system_bus_address({}) == "SYSTEM"


def test_no_bus_is_one_clear_error(tmp_path):
    with pytest.raises(NoBus, match=r"DBUS_SESSION_BUS_ADDRESS is unset and no \$XDG_RUNTIME_DIR/bus"):
        open_session_bus({"XDG_RUNTIME_DIR": str(tmp_path)})
    with pytest.raises(NoBus, match="cannot connect"):
        BusConnection(f"unix:path={tmp_path}/nothing-here")


class TwiceAnswering:
    """A service whose every method returns, then errors with the same reply serial (as mako 1.7
    does), served by a BusConnection's own method-call handler."""

    NAME = "org.example.Twice"

    def __init__(self, address: str) -> None:
        from jeepney import DBus

        self.conn = BusConnection(address, on_method_call=self.answer)
        reply = self.conn.call(DBus().RequestName(self.NAME, 4))
        assert reply.body == (1,)

    def answer(self, message) -> None:
        from jeepney import new_error, new_method_return

        self.conn.send(new_method_return(message, "s", (message.body[0].upper(),)))
        self.conn.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", ("again",)))


@pytest.mark.desktop
def test_replies_are_matched_by_serial_and_second_answers_dropped(desktop):
    from jeepney import DBusAddress, new_method_call

    service = TwiceAnswering(desktop.bus_address)
    signals: queue.Queue = queue.Queue()
    client = BusConnection(desktop.bus_address, signals)
    echo = DBusAddress("/", bus_name=TwiceAnswering.NAME, interface="org.example.Twice")
    try:
        results: dict[int, tuple] = {}

        def ask(n: int) -> None:
            results[n] = client.call(new_method_call(echo, "Echo", "s", (f"call {n}",))).body

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert results == {n: (f"CALL {n}",) for n in range(8)}  # each caller got its own reply
        got = threading.Event()
        client.call_async(new_method_call(echo, "Echo", "s", ("later",)), lambda reply: got.set())
        assert got.wait(5)
        wait_for(lambda: client.dropped >= 9, "the second answers to be dropped")
        assert not client.lost
    finally:
        service.conn.close()
        client.close()
    assert signals.get(timeout=1) is None  # the end of the signals, for their reader
    with pytest.raises(ConnectionError):
        client.call(new_method_call(echo, "Echo", "s", ("closed",)))
