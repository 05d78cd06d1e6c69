"""Which notifier to use, decided once at start-up (the ports' one chooser, adapters/choose.py), and
the fallback chain that keeps prompts flowing.

Order: freedesktop D-Bus (Linux/BSD with a session bus) -> plyer (if it has a route here) -> log.
`DESKBREAK_NOTIFIER=freedesktop|plyer|log` puts that one first (the log stays behind it) and builds
it even where its check fails.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import Any

from ...i18n import N_
from ...ports import ActionHandler, Notifier, NotifierError
from ..choose import Choice, Unavailable, all_that_work, load, override
from ..dbus import session_bus_address
from .chain import FallbackNotifier

log = logging.getLogger(__name__)

ENV_OVERRIDE = "DESKBREAK_NOTIFIER"
# name -> "module:class" in this package
BACKENDS: Mapping[str, str] = {
    "freedesktop": "freedesktop:FreedesktopNotifier",
    "plyer": "portable:PlyerNotifier",
    "log": "terminal:LogNotifier",
}
NAMES = tuple(BACKENDS)


def candidates(platform: str) -> tuple[str, ...]:
    """The notifiers worth trying here, best first; the log is always last."""
    if platform.startswith(("win", "cygwin", "darwin")):
        return ("plyer", "log")  # D-Bus notifications are for Linux/BSD desktops
    return ("freedesktop", "plyer", "log")


def pick_notifier(
    on_action: ActionHandler,
    app_icon: str | None = None,
    environ: Mapping[str, str] = os.environ,
    *,
    platform: str | None = None,
) -> Choice[FallbackNotifier]:
    """The notifier chain for this machine and why the left-out notifiers are out; logged once."""
    platform = platform or sys.platform
    bus = session_bus_address(environ)
    forced = override(environ, ENV_OVERRIDE, NAMES, log)
    how = f"{ENV_OVERRIDE}={forced}" if forced else ""

    def build(name: str) -> tuple[Notifier, str]:
        """The notifier and what it found ('dunst 1.9.0', 'notify-send'); Unavailable when automatic
        and it has no route here. Its reasons stay English where they are kept (the log, doctor's
        fixes match them); marked for translation, doctor translates them where it shows them."""
        cls: Any = load(__package__, BACKENDS[name])
        if name == "freedesktop":
            if bus is None and not forced:
                raise Unavailable(N_("no session bus"))
            notifier = cls(on_action, app_icon, bus_address=bus)
            # Kept even when no server answers yet (a login race): it is retried on every prompt.
            server = cls.probe(bus) if bus else None
            if server:
                try:
                    notifier.connect()
                except NotifierError as exc:
                    log.debug("freedesktop connect: %s", exc)
            return notifier, server or "no server answering yet"
        if name == "plyer":
            route = cls.probe(platform)
            if not route and not forced:
                raise Unavailable(N_("no route (no portal, dbus-python or notify-send)"))
            plyer_environ = None if environ is os.environ else environ
            return cls(app_icon, platform=platform, environ=plyer_environ), route or "no route"
        return cls(), "stderr"

    names = (forced, "log") if forced and forced != "log" else (forced,) if forced else candidates(platform)
    built, failures = all_that_work(names, build, log)
    chain = FallbackNotifier([notifier for _, (notifier, _detail) in built])
    line = " -> ".join(f"{notifier.name} ({detail})" for _, (notifier, detail) in built)
    log.info("notifications (%s): %s", how or "automatic", line)
    return Choice("notifications", " -> ".join(name for name, _ in built), chain, how, failures)


def choose_notifier(
    on_action: ActionHandler,
    app_icon: str | None = None,
    environ: Mapping[str, str] = os.environ,
    *,
    platform: str | None = None,
) -> FallbackNotifier:
    """The notifier chain `pick_notifier` builds (see there)."""
    return pick_notifier(on_action, app_icon, environ, platform=platform).adapter
