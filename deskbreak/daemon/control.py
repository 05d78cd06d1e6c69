"""The control socket's server, in the daemon (its client, for `deskbreak status` & co and the
windows, is `deskbreak.control_client`).

Threads: `ControlServer.start` runs an accept loop on its own thread and one short-lived thread
per client (at most MAX_CLIENTS at once). Every request line must arrive whole within
CLIENT_TIMEOUT of the connection (or of the previous reply): a deadline for the request, not for
each read, so a client that trickles a byte at a time is dropped like a silent one. When every
slot is taken, the connection that has waited longest for its request is hung up to make room, so
silent clients cannot keep a real one out; "busy" is answered only when every slot is running a
command. The handler is called on client threads, may block briefly (the daemon's lock) and must
return a reply dict.

Security (POSIX): the socket lives in a directory only this user may enter (0700, owned by us;
refused otherwise), the socket is 0600, and on Linux the peer's uid is checked (SO_PEERCRED). The
client checks the folder the same way (no symbolic link, ours, 0700) before it connects.
Windows has no Unix sockets here: the server listens on 127.0.0.1 and writes the port and a
random token to the socket path (in the user's directory); a client sends the token first.

Streams (`follow`, `events`): after its reply the connection stays open and the daemon's lines
flow to it from a bounded queue (daemon/events.py). Such a connection gives its request slot back
and counts against the hub's own limit, so status bars and scripts that follow never keep
`status` out; its thread writes to the socket, never the daemon under its lock.

Single instance: `instance.InstanceLock` beside the socket, taken before binding; a socket nobody
answers on (a crashed daemon) is removed before binding.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..control_client import USE_TCP, ControlClient, ControlError, NotRunning
from ..core import commands, protocol
from ..i18n import _
from .instance import LOCK_NAME, AlreadyRunning, InstanceLock, ensure_private_dir, read_pid
from .streams import OpenStreams, Streams, busy, stream_name

# The daemon's commands and `doctor` reach the client through here too.
__all__ = [
    "USE_TCP",
    "AlreadyRunning",
    "ControlClient",
    "ControlError",
    "ControlServer",
    "InstanceLock",
    "NotRunning",
    "ensure_private_dir",
]

log = logging.getLogger(__name__)

MAX_CLIENTS = 16
CLIENT_TIMEOUT = 2.0  # seconds a client has to send a whole request line, however it trickles
EVICTED_GRACE = 0.5  # how long the accept loop waits for a hung-up client's slot to come free

Handler = Callable[[str, Any], dict[str, Any]]


def _token() -> str:
    """The TCP transport's shared secret (Windows); secrets and hmac load libcrypto, so only here."""
    import secrets

    return secrets.token_hex(16)


