"""Idle, lock and do-not-disturb state over the session D-Bus (jeepney, blocking, worker thread).

GNOME (X11 or Wayland): `org.gnome.Mutter.IdleMonitor.GetIdletime` (ms). KDE and others:
`org.freedesktop.ScreenSaver.GetSessionIdleTime` (ms despite its docs; not on KDE Wayland, where the
constructor's check fails and the picker moves on). `DesktopBus` is shared with the X11 probe.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from typing import Any

from jeepney import DBusAddress, MessageFlag, Properties, new_method_call
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

from ..dbus import open_session_bus
from .base import ActivitySample, LogOnce

log = logging.getLogger(__name__)

TIMEOUT = 0.1  # seconds per call; the whole sample stays near the port's ~100 ms budget
SCREENSAVERS = (
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
)
NOTIFICATIONS = DBusAddress(
    "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "org.freedesktop.Notifications"
)
BANNERS = ("gsettings", "get", "org.gnome.desktop.notifications", "show-banners")
BANNERS_TTL = 5.0


class DesktopBus:
    """Blocking calls on one session-bus connection; never starts (D-Bus-activates) a service."""

    def __init__(self, environ: Mapping[str, str] = os.environ, connection: Any = None) -> None:
        self._conn = connection or open_session_bus(environ, auth_timeout=1.0)
        self._log = LogOnce(log)
        self._gnome = "GNOME" in environ.get("XDG_CURRENT_DESKTOP", "").upper()
        self._gsettings = shutil.which("gsettings", path=environ.get("PATH")) if self._gnome else None
        self._banners: tuple[float, bool | None] = (float("-inf"), None)

    def call(
        self, address: DBusAddress, method: str, signature: str = "", body: tuple[Any, ...] = ()
    ) -> tuple[Any, ...]:
        """Raises DBusErrorResponse (no such service/method), TimeoutError, OSError."""
        msg = new_method_call(address, method, signature or None, body)
        msg.header.flags |= MessageFlag.no_auto_start
        return tuple(unwrap_msg(self._conn.call(msg, timeout=TIMEOUT)))

    def try_call(
        self, address: DBusAddress, method: str, signature: str = "", body: tuple[Any, ...] = ()
    ) -> Any:
        """The first value of the reply, or None (a missing service is normal, anything else logged once)."""
        try:
            return self.call(address, method, signature, body)[0]
        except DBusErrorResponse as exc:
            log.debug("%s.%s: %s", address.interface, method, exc)
        except Exception as exc:
            self._log(
                f"{address.interface}.{method}", "D-Bus %s.%s failed: %r", address.interface, method, exc
            )
        return None

    def locked(self) -> bool | None:
        for name, path in SCREENSAVERS:
            if (active := self.try_call(DBusAddress(path, name, name), "GetActive")) is not None:
                return bool(active)
        return None

    def notifications_inhibited(self) -> bool | None:
        """The Notifications `Inhibited` property (spec 1.3), else GNOME's `show-banners` setting."""
        variant = self.try_call(
            Properties(NOTIFICATIONS).props_if, "Get", "ss", (NOTIFICATIONS.interface, "Inhibited")
        )
        if variant is not None:
            return bool(variant[1])
        return self._banners_off()

    def _banners_off(self) -> bool | None:
        if self._gsettings is None:
            return None
        checked, value = self._banners
        if time.monotonic() - checked < BANNERS_TTL:
            return value
        try:
            out = subprocess.run(
                [self._gsettings, *BANNERS[1:]], capture_output=True, text=True, timeout=1, check=True
            ).stdout.strip()
            value = {"false": True, "true": False}.get(out)
        except (OSError, subprocess.SubprocessError) as exc:
            self._log("gsettings", "gsettings show-banners unreadable (%r); not asking again", exc)
            self._gsettings = None
            return None
        self._banners = (time.monotonic(), value)
        return value

    def close(self) -> None:
        self._conn.close()


class _BusIdleProbe:
    name = ""
    idle_address: DBusAddress
    idle_method = ""

    def __init__(self, environ: Mapping[str, str] = os.environ, bus: DesktopBus | None = None) -> None:
        self._bus = bus or DesktopBus(environ)
        self._log = LogOnce(log)
        try:  # raises here (DBusErrorResponse: no such service / not supported) when it cannot work
            self._bus.call(self.idle_address, self.idle_method)
        except Exception:
            self._bus.close()
            raise

    def sample(self) -> ActivitySample:
        try:
            idle_ms = self._bus.try_call(self.idle_address, self.idle_method)
            return ActivitySample(
                None if idle_ms is None else idle_ms / 1000.0,
                self._bus.locked(),
                None,
                self._bus.notifications_inhibited(),
            )
        except Exception as exc:
            self._log("sample", "%s idle probe failed: %r", self.name, exc)
            return ActivitySample(None, None, None, None)

    def close(self) -> None:
        self._bus.close()


class GnomeIdleProbe(_BusIdleProbe):
    name = "gnome"
    idle_address = DBusAddress(
        "/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor", "org.gnome.Mutter.IdleMonitor"
    )
    idle_method = "GetIdletime"


class FreedesktopIdleProbe(_BusIdleProbe):
    name = "freedesktop"
    idle_address = DBusAddress(
        "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "org.freedesktop.ScreenSaver"
    )
    idle_method = "GetSessionIdleTime"
