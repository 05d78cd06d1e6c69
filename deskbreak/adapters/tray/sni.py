"""The tray as a StatusNotifierItem (KDE's spec, also spoken by GNOME's AppIndicator extension,
waybar, xfce4-panel, Cinnamon, Budgie...) with its menu over com.canonical.dbusmenu: pure Python on
jeepney, no GTK, no X display, so it works on Wayland.

`SniIcon` is a pystray Icon backend: the menu is the same pystray Menu that PystrayTray builds,
served by dbusmenu.MenuService; the picture is sent as ARGB32 pixmaps (network byte order) in a few
sizes. It owns the bus name org.kde.StatusNotifierItem-PID-N, registers it with the
org.kde.StatusNotifierWatcher (the panel), registers again whenever a new watcher owns that name
(the panel restarted), and releases the name on stop, which removes the item from every host.

Clicks: the host calls Activate on a left click (ItemIsMenu is false): the menu's default item,
i.e. the state's default action; SecondaryActivate (middle click) does the same. A right click
shows the dbusmenu, drawn by the host itself, so ContextMenu has nothing to do.

Threads: the connection's reader thread (adapters/dbus.py) answers the host's calls and runs the
menu's actions; `run` (pystray's `_run`) blocks the calling thread until `stop`; property changes
(`icon`, `title`, `update_menu`, `status`) come from any thread and only send signals.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any

from jeepney import DBus, DBusAddress, HeaderFields, MatchRule, Message, MessageType, new_method_call

from ...ports import CommandHandler, TrayView
from ..dbus import session_bus_address
from . import dbusmenu
from .bus import BusServer
from .icon import PystrayTray
from .model import pystray_base
from .pictures import Picture
from .sni_item import ITEM, ITEM_PATH, ITEM_XML, ItemObject, pixmaps

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
_names = itertools.count(1)


class NoWatcher(RuntimeError):
    """No org.kde.StatusNotifierWatcher on the session bus: nobody would show the item."""


class SniIcon(pystray_base().Icon):  # type: ignore[misc]  # pystray ships no types: its Icon is Any
    HAS_DEFAULT_ACTION = True
    HAS_MENU = True
    HAS_MENU_RADIO = True
    HAS_NOTIFICATION = False

    def __init__(
        self,
        name: str,
        icon: Picture | Image | None = None,
        title: str | None = None,
        menu: Any = None,
        address: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Connects and checks for a watcher now, so a tray chooser can fall back at once: raises
        NoWatcher, or OSError / ConnectionError / ValueError from the bus."""
        super().__init__(name, icon, title, menu, **kwargs)
        self.status = "Active"
        self.description = ""
        self.pixmaps: list[tuple[int, int, bytes]] = []
        self.bus_name = f"{ITEM}-{os.getpid()}-{next(_names)}"
        address = address or session_bus_address()
        if address is None:
            raise NoWatcher("no session bus")
        self._bus = BusServer(address)
        try:
            self._set_up()
        except BaseException:
            self._bus.close()
            raise
        self._stopped = threading.Event()
        self._loop: threading.Thread | None = None

    def _set_up(self) -> None:
        bus = self._bus
        owner = bus.call_and_wait(DBus().GetNameOwner(WATCHER))
        if owner.header.message_type == MessageType.error:
            raise NoWatcher(f"no {WATCHER} on the session bus")
        self.watcher = owner.body[0]
        self.menu_service = dbusmenu.MenuService(
            lambda: self.menu,
            self._activate_item,
            lambda member, signature, body: bus.emit(
                dbusmenu.PATH, dbusmenu.INTERFACE, member, signature, body
            ),
        )
        bus.export(ITEM_PATH, ItemObject(self), ITEM_XML)
        bus.export(dbusmenu.PATH, self.menu_service, dbusmenu.XML)
        bus.on_signal = self._on_signal
        got = bus.call_and_wait(DBus().RequestName(self.bus_name, 4))  # 4: do not queue
        if got.header.message_type == MessageType.error or got.body[0] != 1:
            raise NoWatcher(f"could not own {self.bus_name}: {got.body}")
        rule = MatchRule(
            type="signal",
            sender="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
            member="NameOwnerChanged",
            path="/org/freedesktop/DBus",
        )
        rule.add_arg_condition(0, WATCHER)
        bus.call_and_wait(DBus().AddMatch(rule))
        self._owns_name = True

    # --- what the host sees ---

    def set_status(self, status: str, description: str) -> None:
        """Status: Active, or NeedsAttention (a prompt is due); description: the tooltip's second line."""
        if description != self.description:
            self.description = description
            self._emit("NewToolTip")
        if status != self.status:
            self.status = status
            self._emit("NewStatus", "s", (status,))

    def activate(self) -> None:
        """The default action, as a left click on any pystray backend (Icon.__call__)."""
        self()

    def _activate_item(self, item: Any) -> None:  # a pystray MenuItem
        try:
            item(self)
        finally:
            self.update_menu()

    def _emit(self, member: str, signature: str = "", body: tuple[Any, ...] = ()) -> None:
        self._bus.emit(ITEM_PATH, ITEM, member, signature, body)

    # --- watcher registration ---

    def _register(self) -> None:
        def answered(reply: Message) -> None:
            if reply.header.message_type == MessageType.error:
                log.warning("the StatusNotifierWatcher refused the tray icon: %s", reply.body)
            else:
                log.info("tray icon registered with the StatusNotifierWatcher as %s", self.bus_name)

        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        self._bus.call(
            new_method_call(watcher, "RegisterStatusNotifierItem", "s", (self.bus_name,)), answered
        )

    def _on_signal(self, message: Message) -> None:
        if message.header.fields.get(HeaderFields.member) != "NameOwnerChanged" or message.body[0] != WATCHER:
            return
        new_owner = message.body[2]
        if not new_owner:
            log.info("the StatusNotifierWatcher (tray host) went away: waiting for it to come back")
        elif self.visible:
            log.info("a new StatusNotifierWatcher (%s): registering the tray icon again", new_owner)
            self.watcher = new_owner
            self._register()

    # --- pystray's backend hooks ---

    def _show(self) -> None:
        if not self._owns_name:
            self._bus.call(DBus().RequestName(self.bus_name, 4))
            self._owns_name = True
        self._register()

    def _hide(self) -> None:
        if self._owns_name:
            self._owns_name = False
            with contextlib.suppress(OSError):  # a closed bus has dropped the name already
                self._bus.call(DBus().ReleaseName(self.bus_name))

    def _update_icon(self) -> None:
        self.pixmaps = list(self.icon.pixmaps) if isinstance(self.icon, Picture) else pixmaps(self.icon)
        self._icon_valid = True
        self._emit("NewIcon")
        self._emit("NewAttentionIcon")

    def _update_title(self) -> None:
        self._emit("NewTitle")
        self._emit("NewToolTip")

    def _update_menu(self) -> None:
        service = getattr(self, "menu_service", None)  # pystray updates the menu before we set up
        if service is not None:
            service.refresh()

    def _run(self) -> None:
        self._loop = threading.current_thread()
        self._mark_ready()
        try:
            self._bus.serve()
        except ConnectionError as error:  # the daemon goes on without an icon; stop() still ends run()
            log.warning("tray icon gone (%s): running without one", error)
            self._stopped.wait()

    def _stop(self) -> None:
        """Release the name first and wait (briefly) for the bus to confirm: hosts drop the item on
        the NameOwnerChanged that follows. Then end the loop."""
        released = threading.Event()
        may_wait = threading.current_thread() is not self._loop and not self._bus.on_reader_thread()
        if self._owns_name and may_wait:
            self._let_the_host_settle()
            with contextlib.suppress(OSError):
                self._bus.call(DBus().ReleaseName(self.bus_name), lambda reply: released.set())
                released.wait(1.0)
        self._owns_name = False  # closing the connection below drops it in any case
        self._stopped.set()
        self._bus.close()

    def _let_the_host_settle(self, quiet: float = 0.25, longest: float = 1.0) -> None:
        """Wait (at most `longest`) until the menu has been idle for `quiet` s: xfce4-panel 4.18's
        systray plugin crashes (a double free in libdbusmenu) when an item leaves while the panel
        is still fetching its layout, e.g. right after the Quit click's LayoutUpdated."""
        deadline = time.monotonic() + longest
        while time.monotonic() < deadline:
            idle = time.monotonic() - self.menu_service.last_activity
            if idle >= quiet:
                return
            time.sleep(min(quiet - idle, max(0.0, deadline - time.monotonic())))


class SniTray(PystrayTray):
    """The Tray port on a StatusNotifierItem: PystrayTray's menu and default actions on SniIcon."""

    def __init__(self, on_command: CommandHandler, address: str | None = None) -> None:
        def icon(name: str, image: Picture, title: str, menu: Any) -> SniIcon:
            return SniIcon(name, image, title, menu=menu, address=address)

        super().__init__(on_command, icon_factory=icon, takes_pixmaps=True)
        self.bus_name, self.watcher = self._icon.bus_name, self._icon.watcher

    def update(self, view: TrayView) -> None:
        self._icon.set_status("NeedsAttention" if view.phase == "due" else "Active", view.today_line)
        super().update(view)
