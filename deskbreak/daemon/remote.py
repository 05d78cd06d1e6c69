"""The remote-control facade: the control socket's handler runs every command through the daemon.

`RemoteCommands(daemon)` is the ControlServer's handler. It hands every command to the daemon
as it is (the command table checks it there) and adds to a status reply what a status bar needs:
pid, version, schema and today's counts from `TodayTally`, an in-memory tally kept as outcomes
are recorded (no disk read per poll).

Threads: called on the control server's client threads; the daemon serialises the commands.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core import protocol
from ..core.outcomes import DONE, IGNORED, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome

if TYPE_CHECKING:
    from pathlib import Path

    from .control import ControlServer, InstanceLock
    from .service import Daemon

COUNT_FIELDS = {
    DONE: "done",
    SNOOZED: "snoozed",
    SKIPPED: "skipped",
    IGNORED: "ignored",
    NATURAL_BREAK: "natural_breaks",
}  # the keys of `today` in the status


class TodayTally:
    """Today's outcome counts, kept in memory; a new local day starts from zero.

    `record` may be called from any thread. `seed(day, counts)` starts the day from stored counts
    (the history, read once at start-up)."""

    def __init__(self, zone: Callable[[], tzinfo]):
        self._zone = zone
        self._lock = threading.Lock()
        self._day: date | None = None
        self._counts: dict[str, int] = {}

    def seed(self, day: date, counts: Mapping[str, int]) -> None:
        with self._lock:
            self._day = day
            self._counts = {name: int(counts.get(name, 0)) for name in COUNT_FIELDS.values()}

    def record(self, outcome: PromptOutcome) -> None:
        day = outcome.prompted_at.astimezone(self._zone()).date()
        with self._lock:
            if day != self._day:
                if self._day is not None and day < self._day:
                    return  # an outcome of an earlier day (a prompt answered after midnight)
                self._day, self._counts = day, {}
            name = COUNT_FIELDS.get(outcome.outcome)
            if name:
                self._counts[name] = self._counts.get(name, 0) + 1

    def wrap(self, record: Callable[[PromptOutcome], None]) -> Callable[[PromptOutcome], None]:
        """A record function that tallies, then stores with `record`."""

        def tally_and_record(outcome: PromptOutcome) -> None:
            self.record(outcome)
            record(outcome)

        return tally_and_record

    def counts(self, now: datetime) -> dict[str, int]:
        today = now.astimezone(self._zone()).date()
        with self._lock:
            mine = self._counts if today == self._day else {}
            return {name: mine.get(name, 0) for name in COUNT_FIELDS.values()}


class RemoteCommands:
    """The control socket's handler, `handler(cmd, arg) -> reply dict`: every command runs through
    `Daemon.command` (the one table and its checks); a reply that carries the status gets the
    envelope a status bar needs (schema, pid, version and today's counts)."""

    def __init__(self, daemon: Daemon, tally: TodayTally | None = None, pid: int | None = None):
        self.daemon = daemon
        self.tally = tally or TodayTally(lambda: daemon.plan.zone)
        self.pid = pid if pid is not None else os.getpid()

    def __call__(self, cmd: str, arg: Any = None) -> dict[str, Any]:
        reply = self.daemon.command(cmd, arg)
        return self._envelope(reply) if "state" in reply else reply

    def _envelope(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The `status --json` shape (schema 1; documented in the README)."""
        today = fields.get("today") or self.tally.counts(self.daemon.now())  # the history's, when wired
        fields["today"] = {name: int(today.get(name, 0)) for name in COUNT_FIELDS.values()}
        return {"schema": protocol.SCHEMA, **fields, "pid": self.pid, "version": __version__}


def serve(daemon: Daemon, socket_path: Path, lock: InstanceLock | None = None) -> ControlServer:
    """Start the control socket for `daemon`. Without a history (today's counts from it), an
    in-memory tally of the outcomes recorded in this run gives the counts and the tray's line."""
    from ..core.stats import Counts, today_line
    from .control import ControlServer
    from .service import Ports

    commands = RemoteCommands(daemon)
    ports, tally = daemon.ports, commands.tally
    if ports.today_counts is None:
        ports.record = tally.wrap(ports.record)
        ports.today_counts = tally.counts
        if ports.today_line is Ports.__dataclass_fields__["today_line"].default:
            ports.today_line = lambda now: today_line(
                Counts(**tally.counts(now)), daemon.config.goals.daily_stretches
            )
    return ControlServer(socket_path, commands, lock=lock).start()
