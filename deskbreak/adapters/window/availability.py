"""Can a Tk window open here, and if not, why (in words for the log and the notification)?

Tk draws through X11 only: on a Wayland session without Xwayland (DISPLAY unset) it cannot open at
all. The windows run in processes of their own; their exit codes say why they could not open.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping

from ...i18n import N_

EXIT_NO_TK, EXIT_NO_DISPLAY, EXIT_BAD_INPUT = 3, 4, 2


def has_tkinter() -> bool:
    return importlib.util.find_spec("tkinter") is not None


def unavailable_reason(
    environ: Mapping[str, str], tk_available: Callable[[], bool] = has_tkinter
) -> str | None:
    """None when a window may open; else why not (checked before starting the window's process).
    The reasons stay English where they are kept (the log, doctor's facts): marked for translation,
    they are translated where they are shown (a notice, doctor)."""
    if not tk_available():
        return N_("tkinter is missing (Debian/Ubuntu: apt install python3-tk)")
    if not environ.get("DISPLAY"):
        if environ.get("WAYLAND_DISPLAY"):
            return N_("this Wayland session has no Xwayland for Tk (DISPLAY is unset)")
        return N_("there is no display (DISPLAY is unset)")
    return None


def exit_reason(returncode: int | None) -> str | None:
    """Why a window process that ended with `returncode` never opened, or None (it ran, or still runs)."""
    if returncode == EXIT_NO_TK:
        return N_("tkinter is missing (Debian/Ubuntu: apt install python3-tk)")
    if returncode == EXIT_NO_DISPLAY:
        return N_("Tk could not open a window on this display")
    return None
