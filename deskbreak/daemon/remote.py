"""The remote-control facade: one handler per socket command, each delegating to the daemon.

`RemoteCommands(daemon)` is the ControlServer's handler. It turns wire arguments into the daemon's
(a pause spec into an instant), and adds to `status` what a status bar needs: pid, version and
schema (today's counts come from the daemon, which caches them: no disk read per poll).

Threads: called on the control server's client threads; the daemon serialises the commands.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core import protocol
from ..core.workhours import windows_from
from .today import COUNT_FIELDS

if TYPE_CHECKING:
    from pathlib import Path

    from .control import ControlServer
    from .instance import InstanceLock
    from .service import Daemon


class RemoteCommands:
    """The control socket's handler: `handler(cmd, arg) -> reply dict`."""

    def __init__(self, daemon: Daemon, pid: int | None = None):
        self.daemon = daemon
        self.pid = pid if pid is not None else os.getpid()

    def __call__(self, cmd: str, arg: Any = None) -> dict[str, Any]:
        handler = getattr(self, f"cmd_{cmd}", None)
        if cmd not in protocol.COMMANDS or handler is None:
            return protocol.error_reply(f"unknown command {cmd!r}")
        try:
            protocol.check_arg(cmd, arg)
        except protocol.ProtocolError as error:
            return protocol.error_reply(str(error))
        return handler(arg)

    def cmd_status(self, arg: Any) -> dict[str, Any]:
        return {"ok": True, **self.status()}

    def cmd_pause(self, arg: str | None) -> dict[str, Any]:
        daemon = self.daemon
        try:
            until = protocol.parse_pause(
                arg or "forever", daemon.now(), daemon.plan.zone, self._first_window_from
            )
        except protocol.ProtocolError as error:
            return protocol.error_reply(str(error))
        return self._command("pause", until)

    def cmd_reload(self, arg: Any) -> dict[str, Any]:
        return self._command("reload", arg)

    def cmd_quit(self, arg: Any) -> dict[str, Any]:
        return self.daemon.command("quit")

    def cmd_now(self, arg: Any) -> dict[str, Any]:
        return self._command("now", arg)

    def cmd_done(self, arg: Any) -> dict[str, Any]:
        return self._command("done", arg)

    def cmd_snooze(self, arg: Any) -> dict[str, Any]:
        return self._command("snooze", arg)

    def cmd_skip(self, arg: Any) -> dict[str, Any]:
        return self._command("skip", arg)

    def cmd_resume(self, arg: Any) -> dict[str, Any]:
        return self._command("resume", arg)

    def cmd_another(self, arg: Any) -> dict[str, Any]:
        return self._command("another", arg)

    def cmd_show(self, arg: Any) -> dict[str, Any]:
        return self._command("show", arg)

    def cmd_next(self, arg: Any) -> dict[str, Any]:
        """The prompts this daemon will show, from its own state and rotation (`deskbreak next`)."""
        return self.daemon.command("next", arg)

    def _command(self, name: str, arg: Any) -> dict[str, Any]:
        reply = self.daemon.command(name, arg)
        return {**reply, **self.status()}

    def status(self) -> dict[str, Any]:
        """The `status --json` shape (schema 1; documented in the README)."""
        now = self.daemon.now()
        fields = self.daemon.status(now)
        zone = self.daemon.plan.zone
        for key in ("next_prompt_at", "prompted_at", "snoozed_until", "paused_until"):
            if fields.get(key):  # every instant with the schedule zone's offset
                fields[key] = (
                    datetime.fromisoformat(fields[key]).astimezone(zone).isoformat(timespec="seconds")
                )
        today = fields.get("today") or {}
        fields["today"] = {name: int(today.get(name, 0)) for name in COUNT_FIELDS.values()}
        return {"schema": protocol.SCHEMA, **fields, "pid": self.pid, "version": __version__}

    def _first_window_from(self, day: date) -> datetime | None:
        plan = self.daemon.plan
        for start, _end in windows_from(day, plan.schedule, plan.zone):
            return start
        return None


def serve(daemon: Daemon, socket_path: Path, lock: InstanceLock | None = None) -> ControlServer:
    """Start the control socket for `daemon` (its commands and status, nothing rewired)."""
    from .control import ControlServer

    return ControlServer(socket_path, RemoteCommands(daemon), lock=lock).start()
