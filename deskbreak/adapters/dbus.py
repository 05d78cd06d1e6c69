"""The one place that finds a D-Bus and talks to it: every port (tray, notifier, idle probes, logind).

Where the session bus is: `DBUS_SESSION_BUS_ADDRESS`, else systemd's per-user socket
`$XDG_RUNTIME_DIR/bus` when it exists (an ssh or `su` session, some autostart paths leave the
variable unset). The system bus (logind): `DBUS_SYSTEM_BUS_ADDRESS`, else jeepney's default.

`BusConnection`, not jeepney's threaded `DBusRouter`: mako 1.7 answers `GetCapabilities` (and other
methods) with a method return AND then an `UnknownMethod` error carrying the same reply serial. The
router's reader thread hands the second message to the already-resolved `Future`
(`InvalidStateError`), which kills that thread; its clean-up empties the pending-reply table under
the caller, whose own clean-up then raises `KeyError` out of every call on that connection.

Here one reader thread owns the socket (jeepney's `threading.DBusConnection`: auth, Hello, parsing
and a locked `send`). A reply is matched to its call by serial and the call's slot is removed in the
same step, so a second reply to that serial, or a reply nobody waits for, finds no slot and is
dropped. Signals go to `on_signal` (or onto a queue, closed by a None when the connection ends),
method calls to us to `on_method_call`, both on the
reader thread, so neither may wait for a reply on the same connection. Anything the reader meets (a
reset socket, a message jeepney cannot parse) ends the connection quietly: pending and later calls
raise ConnectionError, `lost` is set, and the owner opens a new connection.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jeepney import Message

log = logging.getLogger(__name__)

SESSION_VARIABLE = "DBUS_SESSION_BUS_ADDRESS"
SYSTEM_VARIABLE = "DBUS_SYSTEM_BUS_ADDRESS"
CALL_TIMEOUT = 2.0

MessageHandler = Callable[["Message"], None]


class NoBus(ConnectionError):
    """No bus to connect to (the address is unknown, or nothing listens there)."""


def session_bus_address(environ: Mapping[str, str] = os.environ) -> str | None:
    """The session bus address: the variable, else systemd's per-user socket; None when neither."""
    if address := environ.get(SESSION_VARIABLE):
        return address
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(path := os.path.join(runtime, "bus")):
        return f"unix:path={path}"
    return None


def system_bus_address(environ: Mapping[str, str] = os.environ) -> str:
    """The system bus address (tests bring their own logind through the variable)."""
    return environ.get(SYSTEM_VARIABLE) or "SYSTEM"


def open_session_bus(environ: Mapping[str, str] = os.environ, **options: Any) -> BusConnection:
    """A connection to the session bus; NoBus when there is none (options go to BusConnection)."""
    address = session_bus_address(environ)
    if address is None:
        raise NoBus(f"no D-Bus session bus ({SESSION_VARIABLE} is unset and no $XDG_RUNTIME_DIR/bus)")
    return BusConnection(address, **options)


def open_system_bus(environ: Mapping[str, str] = os.environ, **options: Any) -> BusConnection:
    return BusConnection(system_bus_address(environ), **options)


class _Slot:
    def __init__(self, on_reply: MessageHandler | None = None) -> None:
        self.done = threading.Event()
        self.reply: Message | None = None  # None when the connection was lost first
        self.on_reply = on_reply


