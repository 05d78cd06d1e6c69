"""The tray port's backends, one chosen at start-up.

On Linux and the BSDs a StatusNotifierItem (sni.py) whenever a org.kde.StatusNotifierWatcher owns
its name on the session bus (KDE, GNOME with the AppIndicator extension, waybar, xfce4-panel,
Cinnamon, Budgie): a full menu, no GTK, no display needed. Else a pystray icon when there is a
display (pystray picks appindicator, gtk or xorg), else none (headless).
`DESKBREAK_TRAY=sni|pystray|headless` forces one, as PYSTRAY_BACKEND does for pystray (which, set
alone, means pystray); a forced tray that cannot start runs headless. A tray that fails to start is logged, never fatal.
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger("deskbreak")

CHOICES = ("sni", "pystray", "headless")


def has_display(environ=os.environ) -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def sni_tray(on_command, environ=os.environ):
    """A StatusNotifierItem tray, or (None, why not)."""
    if sys.platform in ("win32", "darwin"):
        return None, "no StatusNotifierItem hosts on this platform"
    try:
        from .sni import SniTray, session_bus_address

        address = session_bus_address(environ)
        if address is None:
            return None, "no session bus"
        return SniTray(on_command, address), ""
    except Exception as error:  # no watcher, no bus, a bus that refuses us: the next tray will do
        return None, str(error) or type(error).__name__


def choose_tray(on_command, environ=os.environ):
    """The tray (see the module's docstring); logs the choice."""
    from .headless import HeadlessTray

    wanted = environ.get("DESKBREAK_TRAY", "").strip().lower()
    if wanted and wanted not in CHOICES:
        log.warning("DESKBREAK_TRAY=%s is not one of %s: choosing by itself", wanted, ", ".join(CHOICES))
        wanted = ""
    if wanted == "headless":
        log.info("DESKBREAK_TRAY=headless: no tray icon (prompts go to the terminal and the log)")
        return HeadlessTray()
    if not wanted and environ.get("PYSTRAY_BACKEND"):
        wanted = "pystray"
    if wanted in ("", "sni"):
        tray, why = sni_tray(on_command, environ)
        if tray is not None:
            log.info("tray: StatusNotifierItem %s (watcher %s)", tray.bus_name, tray.watcher)
            return tray
        if wanted == "sni":
            log.warning("DESKBREAK_TRAY=sni, but no StatusNotifierItem tray (%s): running headless", why)
            return HeadlessTray()
        log.debug("no StatusNotifierItem tray: %s", why)
    if not has_display(environ):
        log.info("no display: running headless (prompts go to the terminal and the log)")
        return HeadlessTray()
    try:
        from .icon import PystrayTray
    except ImportError:
        log.info("no tray backend available: running headless")
        return HeadlessTray()
    try:
        return PystrayTray(on_command)
    except Exception as error:  # pystray raises Xlib errors, GLib errors... at start-up
        log.warning("no tray icon (%s): running headless", error)
        return HeadlessTray()
