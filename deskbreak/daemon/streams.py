"""A stream's connection once its reply is due: the control server hands it here (daemon/control.py).

Threads: `pump` runs on the stream's own connection thread and is the only writer to its socket;
the daemon only ever appends to the subscription's queue (daemon/events.py).
"""

from __future__ import annotations

import socket
from typing import Any, Protocol

from ..core import protocol
from .events import Subscription

IDLE_CHECK = 30.0  # seconds between checks that a quiet stream's reader is still there


class Streams(Protocol):
    """Where the control server gets a queue for a stream command (`RemoteCommands`)."""

    def subscribe(self, name: str) -> Subscription | None:
        """A queue for `follow` or `events`, or None when too many read already."""

    def unsubscribe(self, subscription: Subscription) -> None: ...

    def close(self) -> None:
        """The server stops: every queue closes (its reader sends what is left) and none opens."""


def stream_name(line: bytes) -> str | None:
    """The stream a request line asks for, or None for any other request (and a malformed one)."""
    try:
        request = protocol.decode_request(line)
    except protocol.ProtocolError:
        return None
    return request.cmd if request.cmd in protocol.STREAMS and request.arg is None else None


def pump(conn: socket.socket, subscription: Subscription, reply: dict[str, Any]) -> None:
    """Send `reply`, then every line of `subscription` until it closes or the reader hangs up.
    Blocking sends: a reader that stops reading stalls this thread alone while its queue drops
    lines; the server hangs it up when it stops. OSError when the reader goes."""
    conn.settimeout(None)
    conn.sendall(protocol.encode_reply(reply))
    last = protocol.encode_reply({key: value for key, value in reply.items() if key != "ok"})
    while True:
        lines = subscription.take(IDLE_CHECK)
        if lines is None:
            return
        if not lines and peer_gone(conn):
            return
        for line in lines:
            data = protocol.encode_reply(line)
            if data != last:  # a follower's first status may arrive queued as well
                conn.sendall(data)
                last = data


def peer_gone(conn: socket.socket) -> bool:
    """Whether a stream's reader hung up (readers send nothing after their request)."""
    try:
        conn.settimeout(0)
        return conn.recv(1, socket.MSG_PEEK) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True
    finally:
        conn.settimeout(None)


def hang_up(conn: socket.socket) -> None:
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
