"""com.canonical.dbusmenu: a pystray Menu served over D-Bus, the way StatusNotifierItem hosts read it.

A host (waybar, xfce4-panel, Plasma, GNOME's AppIndicator extension...) asks for the tree with
`GetLayout`, shows it on a right click, and sends `Event(id, "clicked")` when the user picks an item.
The tree is a snapshot of the pystray menu (its callables evaluated once): `build_layout` is pure.
Ids number the visible items depth-first from 1 (0 is the root); a new snapshot that differs gets
a new revision and a `LayoutUpdated` signal, so hosts fetch it again. Only non-default properties
are sent, as the spec asks (enabled and visible default to true, type to "standard").

Threads: `refresh` may be called from any thread; `call` runs on the bus loop thread, and so do
the item actions it triggers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .bus import Failure
from .model import pystray_base

log = logging.getLogger(__name__)

INTERFACE = "com.canonical.dbusmenu"
PATH = "/MenuBar"
NODE = "(ia{sv}av)"
Props = tuple[tuple[str, tuple[str, Any]], ...]  # sorted (name, (signature, value)) pairs
INVALID = "org.freedesktop.DBus.Error.InvalidArgs"


@dataclass(frozen=True)
class Node:
    id: int
    props: Props
    children: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Layout:
    root: Node
    items: dict[int, Any] = field(compare=False)  # id -> the pystray MenuItem that id activates

    def find(self, item_id: int) -> Node | None:
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.id == item_id:
                return node
            stack.extend(node.children)
        return None


def label(text: str) -> str:
    """dbusmenu reads "_" as a mnemonic marker: a literal one is doubled."""
    return text.replace("_", "__")


def item_props(item: Any) -> Props:  # a pystray MenuItem
    if item is pystray_base().Menu.SEPARATOR:
        return (("type", ("s", "separator")),)
    props: dict[str, tuple[str, Any]] = {"label": ("s", label(str(item.text)))}
    if not item.enabled:
        props["enabled"] = ("b", False)
    if item.checked is not None:
        props["toggle-type"] = ("s", "radio" if item.radio else "checkmark")
        props["toggle-state"] = ("i", 1 if item.checked else 0)
    if item.submenu:
        props["children-display"] = ("s", "submenu")
    return tuple(sorted(props.items()))


def shown(items: Iterable[Any]) -> list[Any]:
    """The items a menu shows: visible ones, no separator at either end or twice in a row."""
    separator = pystray_base().Menu.SEPARATOR
    out: list[Any] = []
    for item in items:
        if not item.visible or (item is separator and (not out or out[-1] is separator)):
            continue
        out.append(item)
    while out and out[-1] is separator:
        out.pop()
    return out


def build_layout(menu: Any) -> Layout:  # a pystray Menu
    """The dbusmenu tree of a pystray Menu (or None: an empty menu)."""
    items: dict[int, Any] = {}
    counter = iter(range(1, 1 << 31))

    def nodes(submenu: Any) -> tuple[Node, ...]:
        out = []
        for item in shown(submenu.items if submenu else ()):
            item_id = next(counter)
            items[item_id] = item
            children = nodes(item.submenu) if item.submenu else ()
            out.append(Node(item_id, item_props(item), children))
        return tuple(out)

    root = Node(0, (("children-display", ("s", "submenu")),), nodes(menu))
    return Layout(root, items)


def to_dbus(node: Node, depth: int = -1, names: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    """A node as GetLayout's (ia{sv}av) value; depth -1 is the whole subtree, 0 the node alone."""
    props = {k: v for k, v in node.props if not names or k in names}
    children = [] if depth == 0 else [(NODE, to_dbus(c, depth - 1, names)) for c in node.children]
    return node.id, props, children


