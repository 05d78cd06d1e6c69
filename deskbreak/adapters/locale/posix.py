"""Linux and the BSDs: the system's default language, for a session that sets no locale variable.

`localectl set-locale` writes /etc/locale.conf (systemd); Debian's installer writes
/etc/default/locale. Both are shell assignments such as `LANG=de_DE.UTF-8`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ...i18n import environment_languages

SYSTEM_FILES = (Path("/etc/locale.conf"), Path("/etc/default/locale"))


def assignments(text: str) -> dict[str, str]:
    """`NAME=value` lines of a shell file (quotes removed, comments skipped)."""
    found = {}
    for line in text.splitlines():
        name, equals, value = line.strip().partition("=")
        if equals and not name.startswith("#"):
            found[name.strip()] = value.strip().strip("\"'")
    return found


def user_languages(files: Sequence[Path] = SYSTEM_FILES) -> tuple[str, ...]:
    for file in files:
        try:
            text = file.read_text("utf-8", errors="replace")
        except OSError:
            continue
        found = environment_languages(assignments(text))
        if found:
            return found
    return ()
