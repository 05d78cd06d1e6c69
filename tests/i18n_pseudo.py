"""A pseudo-locale: every extracted text visibly transformed, compiled as language `xx`.

Run a command with `pseudo_env(...)` and any English left in its output is a text that extraction
missed (not wrapped in `_`, or built from pieces). Placeholders (`{name}`, `%(name)s`, `%s`) are kept
as written, so the program formats the texts as it does in English.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from deskbreak.i18n import DOMAIN, LOCALE_DIR_VARIABLE
from deskbreak.i18n_tools import extracted_catalog

PSEUDO_LANGUAGE = "xx"
OPEN, CLOSE = "⟦", "⟧"
PLACEHOLDER = re.compile(
    r"\{[A-Za-z_][A-Za-z0-9_.\[\]]*(?:![rsa])?(?::[^{}]*)?\}|%\([A-Za-z_]+\)[sdr]|%[sdr%]"
)
ACCENTED = str.maketrans(
    "AaCcDdEeGgIiLlNnOoRrSsUuYyZz",
    "ÅåÇçĐđÉéĜĝÎîĿŀÑñÖöŘřŠšÛûÝýŽž",
)


def pseudo(text: str) -> str:
    """`Hold {seconds} s` -> `⟦Ĥöŀđ {seconds} š⟧`: letters accented, placeholders kept."""
    pieces, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        pieces += [text[last : match.start()].translate(ACCENTED), match.group()]
        last = match.end()
    pieces.append(text[last:].translate(ACCENTED))
    # Leading/trailing spaces and newlines stay outside: "usage: " is followed by the program's name.
    body = "".join(pieces)
    stripped = body.strip()
    if not stripped:
        return body
    start = body.index(stripped[0])
    return f"{body[:start]}{OPEN}{stripped}{CLOSE}{body[start + len(stripped) :]}"


def compile_pseudo_locale(folder: Path) -> Path:
    """Compiles the pseudo-locale into `folder` (`xx/LC_MESSAGES/deskbreak.mo`); returns `folder`."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    template = extracted_catalog()
    catalog = Catalog(locale="en", domain=DOMAIN, fuzzy=False)  # English's plural rule: 2 forms
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            string: str | tuple[str, ...] = (pseudo(message.id[0]), pseudo(message.id[1]))
        else:
            string = pseudo(message.id)
        catalog.add(message.id, string, context=message.context)
    mo = folder / PSEUDO_LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.mo"
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as file:
        write_mo(file, catalog)
    return folder


def pseudo_env(folder: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a subprocess that speaks the pseudo-locale compiled in `folder`."""
    env = dict(os.environ if base is None else base)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    env.update({"LANGUAGE": PSEUDO_LANGUAGE, LOCALE_DIR_VARIABLE: str(folder), "PYTHONIOENCODING": "utf-8"})
    return env


def set_aside_marks(text: str) -> str:
    """`text` with every marked (translated) text replaced by a space: innermost marks first, until
    none is left, since a translated text may hold another (a placeholder's); a mark may span lines
    (argparse wraps a long help text)."""
    outside, previous = text, None
    while outside != previous:
        previous, outside = outside, re.sub(rf"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", outside)
    return outside


def english_left(line: str, allowed: re.Pattern[str] | None = None) -> str:
    """What in `line` is outside the pseudo marks and not `allowed` (ids, keys, commands...): the
    English a user would still read, with words only (punctuation and numbers are not English)."""
    outside = set_aside_marks(line)
    if allowed is not None:
        outside = allowed.sub(" ", outside)
    words = re.findall(r"[A-Za-z]{2,}", outside)
    return " ".join(words)
