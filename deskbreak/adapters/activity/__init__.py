"""The activity port: how long the user has been idle, and whether now is a bad moment to interrupt.

One module per platform implements `ActivityProbe` (`x11`, `dbus`, `wayland`, `logind`,
`windows`, `macos`, `fake` in this folder; the port itself is in `base`); `pick_activity_probe`
picks one at start-up with the ports' one chooser (adapters/choose.py), importing only the backends
it tries, and says why the others failed. `DESKBREAK_IDLE_PROBE` overrides the choice, like
pystray's `PYSTRAY_BACKEND`. Where nothing works the daemon gets a `NullProbe` and times by the
clock alone.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

from ..choose import Choice, first_or_null, load
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


def candidates(environ: Mapping[str, str], platform: str) -> tuple[str, ...]:
    """The backends worth trying here, best first."""
    if platform == "win32":
        return ("windows",)
    if platform == "darwin":
        return ("macos",)
    # WAYLAND_DISPLAY, not XDG_SESSION_TYPE, says a compositor is ours: one started from a text
    # console (sway from a tty) keeps XDG_SESSION_TYPE=tty. Under Wayland, XScreenSaver through
    # XWayland only sees input to X clients: ask the compositor (Mutter over D-Bus, else the
    # wlroots/KWin idle protocols). logind's hint is the last resort.
    if environ.get("WAYLAND_DISPLAY"):
        return ("gnome", "wayland", "freedesktop", "logind")
    if not environ.get("DISPLAY"):
        return ("gnome", "freedesktop", "logind")
    return ("x11", "gnome", "freedesktop", "logind")


def pick_activity_probe(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    factories: Mapping[str, Factory] | None = None,
) -> Choice[ActivityProbe]:
    """The first probe that works here (or the one `DESKBREAK_IDLE_PROBE` names), and why not the
    others; logged once. Where none works, a NullProbe (the daemon times by the clock alone).

    `factories` replaces the lazy imports (tests); each factory raises when its backend cannot work.
    """

    def build(name: str) -> ActivityProbe:
        factory: Factory = factories[name] if factories is not None else load(__package__, BACKENDS[name])
        return factory(environ)

    choice = first_or_null(
        "idle probe",
        environ,
        ENV_OVERRIDE,
        NAMES,
        candidates(environ, platform),
        build,
        NullProbe,
        "timing by the clock",
        log,
    )
    if choice.name != "none":
        protocol = getattr(choice.adapter, "protocol", "")
        log.info(
            "idle probe: %s%s%s",
            choice.name,
            f" ({protocol})" if protocol else "",
            f" ({ENV_OVERRIDE})" if choice.forced else "",
        )
    return choice


def choose_activity_probe(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    factories: Mapping[str, Factory] | None = None,
) -> ActivityProbe:
    """The probe `pick_activity_probe` chooses (see there)."""
    return pick_activity_probe(environ, platform, factories).adapter
