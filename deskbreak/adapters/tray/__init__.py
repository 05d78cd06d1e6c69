"""The tray port's backends, one chosen at start-up with the ports' one chooser (adapters/choose.py).

On Linux and the BSDs a StatusNotifierItem (sni.py) whenever a org.kde.StatusNotifierWatcher owns
its name on the session bus (KDE, GNOME with the AppIndicator extension, waybar, xfce4-panel,
Cinnamon, Budgie): a full menu, no GTK, no display needed. Else a pystray icon when there is a
display (pystray picks appindicator, gtk or xorg), else none (headless).
`DESKBREAK_TRAY=sni|pystray|headless` forces one, as PYSTRAY_BACKEND does for pystray (which, set
alone, means pystray); a forced tray that cannot start runs headless. A tray that fails to start is
logged, never fatal.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import Any

from ...i18n import N_
from ...ports import CommandHandler, Tray
from ..choose import Choice, Unavailable, first_that_works, load, override
from ..dbus import session_bus_address

log = logging.getLogger("deskbreak")

ENV_OVERRIDE = "DESKBREAK_TRAY"
# name -> "module:class" in this package; each is built as cls(on_command, ...) and raises when it
# cannot work here.
BACKENDS: Mapping[str, str] = {
    "sni": "sni:SniTray",
    "pystray": "icon:PystrayTray",
    "headless": "headless:HeadlessTray",
}
CHOICES = tuple(BACKENDS)
LABELS = {"sni": "StatusNotifierItem tray", "pystray": "pystray icon", "headless": "tray"}


def has_display(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    if platform in ("win32", "darwin"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def candidates(environ: Mapping[str, str], platform: str) -> tuple[str, ...]:
    """The trays worth trying here, best first (headless is what remains when none works)."""
    if platform in ("win32", "darwin"):
        return ("pystray",)  # no StatusNotifierItem hosts there
    if environ.get("PYSTRAY_BACKEND"):
        return ("pystray",)  # set alone, it asks for pystray
    return ("sni", "pystray")


def pick_tray(
    on_command: CommandHandler,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    factories: Mapping[str, Any] | None = None,
) -> Choice[Tray]:
    """The tray (see the module's docstring) and why not the others; logs the choice.
    `factories` replaces the lazy imports (tests)."""
    forced = override(environ, ENV_OVERRIDE, CHOICES, log)
    how = f"{ENV_OVERRIDE}={forced}" if forced else ""

    # Why a tray cannot work here stays English where it is kept (the log, and doctor's fixes match
    # it); it is marked for translation, and doctor translates it where it shows it.
    def build(name: str) -> Tray:
        if name == "sni":
            if platform in ("win32", "darwin"):
                raise Unavailable(N_("no StatusNotifierItem hosts on this platform"))
            address = session_bus_address(environ)
            if address is None:
                raise Unavailable(N_("no session bus"))
            arguments: tuple[Any, ...] = (on_command, address)
        elif name == "pystray":
            if not has_display(environ, platform):
                raise Unavailable(N_("no display ($DISPLAY and $WAYLAND_DISPLAY are unset)"))
            arguments = (on_command,)
        else:
            arguments = ()
        factory = factories[name] if factories is not None else load(__package__, BACKENDS[name])
        built: Tray = factory(*arguments)
        return built

    names = (forced,) if forced else candidates(environ, platform)
    name, tray, failures = first_that_works(names, build, log)
    if tray is None:
        headless = build("headless")
        if forced:
            why = "; ".join(f.why for f in failures)
            log.warning("%s, but no %s (%s): running headless", how, LABELS[forced], why)
        else:
            why = "; ".join(map(str, failures))
            log.info("no tray icon (%s): running headless (prompts go to the terminal and the log)", why)
        return Choice("tray", "headless", headless, how, failures)
    if name == "headless":
        log.info("%s: no tray icon (prompts go to the terminal and the log)", how)
    elif name == "sni":
        bus_name, watcher = getattr(tray, "bus_name", ""), getattr(tray, "watcher", "")
        log.info("tray: StatusNotifierItem %s (watcher %s)%s", bus_name, watcher, f" ({how})" * bool(how))
    else:
        log.info("tray: pystray %s%s", tray.name, f" ({how})" * bool(how))
    for failure in failures:
        log.debug("no %s: %s", LABELS[failure.name], failure.why)
    return Choice("tray", f"pystray {tray.name}" if name == "pystray" else name, tray, how, failures)


def choose_tray(on_command: CommandHandler, environ: Mapping[str, str] = os.environ) -> Tray:
    """The tray `pick_tray` chooses (see there)."""
    return pick_tray(on_command, environ).adapter
