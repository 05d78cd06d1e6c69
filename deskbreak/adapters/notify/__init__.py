"""Which notifier to use, decided once at start-up, and the fallback chain that keeps prompts flowing.

Order: freedesktop D-Bus (Linux/BSD with a session bus) -> plyer (if it has a route here) -> log.
`DESKBREAK_NOTIFIER=freedesktop|plyer|log` puts that one first (the log stays behind it).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from ...ports import ActionHandler, Notifier, NotifierError
from .chain import FallbackNotifier

log = logging.getLogger(__name__)

NAMES = ("freedesktop", "plyer", "log")
ENV_OVERRIDE = "DESKBREAK_NOTIFIER"


def _session_bus(environ: Mapping[str, str]) -> str | None:
    return environ.get("DBUS_SESSION_BUS_ADDRESS") or None


def choose_notifier(
    on_action: ActionHandler,
    app_icon: str | None = None,
    environ: Mapping[str, str] = os.environ,
    *,
    platform: str | None = None,
) -> FallbackNotifier:
    """Build the notifier chain for this machine, log the choice once, and return it."""
    from .freedesktop import FreedesktopNotifier
    from .portable import PlyerNotifier
    from .terminal import LogNotifier

    platform = platform or sys.platform
    bus = _session_bus(environ)
    unix_desktop = not platform.startswith(("win", "cygwin", "darwin"))

    def build(name: str) -> tuple[Notifier, str]:
        if name == "freedesktop":
            n = FreedesktopNotifier(on_action, app_icon, bus_address=bus)
            server = FreedesktopNotifier.probe(bus) if bus else None
            if server:
                try:
                    n.connect()
                except NotifierError as exc:
                    log.debug("freedesktop connect: %s", exc)
            return n, server or "no server answering yet"
        if name == "plyer":
            n = PlyerNotifier(app_icon, platform=platform, environ=None if environ is os.environ else environ)
            return n, PlyerNotifier.probe(platform) or "no route"
        return LogNotifier(), "stderr"

    override = environ.get(ENV_OVERRIDE, "").strip().lower()
    if override and override not in NAMES:
        log.warning(
            "%s=%r is not one of %s: choosing automatically", ENV_OVERRIDE, override, ", ".join(NAMES)
        )
        override = ""
    if override:
        names = [override] if override == "log" else [override, "log"]
        why = f"{ENV_OVERRIDE}={override}"
    else:
        names = []
        if unix_desktop and bus:
            # Kept even when no server answers yet (a login race): it is retried on every prompt.
            names.append("freedesktop")
        if PlyerNotifier.probe(platform):
            names.append("plyer")
        names.append("log")
        why = "automatic"

    built = [build(n) for n in names]
    chain = FallbackNotifier([n for n, _ in built])
    log.info("notifications (%s): %s", why, " -> ".join(f"{n.name} ({detail})" for n, detail in built))
    return chain