class MenuService:
    """The com.canonical.dbusmenu object: `menu()` gives the current pystray Menu, `activate(item)`
    runs a picked item, `emit(member, signature, body)` sends one of this interface's signals."""

    interface = INTERFACE

    def __init__(
        self,
        menu: Callable[[], Any],
        activate: Callable[[Any], None],
        emit: Callable[[str, str, tuple[Any, ...]], None],
    ) -> None:
        self._menu, self._activate, self._emit = menu, activate, emit
        self._lock = threading.Lock()
        self.revision = 1
        self.layout = build_layout(menu())
        self.last_activity = 0.0  # time.monotonic() of the last LayoutUpdated or method call

    def refresh(self) -> bool:
        """Take a new snapshot of the menu; True (and LayoutUpdated sent) when it changed."""
        layout = build_layout(self._menu())
        with self._lock:
            if layout == self.layout:
                self.layout = layout  # same tree; the items may be new objects (generated submenus)
                return False
            self.layout, self.revision = layout, self.revision + 1
            revision = self.revision
        self.last_activity = time.monotonic()
        self._emit("LayoutUpdated", "ui", (revision, 0))
        return True

    def properties(self) -> dict[str, tuple[str, Any]]:
        return {
            "Version": ("u", 3),
            "TextDirection": ("s", "ltr"),
            "Status": ("s", "normal"),
            "IconThemePath": ("as", []),
        }

    def call(self, member: str, body: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
        self.last_activity = time.monotonic()
        with self._lock:
            layout, revision = self.layout, self.revision
        if member == "GetLayout":
            parent, depth, names = body
            node = layout.find(parent)
            if node is None:
                raise Failure(INVALID, f"no menu item {parent}")
            return "u" + NODE, (revision, to_dbus(node, depth, frozenset(names)))
        if member == "GetGroupProperties":
            ids, names = body
            wanted = [layout.find(i) for i in ids] if ids else [layout.find(i) for i in [0, *layout.items]]
            return "a(ia{sv})", (
                [
                    (n.id, {k: v for k, v in n.props if not names or k in names})
                    for n in wanted
                    if n is not None
                ],
            )
        if member == "GetProperty":
            item_id, name = body
            node = layout.find(item_id)
            value = dict(node.props).get(name) if node is not None else None
            if value is None:
                raise Failure(INVALID, f"no property {name!r} on menu item {item_id}")
            return "v", (value,)
        if member == "Event":
            if not self._event(layout, *body[:2]):
                raise Failure(INVALID, f"no menu item {body[0]}")
            return "", ()
        if member == "EventGroup":
            errors = [
                item_id for item_id, event, _data, _time in body[0] if not self._event(layout, item_id, event)
            ]
            if body[0] and len(errors) == len(body[0]):
                raise Failure(INVALID, f"no menu items {errors}")
            return "ai", (errors,)
        if member == "AboutToShow":
            if layout.find(body[0]) is None:
                raise Failure(INVALID, f"no menu item {body[0]}")
            return "b", (self.refresh(),)
        if member == "AboutToShowGroup":
            errors = [i for i in body[0] if layout.find(i) is None]
            changed = self.refresh()
            return "aiai", ([i for i in body[0] if i not in errors] if changed else [], errors)
        raise Failure("org.freedesktop.DBus.Error.UnknownMethod", f"no method {member} on {INTERFACE}")

    def _event(self, layout: Layout, item_id: int, event: str) -> bool:
        if item_id != 0 and item_id not in layout.items:
            return False
        item = layout.items.get(item_id)
        if event == "clicked" and item is not None and item.enabled:  # a stale host may click a disabled one
            log.debug("menu: %s clicked", item)
            self._activate(item)
        return True


XML = """<interface name="com.canonical.dbusmenu">
  <property name="Version" type="u" access="read"/>
  <property name="TextDirection" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="IconThemePath" type="as" access="read"/>
  <method name="GetLayout"><arg type="i" name="parentId" direction="in"/>
    <arg type="i" name="recursionDepth" direction="in"/><arg type="as" name="propertyNames" direction="in"/>
    <arg type="u" name="revision" direction="out"/><arg type="(ia{sv}av)" name="layout" direction="out"/></method>
  <method name="GetGroupProperties"><arg type="ai" name="ids" direction="in"/>
    <arg type="as" name="propertyNames" direction="in"/><arg type="a(ia{sv})" name="properties" direction="out"/></method>
  <method name="GetProperty"><arg type="i" name="id" direction="in"/><arg type="s" name="name" direction="in"/>
    <arg type="v" name="value" direction="out"/></method>
  <method name="Event"><arg type="i" name="id" direction="in"/><arg type="s" name="eventId" direction="in"/>
    <arg type="v" name="data" direction="in"/><arg type="u" name="timestamp" direction="in"/></method>
  <method name="EventGroup"><arg type="a(isvu)" name="events" direction="in"/>
    <arg type="ai" name="idErrors" direction="out"/></method>
  <method name="AboutToShow"><arg type="i" name="id" direction="in"/><arg type="b" name="needUpdate" direction="out"/></method>
  <method name="AboutToShowGroup"><arg type="ai" name="ids" direction="in"/>
    <arg type="ai" name="updatesNeeded" direction="out"/><arg type="ai" name="idErrors" direction="out"/></method>
  <signal name="ItemsPropertiesUpdated"><arg type="a(ia{sv})" name="updatedProps"/>
    <arg type="a(ias)" name="removedProps"/></signal>
  <signal name="LayoutUpdated"><arg type="u" name="revision"/><arg type="i" name="parent"/></signal>
  <signal name="ItemActivationRequested"><arg type="i" name="id"/><arg type="u" name="timestamp"/></signal>
</interface>"""
