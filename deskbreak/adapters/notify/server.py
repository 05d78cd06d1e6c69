"""Who the freedesktop notification server is: GetServerInformation and GetCapabilities (for doctor,
the start-up log and `FreedesktopNotifier.probe`)."""

from __future__ import annotations

import logging
import queue
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...i18n import _
from ..dbus import BusConnection, session_bus_address

log = logging.getLogger(__name__)

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
IFACE = "org.freedesktop.Notifications"

if TYPE_CHECKING:  # jeepney is imported lazily, where D-Bus is used
    from jeepney import DBusAddress, Message


def server_address() -> DBusAddress:
    from jeepney import DBusAddress

    return DBusAddress(PATH, bus_name=NAME, interface=IFACE)


@dataclass(frozen=True)
class ServerInfo:
    """What the notification server says about itself (GetServerInformation, GetCapabilities)."""

    name: str
    vendor: str
    version: str
    spec_version: str
    capabilities: tuple[str, ...]

    @property
    def has_actions(self) -> bool:
        return "actions" in self.capabilities

    def describe(self) -> str:
        """One line for `doctor`, in the user's language (the server's own words as it gives them)."""
        # Translators: the notification server has no capabilities at all.
        caps = ", ".join(self.capabilities) or _("none")
        # Translators: doctor's line on the notification server, e.g. "dunst 1.9.0 (knopwob), capabilities: actions, body".
        return _("{name} {version} ({vendor}), capabilities: {caps}").format(
            name=self.name, version=self.version, vendor=self.vendor, caps=caps
        )


def server_info(bus_address: str | None = None, timeout: float = 1.0) -> ServerInfo | None:
    """The notification server on the session bus, or None when none answers (or it answers nonsense)."""
    from jeepney import MessageType, new_method_call

    signals: queue.Queue[Message] = queue.Queue(maxsize=1)
    try:
        conn = BusConnection(bus_address or session_bus_address() or "SESSION", signals, auth_timeout=timeout)
    except Exception as exc:
        log.debug("no D-Bus session bus: %s", exc)
        return None
    try:
        info = conn.call(new_method_call(server_address(), "GetServerInformation"), timeout)
        caps = conn.call(new_method_call(server_address(), "GetCapabilities"), timeout)
        if MessageType.error in (info.header.message_type, caps.header.message_type):
            log.debug("notification server refused: %s %s", info.body, caps.body)
            return None
        name, vendor, version, spec = (str(v) for v in info.body[:4])
        return ServerInfo(name, vendor, version, spec, tuple(str(c) for c in caps.body[0]))
    except Exception as exc:  # no server, hung server, wrong signature: all mean "not available"
        log.debug("no freedesktop notification server: %s", exc)
        return None
    finally:
        conn.close()
