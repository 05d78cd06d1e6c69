"""GNOME's break reminders: the setting read without PyGObject (a faked command runner), and a
stand-in `org.gnome.Shell.ScreenTime` service on a private bus (GNOME 48 is not in Debian 12),
written with jeepney here, driving a natural break through the daemon."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from daemon_run import EVERY_DAY
from desktop_stack import BUS_CONFIG, wait_for

from deskbreak.adapters.activity.fake import FakeActivityProbe
from deskbreak.adapters.dbus import BusConnection
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.gnome_breaks import (
    PROPERTIES,
    SCREEN_TIME,
    SCREEN_TIME_PATH,
    SHELL,
    GnomeScreenTime,
    follow_gnome_breaks,
    parse_string_list,
    selected_breaks,
)
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.assets import builtin_catalog
from deskbreak.core import config as config_model
from deskbreak.core.gnome_breaks import ScreenTimeState
from deskbreak.daemon.senses import Senses
from deskbreak.daemon.service import Daemon, Ports

START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("printed", "breaks"),
    [
        ("['eyesight', 'movement']\n", ("eyesight", "movement")),
        ("@as []\n", ()),
        ("", ()),  # dconf: the key was never set
    ],
)
def test_the_setting_as_gsettings_and_dconf_print_it(printed, breaks):
    assert parse_string_list(printed) == breaks


def test_gsettings_first_then_dconf_then_nothing():
    asked: list[list[str]] = []

    def run(argv: list[str]) -> str:
        asked.append(argv)
        return "['movement']"

    assert selected_breaks(run, which=lambda name: name) == ("movement",)
    assert asked[-1] == ["gsettings", "get", "org.gnome.desktop.break-reminders", "selected-breaks"]
    assert selected_breaks(run, which=lambda name: name if name == "dconf" else None) == ("movement",)
    assert asked[-1] == ["dconf", "read", "/org/gnome/desktop/break-reminders/selected-breaks"]
    assert selected_breaks(run, which=lambda name: None) is None


def test_no_schema_is_no_gnome_48():
    def run(argv: list[str]) -> str:
        raise subprocess.CalledProcessError(1, argv, stderr="No such schema")

    assert selected_breaks(run, which=lambda name: name) is None


# --- the stand-in shell on a private bus ---


@pytest.fixture
def bus(tmp_path):
    if not shutil.which("dbus-daemon"):
        pytest.skip("dbus-daemon is not installed")
    (tmp_path / "bus.conf").write_text(BUS_CONFIG.format(dir=tmp_path))
    proc = subprocess.Popen(
        ["dbus-daemon", f"--config-file={tmp_path / 'bus.conf'}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(5)


class StandInShell:
    """`org.gnome.Shell` publishing ScreenTime's two properties as gnome-shell does."""

    def __init__(self, address: str, state: int = ScreenTimeState.ACTIVE, last_end: int = 0) -> None:
        from jeepney import DBus

        self.state, self.last_end = state, last_end
        self.conn = BusConnection(address, on_method_call=self.answer)
        assert self.conn.call(DBus().RequestName(SHELL, 4)).body == (1,)

    def properties(self) -> dict:
        return {"State": ("u", int(self.state)), "LastBreakEndTime": ("t", self.last_end)}

    def answer(self, message) -> None:
        from jeepney import HeaderFields, new_error, new_method_return

        fields = message.header.fields
        if fields.get(HeaderFields.path) == SCREEN_TIME_PATH and fields.get(HeaderFields.member) == "GetAll":
            self.conn.send(new_method_return(message, "a{sv}", (self.properties(),)))
        else:
            self.conn.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", ("no",)))

    def change(self, state: int, last_end: datetime | None = None) -> None:
        """Both properties together, as the shell's `_onNotify` sends them."""
        from jeepney import DBusAddress, new_signal

        self.state = state
        if last_end is not None:
            self.last_end = int(last_end.timestamp())
        emitter = DBusAddress(SCREEN_TIME_PATH, interface=PROPERTIES)
        self.conn.send(
            new_signal(emitter, "PropertiesChanged", "sa{sv}as", (SCREEN_TIME, self.properties(), []))
        )


