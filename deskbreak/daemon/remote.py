"""The remote-control facade: the control socket's handler runs every command through the daemon.

`RemoteCommands(daemon)` is the ControlServer's handler. It hands every command to the daemon
as it is (the command table checks it there) and adds to a status reply what a status bar needs:
pid, version and schema (today's counts come from the daemon, which caches them: no disk read per
poll), and for `status` with a form the text `deskbreak status` prints, so the one-shot command
prints it without formatting. It also gives the streams (`follow`, `events`) their queues on the
daemon's event hub.

Threads: called on the control server's client threads; the daemon serialises the commands.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core import protocol, status_forms
from .today import COUNT_FIELDS

if TYPE_CHECKING:
    from pathlib import Path

    from .control import ControlServer
    from .events import Subscription
    from .instance import InstanceLock
    from .service import Daemon


class RemoteCommands:
    """The control socket's handler, `handler(cmd, arg) -> reply dict`: every command runs through
    `Daemon.command` (the one table and its checks); a reply that carries the status gets the
    envelope a status bar needs (schema, pid, version and today's counts)."""

    def __init__(self, daemon: Daemon, pid: int | None = None):
        self.daemon = daemon
        self.pid = pid if pid is not None else os.getpid()

    def __call__(self, cmd: str, arg: Any = None) -> dict[str, Any]:
        reply = self.daemon.command(cmd, arg)
        if "state" not in reply:
            return reply
        reply = self._envelope(reply)
        if cmd == "status" and arg is not None:  # a form (checked by the table): print-ready text
            reply["text"] = status_forms.render(reply, arg)  # in the daemon's language
        return reply

    def subscribe(self, name: str) -> Subscription | None:
        """A queue for a stream command: `follow` gets status lines in the `status --json` shape."""
        hub = self.daemon.ports.events
        return hub.subscribe("follow", self._envelope) if name == "follow" else hub.subscribe("events")

    def unsubscribe(self, subscription: Subscription) -> None:
        self.daemon.ports.events.unsubscribe(subscription)

    def close(self) -> None:
        self.daemon.ports.events.close()

    def _envelope(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The `status --json` shape (schema 1; documented in the README)."""
        fields = dict(fields)  # a follower's line is shared by every follower's queue
        today = fields.get("today") or {}
        fields["today"] = {name: int(today.get(name, 0)) for name in COUNT_FIELDS.values()}
        return {"schema": protocol.SCHEMA, **fields, "pid": self.pid, "version": __version__}


def serve(daemon: Daemon, socket_path: Path, lock: InstanceLock | None = None) -> ControlServer:
    """Start the control socket for `daemon` (its commands and status, nothing rewired)."""
    from .control import ControlServer

    remote = RemoteCommands(daemon)
    return ControlServer(socket_path, remote, lock=lock, streams=remote).start()
