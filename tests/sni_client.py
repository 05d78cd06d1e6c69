"""A test's view of StatusNotifierItems over D-Bus, as a tray host sees them: properties, the
dbusmenu layout, clicks, and the item's signals (jeepney, blocking, one connection)."""

from __future__ import annotations

from collections import deque

from jeepney import DBus, DBusAddress, MatchRule, MessageType, Properties, new_method_call
from jeepney.io.blocking import open_dbus_connection

ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"


class SniClient:
    def __init__(self, bus_address: str, service: str) -> None:
        """`service` as the watcher lists it: "bus.name/object/path" or a bus name (path /StatusNotifierItem)."""
        name, _, path = service.partition("/")
        self.name, self.path = name, "/" + path if path else "/StatusNotifierItem"
        self.conn = open_dbus_connection(bus_address)
        self.signals: deque = deque()
        # signals carry the sender's unique name, which jeepney's local filter compares
        owner = self.conn.send_and_get_reply(DBus().GetNameOwner(self.name), timeout=5).body[0]
        rule = MatchRule(type="signal", sender=owner)
        self.conn.send_and_get_reply(DBus().AddMatch(rule), timeout=5)
        self._filter = self.conn.filter(rule, queue=self.signals)
        self.menu_path = self.props()["Menu"][1]

    def close(self) -> None:
        self.conn.close()

    def call(self, path: str, interface: str, member: str, signature: str = "", body: tuple = ()):
        reply = self.conn.send_and_get_reply(
            new_method_call(DBusAddress(path, self.name, interface), member, signature or None, body),
            timeout=5,
        )
        if reply.header.message_type == MessageType.error:
            raise RuntimeError(f"{interface}.{member}: {reply.header.fields} {reply.body}")
        return reply.body

    def props(self) -> dict:
        reply = self.conn.send_and_get_reply(
            Properties(DBusAddress(self.path, self.name, ITEM)).get_all(), timeout=5
        )
        return reply.body[0]

    def layout(self) -> tuple[int, tuple]:
        revision, root = self.call(self.menu_path, MENU, "GetLayout", "iias", (0, -1, []))
        return revision, root

    def items(self) -> dict[str, tuple[int, dict]]:
        """label -> (id, props) over the whole menu (submenus included)."""
        out: dict[str, tuple[int, dict]] = {}

        def walk(node) -> None:
            for _sig, child in node[2]:
                if "label" in child[1]:
                    out[child[1]["label"][1]] = (child[0], {k: v[1] for k, v in child[1].items()})
                walk(child)

        walk(self.layout()[1])
        return out

    def click(self, text: str) -> None:
        item_id = self.items()[text][0]
        self.call(self.menu_path, MENU, "Event", "isvu", (item_id, "clicked", ("s", ""), 0))

    def activate(self, secondary: bool = False) -> None:
        self.call(self.path, ITEM, "SecondaryActivate" if secondary else "Activate", "ii", (0, 0))

    def wait_signal(self, member: str, timeout: float = 5.0):
        """The oldest signal named `member` from the item not yet taken (others stay queued)."""
        import time

        from jeepney import HeaderFields

        deadline = time.monotonic() + timeout
        while True:
            for message in list(self.signals):
                if message.header.fields.get(HeaderFields.member) == member:
                    self.signals.remove(message)
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {member} signal within {timeout} s")
            try:
                self.conn.recv_messages(timeout=left)
            except TimeoutError:
                pass

    def drop_signals(self) -> None:
        self.signals.clear()
