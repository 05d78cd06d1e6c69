"""A stream's connection once its reply is due: the control server hands it here (daemon/control.py).

Threads: `pump` runs on the stream's own connection thread and is the only writer to its socket;
the daemon only ever appends to the subscription's queue (daemon/events.py).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any, Protocol

from ..core import protocol
from ..i18n import _
from .events import Subscription

IDLE_CHECK = 30.0  # seconds between checks that a quiet stream's reader is still there
BUSY = "busy"  # how a refusal to retry later begins, in every language


def busy(reason: str) -> str:
    """A refusal a client should retry later: `busy: ` stays English before the reason in the
    user's language, since clients (`status --follow`) recognise it by that word."""
    return f"{BUSY}: {reason}"


class Streams(Protocol):
    """Where the control server gets a queue for a stream command (`RemoteCommands`)."""

    def subscribe(self, name: str) -> Subscription | None:
        """A queue for `follow` or `events`, or None when too many read already."""

    def unsubscribe(self, subscription: Subscription) -> None: ...

    def close(self) -> None:
        """The server stops: every queue closes (its reader sends what is left) and none opens."""


class OpenStreams:
    """The control server's streaming connections: each on its client thread, from its reply on."""

    def __init__(self, streams: Streams | None):
        self.streams = streams  # None: stream commands are refused as busy
        self._guard = threading.Lock()
        self._conns: set[socket.socket] = set()

    def serve(
        self,
        conn: socket.socket,
        name: str,
        line: bytes,
        answer: Callable[[bytes], dict[str, Any]],
        stopping: threading.Event,
    ) -> None:
        """Subscribe, then reply (`answer(line)`: no change between the two is lost), then send
        the stream's lines until the reader or the server goes."""
        streams = self.streams
        subscription = streams.subscribe(name) if streams is not None else None
        if streams is None or subscription is None:
            # Translators: {command} is a command's name (follow, events), typed as written.
            refusal = busy(_("too many readers of {command}, try again").format(command=name))
            conn.sendall(protocol.encode_reply(protocol.error_reply(refusal)))
            return
        with self._guard:
            self._conns.add(conn)
        try:
            reply = answer(line)
            if reply.get("ok") and not stopping.is_set():
                pump(conn, subscription, reply)
            else:
                conn.sendall(protocol.encode_reply(reply))
        finally:
            with self._guard:
                self._conns.discard(conn)
            streams.unsubscribe(subscription)

    def close(self) -> None:
        if self.streams is not None:
            self.streams.close()

    def hang_up(self) -> None:
        with self._guard:
            conns = list(self._conns)
        for conn in conns:
            hang_up(conn)


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
