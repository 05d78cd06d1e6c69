"""A small D-Bus object server on one blocking jeepney connection (the tray's own, not shared).

`serve()` is the loop: it receives every message, answers method calls on the exported objects
(their own interface, org.freedesktop.DBus.Properties, Introspectable and Peer), hands signals to
`on_signal`, and replies to our own asynchronous calls to their callbacks. Our outgoing calls never
wait inside the loop: a watcher that calls us back before it answers our registration (KDE's does)
would otherwise dead-lock against us.

Threads: `serve` runs on one thread (the tray's loop); `send`, `call` and `emit` may come from any
thread (one lock keeps messages whole on the socket); `call_and_wait` only before `serve` starts.
`close` ends `serve` from any thread.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from typing import Any, Protocol

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageFlag,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import open_dbus_connection

log = logging.getLogger(__name__)

PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"
UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod"
STANDARD_XML = """<interface name="org.freedesktop.DBus.Properties">
  <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" direction="out"/></method>
  <method name="GetAll"><arg type="s" direction="in"/><arg type="a{sv}" direction="out"/></method>
  <method name="Set"><arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" direction="in"/></method>
  <signal name="PropertiesChanged"><arg type="s"/><arg type="a{sv}"/><arg type="as"/></signal>
</interface>
<interface name="org.freedesktop.DBus.Introspectable">
  <method name="Introspect"><arg type="s" direction="out"/></method>
</interface>
<interface name="org.freedesktop.DBus.Peer"><method name="Ping"/></interface>"""


class Failure(Exception):
    """A D-Bus error reply: `name` (e.g. org.freedesktop.DBus.Error.InvalidArgs) and a message."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name


class Exported(Protocol):
    interface: str

    def properties(self) -> dict[str, tuple[str, Any]]: ...  # name -> (signature, value)

    def call(self, member: str, body: tuple) -> tuple[str, tuple]: ...  # -> (signature, body); raises Failure


