"""A small D-Bus client connection that tolerates servers which answer twice.

Why not jeepney's threaded ``DBusRouter``: mako 1.7 answers ``GetCapabilities`` (and other methods) with a
method return AND then an ``UnknownMethod`` error carrying the same reply serial. The router's reader
thread hands the second message to the already-resolved ``Future`` (``InvalidStateError``), which kills
that thread; its clean-up empties the pending-reply table under the caller, whose own clean-up then raises
``KeyError`` (jeepney/io/common.py ``del self._futures[serial]``) — out of every call on that connection.

Here one reader thread owns the socket (jeepney's ``threading.DBusConnection``: auth, Hello, parsing and
a locked ``send``). A reply is matched to its call by serial and the call's slot is removed in the same
step, so a second reply to that serial, or a reply nobody waits for, finds no slot and is dropped.
Signals go to one queue for the owner's signal thread. Anything the reader meets (a reset socket, a
message jeepney cannot parse) ends the connection quietly: pending and later calls raise
``ConnectionError``, and the owner opens a new connection.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class _Slot:
    done: threading.Event = field(default_factory=threading.Event)
    reply: object = None  # the jeepney Message, None when the connection was lost


class BusConnection:
    """Calls from any thread (each waits for its own reply); signals matching the connection's match
    rules are put on `signals` (dropped when it is full). Lost or closed: calls raise ConnectionError."""

    def __init__(self, address: str, signals: queue.Queue, auth_timeout: float = 2.0) -> None:
        from jeepney.io.threading import open_dbus_connection

        self._conn = open_dbus_connection(address, auth_timeout=auth_timeout)
        self._signals = signals
        self._lock = threading.Lock()
        self._pending: dict[int, _Slot] = {}
        self.lost = False
        self.dropped = 0  # duplicate or stray replies thrown away (the tests read it)
        self._reader = threading.Thread(target=self._read, name="deskbreak-dbus-reader", daemon=True)
        self._reader.start()

    @property
    def unique_name(self) -> str:
        return self._conn.unique_name

    def call(self, msg, timeout: float):
        """Send method call `msg`; its reply (a method return or an error Message). TimeoutError when
        none comes within `timeout` seconds, ConnectionError when the connection is (or gets) lost."""
        slot = _Slot()
        with self._lock:
            if self.lost:
                raise ConnectionError("D-Bus connection closed")
            serial = next(self._conn.outgoing_serial)
            self._pending[serial] = slot
        try:
            self._conn.send(msg, serial=serial)
        except Exception as exc:
            with self._lock:
                self._pending.pop(serial, None)
            raise ConnectionError(f"D-Bus send failed: {exc}") from exc
        if not slot.done.wait(timeout):
            with self._lock:
                self._pending.pop(serial, None)
            raise TimeoutError(f"no reply within {timeout:g} s")
        if slot.reply is None:
            raise ConnectionError("D-Bus connection lost before the reply")
        return slot.reply

    def close(self) -> None:
        self._lose()
        try:
            self._conn.close()  # interrupts the reader's receive
        except Exception as exc:
            log.debug("closing the D-Bus connection: %s", exc)
        if self._reader is not threading.current_thread():
            self._reader.join(timeout=2)

    # -- the reader thread ----------------------------------------------------------------------
    def _read(self) -> None:
        from jeepney import HeaderFields, MessageType
        from jeepney.io.threading import ReceiveStopped

        try:
            while True:
                msg = self._conn.receive()
                kind = msg.header.message_type
                if kind in (MessageType.method_return, MessageType.error):
                    serial = msg.header.fields.get(HeaderFields.reply_serial, -1)
                    with self._lock:
                        slot = self._pending.pop(serial, None)
                    if slot is None:
                        self.dropped += 1
                        log.debug("dropped a %s for serial %s nobody waits for", kind.name, serial)
                        continue
                    slot.reply = msg
                    slot.done.set()
                elif kind == MessageType.signal:
                    try:
                        self._signals.put_nowait(msg)
                    except queue.Full:
                        log.debug("signal queue full: dropped %s", msg.header.fields.get(HeaderFields.member))
                # method calls to us: we export no object, so none are expected
        except ReceiveStopped:
            pass
        except Exception as exc:  # reset socket, EOF, a message jeepney cannot parse: all end this connection
            log.debug("D-Bus connection lost: %s: %s", type(exc).__name__, exc)
        finally:
            self._lose()

    def _lose(self) -> None:
        with self._lock:
            self.lost = True
            pending, self._pending = self._pending, {}
        for slot in pending.values():
            slot.done.set()  # reply None: ConnectionError in the caller