class BusConnection:
    """Calls from any thread: `call` waits for its own reply, `call_async` hands it to a callback on
    the reader thread. Lost or closed: calls raise ConnectionError."""

    def __init__(
        self,
        address: str,
        signals: queue.Queue[Any] | None = None,
        *,
        on_signal: MessageHandler | None = None,
        on_method_call: MessageHandler | None = None,
        auth_timeout: float = CALL_TIMEOUT,
    ) -> None:
        """`address`: a D-Bus address or jeepney's "SESSION"/"SYSTEM". Signals matching the
        connection's match rules go to `on_signal`, else onto `signals` (dropped when it is full)."""
        from jeepney.io.threading import open_dbus_connection

        try:
            self._conn = open_dbus_connection(address, auth_timeout=auth_timeout)
        except KeyError as error:  # jeepney: the variable behind "SESSION"/"SYSTEM" is unset
            raise NoBus(f"no D-Bus address ({error} is unset)") from error
        except (OSError, ValueError, RuntimeError) as error:  # nothing listens, auth refused
            raise NoBus(f"cannot connect to the D-Bus at {address}: {error}") from error
        self.address = address
        self._signals = signals
        self._on_signal = on_signal
        self._on_method_call = on_method_call
        self._lock = threading.Lock()
        self._pending: dict[int, _Slot] = {}
        self.closed = threading.Event()  # set when the connection ends, lost or closed
        self.lost = False
        self.dropped = 0  # duplicate or stray replies thrown away (the tests read it)
        self._reader = threading.Thread(target=self._read, name="deskbreak-dbus-reader", daemon=True)
        self._reader.start()

    @property
    def unique_name(self) -> str:
        return str(self._conn.unique_name)

    def on_reader_thread(self) -> bool:
        """True inside a handler: a wait for a reply there would never end."""
        return threading.current_thread() is self._reader

    def send(self, message: Message) -> None:
        """Send without waiting (a signal, a reply, a call nobody waits for)."""
        try:
            self._conn.send(message)
        except Exception as error:
            raise ConnectionError(f"D-Bus send failed: {error}") from error

    def call(self, message: Message, timeout: float = CALL_TIMEOUT) -> Message:
        """Send method call `message`; its reply (a method return or an error Message). TimeoutError
        when none comes within `timeout` seconds, ConnectionError when the connection is (or gets) lost.
        Never on the reader thread (an `on_signal`/`on_method_call` handler): it would wait forever."""
        slot = self._send_call(message, _Slot())
        if not slot.done.wait(timeout):
            self._forget(slot)
            raise TimeoutError(f"no reply within {timeout:g} s")
        if slot.reply is None:
            raise ConnectionError("D-Bus connection lost before the reply")
        return slot.reply

    def call_async(self, message: Message, on_reply: MessageHandler | None = None) -> None:
        """Send method call `message`; `on_reply(reply)` runs on the reader thread when it comes."""
        self._send_call(message, _Slot(on_reply))

    def _send_call(self, message: Message, slot: _Slot) -> _Slot:
        with self._lock:
            if self.lost:
                raise ConnectionError("D-Bus connection closed")
            serial = next(self._conn.outgoing_serial)
            self._pending[serial] = slot
        try:
            self._conn.send(message, serial=serial)
        except Exception as error:
            self._forget(slot)
            raise ConnectionError(f"D-Bus send failed: {error}") from error
        return slot

    def _forget(self, slot: _Slot) -> None:
        with self._lock:
            self._pending = {serial: s for serial, s in self._pending.items() if s is not slot}

    def close(self) -> None:
        self._lose()
        try:
            self._conn.close()  # interrupts the reader's receive
        except Exception as error:
            log.debug("closing the D-Bus connection: %s", error)
        if self._reader is not threading.current_thread():
            self._reader.join(timeout=2)

    def __enter__(self) -> BusConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the reader thread ----------------------------------------------------------------------
    def _read(self) -> None:
        from jeepney.io.threading import ReceiveStopped

        try:
            while True:
                self._dispatch(self._conn.receive())
        except ReceiveStopped:
            pass
        except Exception as error:  # reset socket, EOF, a message jeepney cannot parse: all end it
            log.debug("D-Bus connection lost: %s: %s", type(error).__name__, error)
        finally:
            self._lose()

    def _dispatch(self, message: Message) -> None:
        from jeepney import HeaderFields, MessageType

        kind = message.header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            serial = message.header.fields.get(HeaderFields.reply_serial, -1)
            with self._lock:
                slot = self._pending.pop(serial, None)
            if slot is None:
                self.dropped += 1
                log.debug("dropped a %s for serial %s nobody waits for", kind.name, serial)
                return
            slot.reply = message
            slot.done.set()
            if slot.on_reply is not None:
                _safely(slot.on_reply, message)
        elif kind == MessageType.signal:
            if self._on_signal is not None:
                _safely(self._on_signal, message)
            elif self._signals is not None:
                try:
                    self._signals.put_nowait(message)
                except queue.Full:
                    log.debug("signal queue full: dropped %s", message.header.fields.get(HeaderFields.member))
        elif kind == MessageType.method_call and self._on_method_call is not None:
            _safely(self._on_method_call, message)

    def _lose(self) -> None:
        with self._lock:
            first, self.lost = not self.lost, True
            pending, self._pending = self._pending, {}
        for slot in pending.values():
            slot.done.set()  # reply None: ConnectionError in the caller
        if first and self._signals is not None:
            with contextlib.suppress(queue.Full):
                self._signals.put_nowait(None)  # the end of the signals: their reader stops
        self.closed.set()


def _safely(handler: MessageHandler, message: Message) -> None:
    try:
        handler(message)
    except Exception:  # a bug in one handler must not end the reader (and with it the connection)
        log.exception("handling a D-Bus message failed: %s", message.header.fields)


def add_match(connection: BusConnection, rule: Any, timeout: float = CALL_TIMEOUT) -> None:
    """Subscribe to the signals `rule` (a jeepney MatchRule) describes; ConnectionError if refused."""
    from jeepney import MessageType, message_bus, new_method_call

    reply = connection.call(new_method_call(message_bus, "AddMatch", "s", (rule.serialise(),)), timeout)
    if reply.header.message_type == MessageType.error:
        raise ConnectionError(f"the bus refused a match rule: {reply.body}")
