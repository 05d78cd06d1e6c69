"""The user's language: deskbreak's texts through gettext (the standard library).

Every text a user reads goes through `_` (or `ngettext` for a count); a text written at module level
is marked with `N_` so extraction finds it, and translated where it is shown. Ids, config keys, JSON
fields, event names and the log stay English, so scripts and bug reports read the same everywhere.

The process has one language, chosen once at start-up (`use_language`) from the config's override or
the desktop's; until then the first text translated picks the desktop's. Holding that one choice is
this module's whole job, as the C library holds the process's locale.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Sequence
from pathlib import Path

DOMAIN = "deskbreak"
# Translators (and tests) may point at a folder of their own compiled catalogs without reinstalling.
LOCALE_DIR_VARIABLE = "DESKBREAK_LOCALEDIR"
SHIPPED_LOCALE_DIR = Path(__file__).parent / "locale"


def locale_dir() -> Path:
    return Path(os.environ.get(LOCALE_DIR_VARIABLE) or SHIPPED_LOCALE_DIR)


class _Chosen:
    """The process's one translation; None until a text is first translated or a language is set."""

    translations: gettext.NullTranslations | None = None


def load_translations(languages: Sequence[str] | None) -> gettext.NullTranslations:
    """The catalogs for `languages` in order of preference (None: gettext reads LANGUAGE, LC_ALL,
    LC_MESSAGES and LANG); English, the texts as written, when none is installed."""
    return gettext.translation(
        DOMAIN, localedir=str(locale_dir()), languages=list(languages) if languages else None, fallback=True
    )


def use_language(languages: Sequence[str] | None) -> gettext.NullTranslations:
    """Sets the process's language for every later `_`: the codes in order, or None for the desktop's."""
    _Chosen.translations = load_translations(languages)
    return _Chosen.translations


def translations() -> gettext.NullTranslations:
    chosen = _Chosen.translations
    if chosen is None:
        chosen = use_language(None)
    return chosen


def _(message: str) -> str:
    return translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations().ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return translations().pgettext(context, message)


def N_(message: str) -> str:
    """Marks a text for extraction where it is written; `_` translates it where it is shown."""
    return message
