"""What to try, read from why each candidate backend actually failed (the choosers keep every
reason): a missing module asks for that module, a missing bus for the bus, a display that refused
for the display. Never a fix for a cause that was not seen (python-xlib when it is installed).

Each function takes a port's facts (daemon/facts.py: name, forced, failures) and the session's
environment (display, wayland_display, bus) and returns one line, "" when nothing actionable was seen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..i18n import N_, _

# An importable module -> what to install for it (translated when shown).
PACKAGES = {
    "Xlib": N_("python-xlib (pip install python-xlib)"),
    "jeepney": N_("jeepney (pip install jeepney)"),
    "gi": N_("PyGObject (your distribution's python3-gi)"),
    "pystray": N_("pystray (pip install pystray)"),
    "plyer": N_("plyer (pip install plyer)"),
    "tkinter": N_("python3-tk (Debian/Ubuntu) or a Python build with Tk"),
}
_MISSING_MODULE = re.compile(r"No module named '([\w.]+)'")
BUS_FIX = N_(
    "make the session D-Bus reachable where deskbreak runs (DBUS_SESSION_BUS_ADDRESS, or a bus at "
    "$XDG_RUNTIME_DIR/bus)"
)
SESSION_FIX = N_("run deskbreak inside your desktop session ($DISPLAY and $WAYLAND_DISPLAY are unset there)")
# The guided window draws through X11 only: there, a missing $WAYLAND_DISPLAY does not matter.
WINDOW_SESSION_FIX = N_("run deskbreak inside your desktop session ($DISPLAY is unset there)")

Failure = Mapping[str, str]  # {"name": candidate, "why": one line}
Rule = Callable[[Failure, Mapping[str, str]], str]


def missing_module(failure: Failure, session: Mapping[str, str]) -> str:
    found = _MISSING_MODULE.search(failure["why"])
    if found is None:
        return ""
    module = found.group(1).split(".")[0]
    return install_fix(module)


def install_fix(module: str) -> str:
    """What to install for an importable module: its package when known, else the module's name."""
    package = _(PACKAGES[module]) if module in PACKAGES else module
    return _("install {package}").format(package=package)


def no_bus(failure: Failure, session: Mapping[str, str]) -> str:
    why = failure["why"]
    return _(BUS_FIX) if "no session bus" in why or "no D-Bus session bus" in why else ""


def x_display_refused(failure: Failure, session: Mapping[str, str]) -> str:
    if failure["name"] != "x11" or _MISSING_MODULE.search(failure["why"]):
        return ""
    if "MIT-SCREEN-SAVER" in failure["why"]:
        return _("use an X server with the MIT-SCREEN-SAVER extension (every desktop X server has it)")
    # Translators: stands for the value of DISPLAY when the variable is not set.
    display = session.get("display") or _("(unset)")
    return _("check that DISPLAY={display} is your desktop's X display and yours to use (XAUTHORITY)").format(
        display=display
    )


def wayland_protocol(failure: Failure, session: Mapping[str, str]) -> str:
    if failure["name"] == "wayland" and "offers neither" in failure["why"]:
        return _("this compositor offers no idle protocol: it needs ext-idle-notify-v1 or org_kde_kwin_idle")
    return ""


def no_notify_route(failure: Failure, session: Mapping[str, str]) -> str:
    if failure["name"] == "plyer" and "no route" in failure["why"]:
        return _("install notify-send (Debian/Ubuntu: libnotify-bin)")
    return ""


def no_tray_host(failure: Failure, session: Mapping[str, str]) -> str:
    if failure["name"] == "sni" and "StatusNotifierWatcher" in failure["why"]:
        return _("use a panel with a system tray (on GNOME: the AppIndicator extension)")
    return ""


RULES: Sequence[Rule] = (
    missing_module,
    no_bus,
    x_display_refused,
    wayland_protocol,
    no_notify_route,
    no_tray_host,
)


def _unique(lines: Iterable[str]) -> str:
    return "; ".join(dict.fromkeys(line for line in lines if line))


def failure_fixes(port: Mapping[str, Any], session: Mapping[str, str]) -> str:
    """The fixes for each failure of `port` that has a known cause, in the order they were tried."""
    return _unique(rule(failure, session) for failure in port.get("failures", ()) for rule in RULES)


def no_display(session: Mapping[str, str]) -> bool:
    return not (session.get("display") or session.get("wayland_display"))


def forced_fix(port: Mapping[str, Any]) -> str:
    forced = str(port.get("forced") or "")
    if not forced:
        return ""
    return _("unset {variable} (it forces {backend})").format(
        variable=forced.split("=")[0], backend=forced.split("=")[-1]
    )


def idle_probe_fix(probe: Mapping[str, Any], session: Mapping[str, str]) -> str:
    fixes = [forced_fix(probe), _(SESSION_FIX) if no_display(session) else "", failure_fixes(probe, session)]
    return _unique(fixes) or _(
        "on GNOME or KDE the session D-Bus must be reachable; on Wayland the compositor needs "
        "ext-idle-notify-v1 or org_kde_kwin_idle"
    )


def tray_fix(tray: Mapping[str, Any], session: Mapping[str, str]) -> str:
    fixes = [forced_fix(tray), _(SESSION_FIX) if no_display(session) else "", failure_fixes(tray, session)]
    return _unique(fixes) or _(
        "install PyGObject (python3-gi) for the appindicator or gtk backend; on GNOME enable the "
        "AppIndicator extension"
    )


def notifications_fix(notifications: Mapping[str, Any], session: Mapping[str, str]) -> str:
    return _unique([forced_fix(notifications), failure_fixes(notifications, session)]) or _(
        "start a notification server (your desktop's, or dunst), or install notify-send"
    )


def window_fix(why_not: str) -> str:
    if "tkinter" in why_not:
        return install_fix("tkinter")
    if "Wayland" in why_not:
        return _("enable Xwayland in your compositor (Tk draws through X11 only)")
    return _(WINDOW_SESSION_FIX)
