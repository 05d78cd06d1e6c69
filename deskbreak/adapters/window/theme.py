"""Looks and placement of the guided window: light/dark palette, DPI scale, the pointer's monitor.

Reading the desktop is cheap and bounded: one `gsettings` call with a 1 s timeout, environment
variables, one RandR query. Everything that decides is pure and tested without a display.
`DESKBREAK_THEME=dark|light` overrides the desktop's preference.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

BASE_DPI = 96.0


@dataclass(frozen=True)
class Palette:
    name: str
    bg: str
    fg: str
    muted: str  # secondary text (steps' numbers, footer)
    accent: str  # the countdown
    caution: str
    button_bg: str
    button_fg: str
    primary_bg: str  # the Done button
    primary_fg: str
    flash: str  # the background of a cue's flash


LIGHT = Palette(
    "light",
    bg="#fbfbf8",
    fg="#111418",
    muted="#3c4650",
    accent="#0b4f8a",
    caution="#8a3b00",
    button_bg="#e3e7ec",
    button_fg="#111418",
    primary_bg="#0b5cab",
    primary_fg="#ffffff",
    flash="#ffe8a3",
)
DARK = Palette(
    "dark",
    bg="#15181d",
    fg="#f3f4f6",
    muted="#b9c2cc",
    accent="#8cc8ff",
    caution="#ffc27a",
    button_bg="#2c333c",
    button_fg="#f3f4f6",
    primary_bg="#3d8fe0",
    primary_fg="#0b0e12",
    flash="#4a3d12",
)


def theme_from(color_scheme: str | None, gtk_theme: str | None, override: str | None = None) -> str:
    """ "dark" or "light" from what the desktop says (GNOME's color-scheme, GTK_THEME), else light."""
    if override in ("dark", "light"):
        return override
    if color_scheme and "prefer-dark" in color_scheme:
        return "dark"
    if color_scheme and "prefer-light" in color_scheme:
        return "light"
    if gtk_theme and (gtk_theme.endswith(":dark") or gtk_theme.lower().endswith("-dark")):
        return "dark"
    return "light"


def read_color_scheme(timeout: float = 1.0) -> str | None:
    """GNOME's `org.gnome.desktop.interface color-scheme` ('prefer-dark', ...), or None."""
    if not sys.platform.startswith("linux") or shutil.which("gsettings") is None:
        return None
    try:
        done = subprocess.run(
            ["gsettings", "get", "org.gnome.desktop.interface", "color-scheme"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip().strip("'") if done.returncode == 0 else None


def desktop_palette(environ: Mapping[str, str] = os.environ) -> Palette:
    override = environ.get("DESKBREAK_THEME")
    scheme = None if override in ("dark", "light") else read_color_scheme()
    return DARK if theme_from(scheme, environ.get("GTK_THEME"), override) == "dark" else LIGHT


def scale_for(pixels_per_inch: float) -> float:
    """How much larger than at 96 dpi everything is drawn (1.0 at 96 dpi, 2.0 at 192), 1 to 3."""
    return min(3.0, max(1.0, pixels_per_inch / BASE_DPI))


Rect = tuple[int, int, int, int]  # x, y, width, height


def monitor_at(x: int, y: int, monitors: Sequence[Rect], screen: Rect) -> Rect:
    """The monitor holding the point (the pointer), else the first one, else the whole screen."""
    for mx, my, mw, mh in monitors:
        if mx <= x < mx + mw and my <= y < my + mh:
            return (mx, my, mw, mh)
    return monitors[0] if monitors else screen


SCREEN_MARGIN = 48  # kept free for panels when the window manager says nothing of its work area


def usable_area(monitor: Rect, workarea: Rect | None, margin: int = SCREEN_MARGIN) -> Rect:
    """Where the window may go on `monitor`: its overlap with the window manager's work area (the
    screen less the panels' struts, _NET_WORKAREA), else the monitor less `margin` all round."""
    mx, my, mw, mh = monitor
    if workarea is not None:
        wx, wy, ww, wh = workarea
        x0, y0 = max(mx, wx), max(my, wy)
        x1, y1 = min(mx + mw, wx + ww), min(my + mh, wy + wh)
        if x1 - x0 > 0 and y1 - y0 > 0:
            return (x0, y0, x1 - x0, y1 - y0)
    inset = min(margin, mw // 8, mh // 8)
    return (mx + inset, my + inset, mw - 2 * inset, mh - 2 * inset)


def workarea_of(values: Sequence[int], current_desktop: int | None) -> Rect | None:
    """The current desktop's rectangle from _NET_WORKAREA's values (x, y, w, h per desktop)."""
    index = current_desktop or 0
    if len(values) < 4 * (index + 1):
        index = 0
    if len(values) < 4:
        return None
    x, y, w, h = values[4 * index : 4 * index + 4]
    return (x, y, w, h) if w > 0 and h > 0 else None


def read_workarea(display_name: str | None = None) -> Rect | None:
    """The work area the window manager publishes on the root window (_NET_WORKAREA), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        from Xlib import X
        from Xlib import display as xdisplay

        d = xdisplay.Display(display_name)
    except Exception:  # no python-xlib, no X server
        return None
    try:
        root = d.screen().root
        area = root.get_full_property(d.intern_atom("_NET_WORKAREA"), X.AnyPropertyType)
        if area is None:
            return None
        desktop = root.get_full_property(d.intern_atom("_NET_CURRENT_DESKTOP"), X.AnyPropertyType)
        return workarea_of(list(area.value), int(desktop.value[0]) if desktop is not None else None)
    except Exception as error:
        log.debug("could not read _NET_WORKAREA: %s", error)
        return None
    finally:
        d.close()


def centred(size: tuple[int, int], area: Rect) -> tuple[int, int]:
    """The top-left corner that centres a window of `size` in `area` (kept inside it)."""
    width, height = size
    ax, ay, aw, ah = area
    return ax + max(0, (aw - width) // 2), ay + max(0, (ah - height) // 2)


def read_monitors(display_name: str | None = None) -> list[Rect]:
    """The monitors' rectangles from RandR (X11), or [] where they cannot be read."""
    if not sys.platform.startswith("linux"):
        return []
    try:
        from Xlib import display as xdisplay

        d = xdisplay.Display(display_name)
    except Exception:  # no python-xlib, no X server (Wayland without Xwayland)
        return []
    try:
        reply = d.xrandr_get_monitors(d.screen().root, is_active=True)
        return [(m.x, m.y, m.width_in_pixels, m.height_in_pixels) for m in reply.monitors]
    except Exception:  # no RandR 1.5
        return []
    finally:
        d.close()


def wrapper_id(inner_id: int, display_name: str | None = None) -> int:
    """The X id of Tk's top-level wrapper around `winfo_id()` (0 where it cannot be read)."""
    try:
        from Xlib import display as xdisplay

        d = xdisplay.Display(display_name)
    except Exception:
        return 0
    try:
        return int(d.create_resource_object("window", inner_id).query_tree().parent.id)
    except Exception:
        return 0
    finally:
        d.close()


def no_focus_on_map(inner_id: int, display_name: str | None = None) -> bool:
    """Ask an EWMH window manager not to give the window focus when it maps (_NET_WM_USER_TIME 0),
    so a window that opens on its own does not take the keys from what the user is typing in.
    `inner_id` is Tk's `winfo_id()`; the property goes on its parent, Tk's top-level wrapper (the
    window that carries WM_CLASS and the title; `wm frame` names it only once a manager reparents)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        from Xlib import Xatom
        from Xlib import display as xdisplay

        d = xdisplay.Display(display_name)
    except Exception:
        return False
    try:
        window = d.create_resource_object("window", inner_id).query_tree().parent
        window.change_property(d.intern_atom("_NET_WM_USER_TIME"), Xatom.CARDINAL, 32, [0])
        d.sync()
        return True
    except Exception as error:
        log.debug("could not set _NET_WM_USER_TIME: %s", error)
        return False
    finally:
        d.close()
