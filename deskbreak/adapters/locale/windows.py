"""Windows: the user's display language, else the user's locale (Settings > Time & language).

`GetUserDefaultUILanguage` gives the display language as a LANGID, which `locale.windows_locale`
names (`0x0407` -> `de_DE`); `GetUserDefaultLocaleName` gives the regional format's name (`de-DE`).
"""

from __future__ import annotations

import ctypes
import locale
from typing import Any

LOCALE_NAME_MAX_LENGTH = 85


def _kernel32() -> Any:
    return ctypes.windll.kernel32  # type: ignore[attr-defined]  # Windows only: this module is chosen there


def user_languages(kernel32: Any = None) -> tuple[str, ...]:
    kernel32 = kernel32 if kernel32 is not None else _kernel32()
    found = []
    ui_language = locale.windows_locale.get(int(kernel32.GetUserDefaultUILanguage()))
    if ui_language:
        found.append(ui_language)
    buffer = ctypes.create_unicode_buffer(LOCALE_NAME_MAX_LENGTH)
    if kernel32.GetUserDefaultLocaleName(buffer, LOCALE_NAME_MAX_LENGTH) and buffer.value:
        found.append(buffer.value)
    return tuple(dict.fromkeys(found))