class ControlServer:
    def __init__(
        self,
        socket_path: Path,
        handler: Handler,
        lock: InstanceLock | None = None,
        tcp: bool = USE_TCP,
        client_timeout: float = CLIENT_TIMEOUT,
        max_clients: int = MAX_CLIENTS,
        uid: int | None = None,
        streams: Streams | None = None,
    ):
        """`streams`: where stream commands get their queue (None: they are refused as busy)."""
        self.path = socket_path
        self.handler = handler
        self.tcp = tcp
        self.client_timeout = client_timeout
        self._lock, self._own_lock = lock, lock is None
        self._slots = threading.BoundedSemaphore(max_clients)
        self._uid = uid if uid is not None else getattr(os, "getuid", lambda: None)()
        self._token = _token() if tcp else ""
        self._sock: socket.socket | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._clients: set[threading.Thread] = set()
        self._guard = threading.Lock()  # guards _waiting
        self._waiting: dict[socket.socket, float] = {}  # connections reading a request, since when
        self._open = OpenStreams(streams)

    def start(self) -> ControlServer:
        if self._lock is None:
            self._lock = InstanceLock(self.path.parent).acquire()
        try:
            self._sock = self._listen_tcp() if self.tcp else self._listen_unix()
        except BaseException:
            self._release_lock()
            raise
        self._thread = threading.Thread(target=self._accept_loop, name="deskbreak-control", daemon=True)
        self._thread.start()
        log.info("control socket: %s", self.path)
        return self

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2)
        self._open.close()  # readers send what is queued (daemon_stopping), then end
        deadline = time.monotonic() + 1.0
        for client in list(self._clients):  # let answers and last stream lines (the quit) go out
            if client is not threading.current_thread():
                client.join(max(0.0, deadline - time.monotonic()))
        self._open.hang_up()  # a reader that stopped reading: its writer is stuck in send
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        self._release_lock()

    def _release_lock(self) -> None:
        if self._own_lock and self._lock is not None:
            self._lock.release()

    # --- listening ---

    def _listen_unix(self) -> socket.socket:
        ensure_private_dir(self.path.parent)
        self._clear_stale()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(str(self.path))
            os.chmod(self.path, 0o600)
            sock.listen(64)
        except OSError as error:
            sock.close()
            raise ControlError(
                _("cannot listen on {path}: {reason}").format(path=self.path, reason=error.strerror or error)
            ) from None
        return sock

    def _listen_tcp(self) -> socket.socket:
        ensure_private_dir(self.path.parent)
        sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            json.dump({"port": sock.getsockname()[1], "token": self._token}, out)
        return sock

    def _clear_stale(self) -> None:
        """A socket left by a crashed daemon (we hold the lock, so nobody should answer on it)."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return
        if not (stat.S_ISSOCK(info.st_mode) or stat.S_ISREG(info.st_mode)):
            raise ControlError(_("{path} exists and is not a socket: remove it").format(path=self.path))
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(0.5)
        try:
            probe.connect(str(self.path))
        except OSError:
            log.info("removing a stale control socket %s", self.path)
            self.path.unlink(missing_ok=True)
            return
        finally:
            probe.close()
        raise AlreadyRunning(read_pid(self.path.parent / LOCK_NAME))

    # --- serving ---

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._stopping.is_set():
            try:
                conn, _peer = self._sock.accept()
            except OSError:
                if self._stopping.is_set():
                    return
                continue
            if not self._take_slot():
                _send(conn, protocol.error_reply(busy(_("too many clients, try again"))))
                conn.close()
                continue
            client = threading.Thread(target=self._serve, args=(conn,), name="deskbreak-client", daemon=True)
            self._clients.add(client)
            client.start()

    def _take_slot(self) -> bool:
        """A slot for a new client: a free one, or the one of the client that has waited longest
        for its request (hung up); False when every slot is running a command."""
        if self._slots.acquire(blocking=False):
            return True
        with self._guard:
            if not self._waiting:
                return False
            oldest = min(self._waiting, key=self._waiting.__getitem__)
            del self._waiting[oldest]
            log.debug("control: every slot taken, hanging up the client waiting longest")
            try:
                oldest.shutdown(socket.SHUT_RDWR)  # its thread reads the end at once and frees the slot
            except OSError:
                pass
        return self._slots.acquire(timeout=EVICTED_GRACE)

    def _serve(self, conn: socket.socket) -> None:
        buffer = bytearray()
        holds_slot = True  # a stream gives its request slot back
        try:
            self._wait_for_request(conn)
            if not self._allowed(conn, buffer):
                _send(conn, protocol.error_reply(_("permission denied")))
                return
            while not self._stopping.is_set():
                self._wait_for_request(conn)
                line = self._read_line(conn, buffer, time.monotonic() + self.client_timeout)
                if not line:
                    return
                if len(line) > protocol.MAX_LINE and not line.endswith(b"\n"):
                    too_long = _("request too long: more than {limit} bytes").format(limit=protocol.MAX_LINE)
                    _send(conn, protocol.error_reply(too_long))
                    return  # the rest of the line cannot be read back in step: hang up
                with self._guard:
                    if self._waiting.pop(conn, None) is None:
                        return  # hung up to make room while its line arrived
                conn.settimeout(self.client_timeout)  # the reply, too, must leave in bounded time
                stream = stream_name(line)
                if stream is not None:
                    holds_slot = False
                    self._slots.release()
                    self._open.serve(conn, stream, line, self._answer, self._stopping)
                    return
                _send(conn, self._answer(line))
        except OSError as error:  # deadlines, resets, broken pipes: this client only
            log.debug("control client dropped: %s", error)
        finally:
            with self._guard:
                self._waiting.pop(conn, None)
            conn.close()
            if holds_slot:
                self._slots.release()
            self._clients.discard(threading.current_thread())

    def _wait_for_request(self, conn: socket.socket) -> None:
        with self._guard:
            self._waiting[conn] = time.monotonic()

    def _read_line(self, conn: socket.socket, buffer: bytearray, deadline: float) -> bytes:
        """The next request line (with its newline; without one at the end of the stream or when
        longer than MAX_LINE), b"" at the end; TimeoutError once `deadline` passes."""
        while True:
            end = buffer.find(b"\n")
            if end >= 0 and end <= protocol.MAX_LINE:
                line = bytes(buffer[: end + 1])
                del buffer[: end + 1]
                return line
            if len(buffer) > protocol.MAX_LINE:
                return bytes(buffer[: protocol.MAX_LINE + 1])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no whole request within {self.client_timeout:g} s")
            conn.settimeout(remaining)
            chunk = conn.recv(65536)
            if not chunk:
                line = bytes(buffer)
                buffer.clear()
                return line
            buffer.extend(chunk)

    def _allowed(self, conn: socket.socket, buffer: bytearray) -> bool:
        if self.tcp:
            token = self._read_line(conn, buffer, time.monotonic() + self.client_timeout)
            line = token[:200].strip().decode("ascii", "replace")
            import hmac  # here, not at the top: hmac loads OpenSSL's libcrypto (3 MB of RSS on Linux)

            return hmac.compare_digest(line, self._token)
        if sys.platform.startswith("linux") and self._uid is not None:
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            _pid, uid, _gid = struct.unpack("3i", creds)
            if uid != self._uid:
                log.warning("refused a control connection from uid %d", uid)
                return False
        return True

    def _answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = protocol.decode_request(line)
            commands.check(request.cmd, request.arg)  # refused at the door, as the daemon would
        except protocol.ProtocolError as error:
            return protocol.error_reply(str(error))
        try:
            reply = self.handler(request.cmd, request.arg)
        except Exception as error:  # a bug in one command must not take the socket down
            log.exception("control command %s failed", request.cmd)
            # Translators: {error} names the exception and its message, e.g. "RuntimeError: boom".
            failed = _("internal error: {error}").format(error=f"{type(error).__name__}: {error}")
            return protocol.error_reply(failed)
        return reply if isinstance(reply, dict) and "ok" in reply else {"ok": True, **(reply or {})}


def _send(conn: socket.socket, reply: dict[str, Any]) -> None:
    try:
        conn.sendall(protocol.encode_reply(reply))
    except OSError:
        pass
