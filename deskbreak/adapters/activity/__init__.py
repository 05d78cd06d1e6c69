"""The activity port: how long the user has been idle, and whether now is a bad moment to interrupt.

One module per platform implements `ActivityProbe` (`x11`, `dbus`, `wayland`, `logind`,
`windows`, `macos`, `fake` in this folder; the port itself is in `base`); `choose_activity_probe` picks one at start-up,
importing only the backends it tries. `DESKBREAK_IDLE_PROBE` overrides the choice, like pystray's
`PYSTRAY_BACKEND`. Where nothing works the daemon gets a `NullProbe` and times by the clock alone.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping

from .base import UNKNOWN, ActivityProbe, ActivitySample, LogOnce, NullProbe  # noqa: F401 (the port)

log = logging.getLogger(__name__)

ENV_OVERRIDE = "DESKBREAK_IDLE_PROBE"


# name -> "module:class"; each class is built as cls(environ) and raises when it cannot work here.
BACKENDS: Mapping[str, str] = {
    "x11": "x11:XorgIdleProbe",
    "gnome": "dbus:GnomeIdleProbe",
    "freedesktop": "dbus:FreedesktopIdleProbe",
    "wayland": "wayland:WaylandIdleProbe",
    "logind": "logind:LogindIdleProbe",
    "windows": "windows:WindowsIdleProbe",
    "macos": "macos:MacIdleProbe",
    "fake": "fake:FakeActivityProbe",
}
NAMES = (*BACKENDS, "none")

Factory = Callable[[Mapping[str, str]], ActivityProbe]


def _load(name: str) -> ActivityProbe | Factory:
    module, cls = BACKENDS[name].split(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), cls)


def candidates(environ: Mapping[str, str], platform: str) -> tuple[str, ...]:
    """The backends worth trying here, best first."""
    if platform == "win32":
        return ("windows",)
    if platform == "darwin":
        return ("macos",)
    wayland = environ.get("XDG_SESSION_TYPE") == "wayland" or (
        not environ.get("XDG_SESSION_TYPE") and bool(environ.get("WAYLAND_DISPLAY"))
    )
    # Under Wayland, XScreenSaver through XWayland only sees input to X clients: ask the compositor
    # (Mutter over D-Bus, else the wlroots/KWin idle protocols). logind's hint is the last resort.
    if wayland:
        return ("gnome", "wayland", "freedesktop", "logind")
    if not environ.get("DISPLAY"):
        return ("gnome", "freedesktop", "logind")
    return ("x11", "gnome", "freedesktop", "logind")


def choose_activity_probe(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    factories: Mapping[str, Factory] | None = None,
) -> ActivityProbe:
    """Build the first probe that works here (or the one `DESKBREAK_IDLE_PROBE` names); log it once.

    `factories` replaces the lazy imports (tests); each factory raises when its backend cannot work.
    """
    override = environ.get(ENV_OVERRIDE, "").strip().lower()
    if override and override not in NAMES:
        log.warning(
            "%s=%s is not one of %s; choosing automatically", ENV_OVERRIDE, override, ", ".join(NAMES)
        )
        override = ""
    if override == "none":
        log.info("idle probe: none (%s); timing by the clock", ENV_OVERRIDE)
        return NullProbe(f"{ENV_OVERRIDE}=none")
    names = (override,) if override else candidates(environ, platform)
    failures = []
    for name in names:
        try:
            factory = factories[name] if factories is not None else _load(name)
            probe = factory(environ)
        except Exception as exc:  # ImportError, no display, no D-Bus service, missing library
            log.debug("idle probe %s unavailable", name, exc_info=True)
            failures.append(f"{name}: {type(exc).__name__}: {exc}".splitlines()[0])
            continue
        protocol = getattr(probe, "protocol", "")
        log.info(
            "idle probe: %s%s%s",
            probe.name,
            f" ({protocol})" if protocol else "",
            f" ({ENV_OVERRIDE})" if override else "",
        )
        return probe
    reason = "; ".join(failures) or "no backend for this platform"
    log.warning("no idle probe works here (%s); timing by the clock", reason)
    return NullProbe(reason)
