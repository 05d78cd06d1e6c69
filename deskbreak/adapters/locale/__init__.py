"""The desktop's language: the locale variables first (gettext's order), then the user's language as
the operating system keeps it, one module per platform chosen once at start-up.

On Linux and the BSDs the session's variables are the desktop's language; a daemon started without
them (a bare service) falls back to the system's default (`/etc/locale.conf`, `/etc/default/locale`).
On Windows and macOS a desktop session often sets none of them, so the user's OS setting decides.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

from ...assets import use_desktop_locale_formats
from ...i18n import AUTO, ENGLISH, environment_languages, use_language

# platform (sys.platform's prefix) -> "module:function" in this package; imported only when used.
BACKENDS = {"win32": "windows:user_languages", "darwin": "macos:user_languages"}
FALLBACK_BACKEND = "posix:user_languages"


def system_languages(platform: str | None = None) -> Callable[[], tuple[str, ...]]:
    """The function that asks this platform for the user's languages, best first."""
    from ..choose import load

    target = BACKENDS.get(platform or sys.platform, FALLBACK_BACKEND)
    function: Callable[[], tuple[str, ...]] = load(__package__, target)
    return function


def desktop_languages(
    environ: Mapping[str, str] | None = None, ask_system: Callable[[], tuple[str, ...]] | None = None
) -> tuple[str, ...]:
    """The user's languages, best first: the environment's, else the system's; ("en",) if neither."""
    found = environment_languages(os.environ if environ is None else environ)
    if found:
        return found
    try:
        found = (ask_system or system_languages())()
    except (OSError, ValueError):  # an unreadable setting is no language, never a failed start
        found = ()
    return found or (ENGLISH,)


def choose_languages(
    setting: str,
    environ: Mapping[str, str] | None = None,
    ask_system: Callable[[], tuple[str, ...]] | None = None,
) -> tuple[str, ...]:
    """The languages for `[interface] language`: "auto" follows the desktop; a code overrides it."""
    return desktop_languages(environ, ask_system) if setting == AUTO else (setting,)


def adopt_language(setting: str) -> None:
    """Makes `setting`'s language the process's for every text shown from now on."""
    use_language(choose_languages(setting))
    # Times and dates follow the same choice: the override's own forms, else the desktop's locale.
    use_desktop_locale_formats(None if setting == AUTO else setting)
