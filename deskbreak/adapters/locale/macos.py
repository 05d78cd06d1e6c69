"""macOS: the user's preferred languages (System Settings > General > Language & Region), as
`defaults read -g AppleLanguages` prints them: a property list array such as ("de-DE", "en-US")."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

COMMAND = ("defaults", "read", "-g", "AppleLanguages")


def _read(command: tuple[str, ...]) -> str:
    return subprocess.run(command, capture_output=True, text=True, timeout=5, check=True).stdout


def parse_apple_languages(text: str) -> tuple[str, ...]:
    """`(\\n    "de-DE",\\n    en\\n)` -> ("de-DE", "en"): quoted or bare items of the array."""
    inside = text.strip().removeprefix("(").removesuffix(")")
    items = (item.strip().strip('"') for item in inside.split(","))
    return tuple(item for item in items if re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*", item))


def user_languages(read: Callable[[tuple[str, ...]], str] = _read) -> tuple[str, ...]:
    try:
        return parse_apple_languages(read(COMMAND))
    except subprocess.SubprocessError as error:
        raise OSError(f"{' '.join(COMMAND)}: {error}") from error