class BusServer:
    def __init__(self, address: str = "SESSION") -> None:
        self._conn = open_dbus_connection(address)
        self.unique_name: str = self._conn.unique_name
        self.objects: dict[str, tuple[Exported, str]] = {}  # path -> (object, its interface's XML)
        self.on_signal: Callable[[Any], None] = lambda message: None
        self._lock = threading.Lock()
        self._pending: dict[int, Callable[[Any], None]] = {}
        self._closed = threading.Event()
        self._serving = False

    def export(self, path: str, obj: Exported, xml: str) -> None:
        self.objects[path] = (obj, xml)

    # --- sending ---

    def send(self, message) -> int:
        with self._lock:
            serial = next(self._conn.outgoing_serial)
            self._conn.send(message, serial=serial)
            return serial

    def call(self, message, on_reply: Callable[[Any], None] | None = None) -> None:
        """Send a method call; `on_reply(reply)` runs on the loop thread when its answer comes."""
        with self._lock:
            serial = next(self._conn.outgoing_serial)
            if on_reply is not None:
                self._pending[serial] = on_reply
            self._conn.send(message, serial=serial)

    def call_and_wait(self, message, timeout: float = 2.0):
        """A blocking call, for set-up before `serve` runs; the reply message (may be an error)."""
        with self._lock:
            return self._conn.send_and_get_reply(message, timeout=timeout)

    def emit(self, path: str, interface: str, member: str, signature: str, body: tuple) -> None:
        if self._closed.is_set():
            return
        try:
            self.send(new_signal(DBusAddress(path, interface=interface), member, signature or None, body))
        except OSError as error:
            log.debug("signal %s not sent: %s", member, error)

    # --- the loop ---

    def serve(self) -> None:
        """Handle messages until `close()` (or the bus goes away: OSError/ConnectionResetError)."""
        self._serving = True
        try:
            while not self._closed.is_set():
                message = self._conn.receive()
                kind = message.header.message_type
                if kind == MessageType.method_call:
                    self._answer(message)
                elif kind == MessageType.signal:
                    self._safely(self.on_signal, message)
                else:
                    done = self._pending.pop(message.header.fields.get(HeaderFields.reply_serial, -1), None)
                    if done is not None:
                        self._safely(done, message)
        except (OSError, ValueError) as error:  # ValueError: the socket closed under the selector
            if not self._closed.is_set():
                raise ConnectionError(f"the session bus went away: {error}") from error
        finally:
            self._closed.set()
            self._conn.close()

    @staticmethod
    def _safely(handler: Callable[[Any], None], message) -> None:
        try:
            handler(message)
        except Exception:  # a bug in one handler must not end the loop (and with it the tray)
            log.exception("handling a D-Bus message failed: %s", message.header.fields)

    def close(self) -> None:
        """End `serve` (shutdown wakes its blocking read; serve then closes the connection) or, if it
        is not running, close the connection here; the bus then drops our names."""
        if self._closed.is_set():
            return
        self._closed.set()
        try:
            self._conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if not self._serving:
            self._conn.close()

    def _answer(self, message) -> None:
        fields = message.header.fields
        path, interface, member = (
            fields.get(HeaderFields.path, ""),
            fields.get(HeaderFields.interface),
            fields.get(HeaderFields.member, ""),
        )
        try:
            signature, body = self._dispatch(path, interface, member, message.body)
            reply = new_method_return(message, signature or None, body)
        except Failure as failure:
            reply = new_error(message, failure.name, "s", (str(failure),))
        except Exception as error:  # a bug in a handler must not end the loop: the caller gets an error
            log.exception("D-Bus method %s.%s on %s failed", interface, member, path)
            reply = new_error(message, "org.freedesktop.DBus.Error.Failed", "s", (str(error),))
        if not message.header.flags & MessageFlag.no_reply_expected:
            self.send(reply)

    def _dispatch(self, path: str, interface: str | None, member: str, body: tuple) -> tuple[str, tuple]:
        if interface == INTROSPECTABLE and member == "Introspect":
            return "s", (self.introspect(path),)
        if interface == PEER and member == "Ping":
            return "", ()
        if path not in self.objects:
            raise Failure("org.freedesktop.DBus.Error.UnknownObject", f"no object at {path}")
        obj, _xml = self.objects[path]
        if interface == PROPERTIES:
            return self._properties(obj, member, body)
        if interface in (None, obj.interface):
            return obj.call(member, body)
        raise Failure("org.freedesktop.DBus.Error.UnknownInterface", f"{path} has no interface {interface}")

    def _properties(self, obj: Exported, member: str, body: tuple) -> tuple[str, tuple]:
        if body and body[0] not in ("", obj.interface):
            raise Failure("org.freedesktop.DBus.Error.UnknownInterface", f"no interface {body[0]}")
        props = obj.properties()
        if member == "GetAll":
            return "a{sv}", (props,)
        if member == "Get":
            if body[1] not in props:
                raise Failure("org.freedesktop.DBus.Error.UnknownProperty", f"no property {body[1]}")
            return "v", (props[body[1]],)
        if member == "Set":
            raise Failure("org.freedesktop.DBus.Error.PropertyReadOnly", "every property is read-only")
        raise Failure(UNKNOWN_METHOD, f"no method {member} on {PROPERTIES}")

    def introspect(self, path: str) -> str:
        """The object's interfaces, and the next path element of every object below `path`."""
        prefix = path.rstrip("/") + "/"
        children = sorted({p[len(prefix) :].split("/")[0] for p in self.objects if p.startswith(prefix)})
        parts = [
            '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n'
            ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n<node>'
        ]
        if path in self.objects:
            parts += [self.objects[path][1], STANDARD_XML]
        parts += [f'<node name="{child}"/>' for child in children]
        return "\n".join([*parts, "</node>"])
