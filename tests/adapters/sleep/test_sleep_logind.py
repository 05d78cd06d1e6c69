"""Resume signals from logind, on a real (private) D-Bus standing in for the system bus."""

from __future__ import annotations

import threading

import pytest

from deskbreak.adapters.sleep.logind import LOGIND_MANAGER, LOGIND_PATH, LogindSleepWatcher

pytestmark = pytest.mark.desktop


def send_prepare_for_sleep(address: str, going_to_sleep: bool) -> None:
    from jeepney import DBusAddress, new_signal
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus=address) as sender:
        sender.send(
            new_signal(
                DBusAddress(LOGIND_PATH, interface=LOGIND_MANAGER), "PrepareForSleep", "b", (going_to_sleep,)
            )
        )


def test_only_the_resume_half_of_prepare_for_sleep_wakes_the_daemon(desktop, tmp_path):
    address = desktop.start_bus("fake-system-bus", tmp_path / "bus")
    resumed = threading.Event()
    calls = []

    def on_resume() -> None:
        calls.append(1)
        resumed.set()

    watcher = LogindSleepWatcher(on_resume, bus=address)
    try:
        send_prepare_for_sleep(address, True)  # going to sleep: nothing to do
        send_prepare_for_sleep(address, False)  # woke up
        assert resumed.wait(5)
        assert calls == [1]
    finally:
        watcher.stop()
        desktop.stop_process("fake-system-bus")


def test_no_bus_means_no_watcher_and_no_crash(tmp_path):
    with pytest.raises(Exception):
        LogindSleepWatcher(lambda: None, bus=f"unix:path={tmp_path}/nothing-here")
