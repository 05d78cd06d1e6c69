"""GNOME's own break reminders (GNOME 48+): the setting that turns them on, and the shell's live
state, followed over the one D-Bus module.

The setting (`org.gnome.desktop.break-reminders selected-breaks`) is read with the `gsettings` tool
when it is there: it reads through the same GSettings backend as GNOME (dconf), fills in the
schema's default when the user never changed the key, and fails plainly when the schema is not
installed (GNOME before 48). Without `gsettings`, `dconf read` of the key's path (empty output: the
default, no breaks). dconf's D-Bus service only writes (`ca.desrt.dconf.Writer`; clients read the
database file themselves), so there is no D-Bus way to read it; PyGObject is not a dependency.

The state comes from `org.gnome.Shell.ScreenTime` at /org/gnome/Shell/ScreenTime on the bus name
`org.gnome.Shell`: `State` and `LastBreakEndTime`, read once and then followed through
PropertiesChanged on the bus connection's reader thread (the shell sends both together). What the
values mean is in core/gnome_breaks.py.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..core.gnome_breaks import GnomeBreaks, follow, taken
from ..core.presence import Returned
from .dbus import BusConnection, add_match, open_session_bus

if TYPE_CHECKING:
    from jeepney import Message

log = logging.getLogger(__name__)

SCHEMA = "org.gnome.desktop.break-reminders"
KEY = "selected-breaks"
DCONF_PATH = "/org/gnome/desktop/break-reminders/selected-breaks"
SHELL = "org.gnome.Shell"
SCREEN_TIME_PATH = "/org/gnome/Shell/ScreenTime"
SCREEN_TIME = "org.gnome.Shell.ScreenTime"
PROPERTIES = "org.freedesktop.DBus.Properties"
READ_TIMEOUT = 2.0

Run = Callable[[list[str]], str]  # runs a command, returns its output; raises when it fails


def _run(argv: list[str]) -> str:
    return subprocess.run(argv, capture_output=True, text=True, timeout=READ_TIMEOUT, check=True).stdout


def parse_string_list(text: str) -> tuple[str, ...]:
    """A GVariant `as` as gsettings and dconf print it: "['eyesight', 'movement']", "@as []"."""
    return tuple(re.findall(r"'((?:[^'\\]|\\.)*)'", text))


def selected_breaks(
    run: Run = _run, which: Callable[[str], str | None] = shutil.which
) -> tuple[str, ...] | None:
    """The break types GNOME reminds of (e.g. ("movement",)); None when this is no GNOME 48+ (no
    schema, no tool) or the setting cannot be read."""
    try:
        if which("gsettings"):
            return parse_string_list(run(["gsettings", "get", SCHEMA, KEY]))
        if which("dconf"):
            return parse_string_list(run(["dconf", "read", DCONF_PATH]))
    except (OSError, subprocess.SubprocessError) as error:  # no schema: GNOME before 48
        log.debug("GNOME break reminders not read: %s", error)
    return None


def _wall_seconds(value: int) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value > 0 else None


class GnomeScreenTime:
    """Follows GNOME's break state; raises at construction when no GNOME shell publishes it here.

    `take` is called under the daemon's lock and never blocks; the signal handler runs on the bus
    connection's reader thread. `clock`: the daemon's (when a state change is seen)."""

    name = "gnome"

    def __init__(
        self,
        environ: Mapping[str, str] = os.environ,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        from jeepney import DBusAddress, MatchRule, MessageType, Properties

        self._clock = clock
        self._lock = threading.Lock()
        self._breaks = GnomeBreaks()
        self._conn: BusConnection = open_session_bus(environ, on_signal=self._on_signal)
        try:
            rule = MatchRule(
                type="signal",
                sender=SHELL,
                interface=PROPERTIES,
                member="PropertiesChanged",
                path=SCREEN_TIME_PATH,
            )
            add_match(self._conn, rule)
            address = DBusAddress(SCREEN_TIME_PATH, bus_name=SHELL, interface=SCREEN_TIME)
            reply = self._conn.call(Properties(address).get_all())
            if reply.header.message_type == MessageType.error:
                raise ConnectionError(f"no GNOME screen time here: {reply.body[0] if reply.body else '?'}")
            self._fold(reply.body[0])
        except BaseException:
            self._conn.close()
            raise

    def _fold(self, changed: Mapping[str, tuple[str, Any]]) -> None:
        with self._lock:
            state = changed.get("State", ("u", self._breaks.state))[1]
            end = changed.get("LastBreakEndTime", ("t", 0))[1]
            before = self._breaks.state
            self._breaks = follow(self._breaks, self._clock(), int(state), _wall_seconds(int(end)))
        if before != self._breaks.state:
            log.debug("GNOME break state %s -> %s", before, self._breaks.state)

    def _on_signal(self, message: Message) -> None:
        """Every signal sent to this connection comes here (the bus's own NameAcquired too)."""
        from jeepney import HeaderFields

        fields = message.header.fields
        if (
            fields.get(HeaderFields.member) == "PropertiesChanged"
            and fields.get(HeaderFields.path) == SCREEN_TIME_PATH
            and len(message.body) == 3
            and message.body[0] == SCREEN_TIME
        ):
            self._fold(message.body[1])

    @property
    def breaks(self) -> GnomeBreaks:
        """What is known now, without handing anything over (doctor, tests)."""
        with self._lock:
            return self._breaks

    def take(self) -> tuple[bool, tuple[Returned, ...]]:
        """Whether GNOME has the user on a break now, and the breaks it saw through since last asked."""
        with self._lock:
            self._breaks, finished = taken(self._breaks)
            return self._breaks.in_break, finished

    def close(self) -> None:
        self._conn.close()


def follow_gnome_breaks(
    environ: Mapping[str, str] = os.environ, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> GnomeScreenTime | None:
    """GNOME's break state where a GNOME 48+ shell publishes it, else None (said once, in debug)."""
    try:
        follower = GnomeScreenTime(environ, clock)
    except Exception as error:  # no bus, no GNOME shell, a GNOME before 48
        log.debug("not following GNOME's break reminders: %s", error)
        return None
    log.info("following GNOME's break reminders: no prompt during its breaks, which count as natural")
    return follower