def test_no_gnome_shell_on_the_bus_means_not_following(bus):
    assert follow_gnome_breaks({"DBUS_SESSION_BUS_ADDRESS": bus}) is None
    assert follow_gnome_breaks({}) is None  # no session bus at all


def test_a_break_taken_through_gnome_holds_the_due_prompt_then_counts_as_a_natural_break(bus):
    clock = FakeClock(START)
    shell = StandInShell(bus)
    follower = GnomeScreenTime({"DBUS_SESSION_BUS_ADDRESS": bus}, clock)
    probe = FakeActivityProbe()
    probe.set(idle=1.0, locked=False)
    recorded: list = []
    notifier = FakeNotifier()
    config = config_model.loads(
        f'[schedule]\ntimezone = "UTC"\ninterval_minutes = 30\nmin_minutes_before_end = 0\n{EVERY_DAY}\n'
        '[activity]\nsettle_seconds = 0\ncount = "clock"\nnatural_break_minutes = 10\n',
        "test.toml",
    )
    ports = Ports(notifier=notifier, tray=HeadlessTray(), record=recorded.append, clock=clock)
    daemon = Daemon(config, builtin_catalog(), replace(ports, senses=Senses(probe, desktop_breaks=follower)))
    try:
        assert follower.breaks.state == ScreenTimeState.ACTIVE
        clock.advance(minutes=29)
        daemon.on_timer()
        # GNOME's movement break starts (the user stepped away a moment before it fell due).
        shell.change(ScreenTimeState.IN_BREAK)
        wait_for(lambda: follower.breaks.in_break, "the stand-in's state to reach the follower", 5)
        break_began = clock.now
        probe.set(idle=60.0)
        clock.advance(minutes=1)  # deskbreak's prompt falls due during GNOME's break
        daemon.on_timer()
        assert notifier.shown == [], "no prompt on top of GNOME's break"
        assert daemon.status()["held"]["reason"] == "GNOME break"
        # Back after 5 minutes: shorter than deskbreak's own 10-minute natural break, but GNOME's.
        clock.advance(minutes=4)
        back = clock.now
        shell.change(ScreenTimeState.ACTIVE, last_end=back)
        wait_for(lambda: follower.breaks.finished, "the end of the break to reach the follower", 5)
        clock.advance(seconds=20)
        probe.set(idle=20.0)  # the input GNOME saw at `back`
        daemon.on_timer()
        (brk,) = recorded
        assert brk.outcome == "natural_break"
        assert brk.prompted_at == break_began and brk.answered_at == back
        assert notifier.shown == [] and daemon.status()["held"] is None
        assert datetime.fromisoformat(daemon.status()["next_prompt_at"]) == back + timedelta(minutes=30)
    finally:
        follower.close()
        shell.conn.close()


def test_other_signals_sent_to_the_connection_are_ignored(bus, caplog):
    """Signals addressed to the connection skip the match rules (the bus's NameAcquired is one)."""
    from jeepney import DBusAddress, HeaderFields, new_signal

    shell = StandInShell(bus)
    follower = GnomeScreenTime({"DBUS_SESSION_BUS_ADDRESS": bus}, FakeClock(START))
    try:
        odd = new_signal(
            DBusAddress(SCREEN_TIME_PATH, interface=PROPERTIES), "PropertiesChanged", "s", ("odd",)
        )
        odd.header.fields[HeaderFields.destination] = follower._conn.unique_name
        shell.conn.send(odd)
        shell.change(ScreenTimeState.BREAK_DUE)  # sent last: once it is seen, the odd one was too
        wait_for(lambda: follower.breaks.state == ScreenTimeState.BREAK_DUE, "the real change", 5)
        assert "handling a D-Bus message failed" not in caplog.text
    finally:
        follower.close()
        shell.conn.close()
