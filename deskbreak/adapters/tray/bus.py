"""A small D-Bus object server on the tray's own connection (adapters/dbus.py's BusConnection).

The connection's reader thread answers method calls on the exported objects (their own interface,
org.freedesktop.DBus.Properties, Introspectable and Peer), hands signals to `on_signal`, and replies
to our own asynchronous calls to their callbacks. Our outgoing calls never wait on that thread: a
watcher that calls us back before it answers our registration (KDE's does) would otherwise
dead-lock against us.

Threads: handlers run on the connection's reader thread; `serve` blocks the tray's loop thread until
the connection ends; `call`, `emit` may come from any thread; `call_and_wait` from any thread but
the reader's. `close` ends `serve` from any thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..dbus import BusConnection

if TYPE_CHECKING:
    from jeepney import Message

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

    def call(self, member: str, body: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]: ...  # raises Failure


class BusServer:
    def __init__(self, address: str) -> None:
        self.objects: dict[str, tuple[Exported, str]] = {}  # path -> (object, its interface's XML)
        self.on_signal: Callable[[Message], None] = lambda message: None
        self._closing = False
        self._conn = BusConnection(
            address, on_signal=lambda message: self.on_signal(message), on_method_call=self._answer
        )
        self.unique_name: str = self._conn.unique_name

    def export(self, path: str, obj: Exported, xml: str) -> None:
        self.objects[path] = (obj, xml)

    def on_reader_thread(self) -> bool:
        return self._conn.on_reader_thread()

    # --- sending ---

    def call(self, message: Message, on_reply: Callable[[Message], None] | None = None) -> None:
        """Send a method call; `on_reply(reply)` runs on the reader thread when its answer comes."""
        self._conn.call_async(message, on_reply)

    def call_and_wait(self, message: Message, timeout: float = 2.0) -> Message:
        """A blocking call (never from a handler); the reply message (may be an error)."""
        return self._conn.call(message, timeout)

    def emit(self, path: str, interface: str, member: str, signature: str, body: tuple[Any, ...]) -> None:
        from jeepney import DBusAddress, new_signal

        if self._conn.lost:
            return
        try:
            self._conn.send(
                new_signal(DBusAddress(path, interface=interface), member, signature or None, body)
            )
        except OSError as error:
            log.debug("signal %s not sent: %s", member, error)

    # --- the loop ---

    def serve(self) -> None:
        """Wait until `close()`; ConnectionError when the bus goes away first."""
        self._conn.closed.wait()
        if not self._closing:
            raise ConnectionError("the session bus went away")

    def close(self) -> None:
        """End `serve` and close the connection; the bus then drops our names."""
        self._closing = True
        self._conn.close()

    def _answer(self, message: Message) -> None:
        from jeepney import HeaderFields, MessageFlag, new_error, new_method_return

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
            try:
                self._conn.send(reply)
            except OSError as error:
                log.debug("reply to %s not sent: %s", member, error)

    def _dispatch(
        self, path: str, interface: str | None, member: str, body: tuple[Any, ...]
    ) -> tuple[str, tuple[Any, ...]]:
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

    def _properties(self, obj: Exported, member: str, body: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
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
