"""The logind idle-hint probe (the last fallback) against a stand-in org.freedesktop.login1 on a
private bus given as DBUS_SYSTEM_BUS_ADDRESS: idle since the hint's monotonic stamp, lock from
LockedHint, unknown (not an exception) when logind goes away."""

from __future__ import annotations

import threading

import pytest

from deskbreak.adapters.activity.logind import AUTO_SESSION, LOGIN1, LogindIdleProbe

pytestmark = pytest.mark.desktop


class FakeLogind:
    def __init__(self, address: str) -> None:
        from jeepney import DBus
        from jeepney.io.blocking import open_dbus_connection

        self.props = {
            "IdleHint": ("b", False),
            "IdleSinceHintMonotonic": ("t", 0),
            "LockedHint": ("b", False),
        }
        self._conn = open_dbus_connection(address)
        assert self._conn.send_and_get_reply(DBus().RequestName(LOGIN1, 4), timeout=2).body[0] == 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        from jeepney import HeaderFields, MessageType, new_error, new_method_return

        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            f = msg.header.fields
            if f.get(HeaderFields.path) == AUTO_SESSION and f.get(HeaderFields.member) == "GetAll":
                self._conn.send(new_method_return(msg, "a{sv}", (dict(self.props),)))
            else:
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject", "s", ("no",)))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()


@pytest.fixture
def system_bus(desktop, tmp_path):
    name = f"system-bus-{tmp_path.name}"
    address = desktop.start_bus(name, tmp_path / "bus")
    yield address
    desktop.stop_process(name)


def test_idle_hint_gives_idle_time_and_lock(system_bus):
    logind = FakeLogind(system_bus)
    now = [1000.0]
    probe = LogindIdleProbe({"DBUS_SYSTEM_BUS_ADDRESS": system_bus}, clock=lambda: now[0])
    try:
        assert probe.sample().idle_seconds == 0.0
        logind.props.update(
            IdleHint=("b", True), IdleSinceHintMonotonic=("t", 910_000_000), LockedHint=("b", True)
        )
        sample = probe.sample()
        assert (sample.idle_seconds, sample.locked) == (90.0, True)
        logind.stop()
        assert probe.sample().idle_seconds is None
    finally:
        probe.close()


def test_no_logind_session_is_an_error_for_the_picker(system_bus):
    with pytest.raises(Exception):
        LogindIdleProbe({"DBUS_SYSTEM_BUS_ADDRESS": system_bus})
