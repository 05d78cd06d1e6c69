"""The user's language: deskbreak's texts through gettext (the standard library).

Every text a user reads goes through `_` (or `ngettext` for a count); a text written at module level
is marked with `N_` so extraction finds it, and translated where it is shown. Ids, config keys, JSON
fields, event names and the log stay English, so scripts and bug reports read the same everywhere.

The process has one language, chosen once at start-up (`use_language`) from the config's override or
the desktop's (`deskbreak.adapters.locale.choose_languages`); until then the first text translated
picks the one the environment names. Holding that one choice is this module's whole job, as the C
library holds the process's locale.

How a desktop's language finds a catalog (`catalog_languages`): the codes are tried in the user's
order; `de_AT.UTF-8` finds `de` (gettext drops the region); `pt`, `pt_PT` find Brazilian Portuguese,
the one Portuguese we ship (closer to a Portuguese reader than English); `zh`, `zh_SG`, `zh_Hans`
find Simplified Chinese; Traditional Chinese (`zh_TW`, `zh_HK`, `zh_MO`, `zh_Hant`) is not offered
Simplified characters: the next language the user names, else English. `C`, `POSIX` and any `en`
mean English, the texts as written, and end the search (an English desktop never gets a later
fallback's language).
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

DOMAIN = "deskbreak"
# Translators (and tests) may point at a folder of their own compiled catalogs without reinstalling.
LOCALE_DIR_VARIABLE = "DESKBREAK_LOCALEDIR"
SHIPPED_LOCALE_DIR = Path(__file__).parent / "locale"
ENGLISH = "en"
AUTO = "auto"  # the config's "follow the desktop"
# The languages deskbreak ships complete: English as written, the others as compiled catalogs.
TRANSLATED = ("de", "fr", "es", "it", "pt_BR", "pl", "ja", "zh_CN")
SHIPPED = (ENGLISH, *TRANSLATED)
# gettext's order: the first of these that is set names the language (LANGUAGE may list several).
ENVIRONMENT_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_TRADITIONAL_CHINESE = {"TW", "HK", "MO", "HANT"}


def locale_dir() -> Path:
    return Path(os.environ.get(LOCALE_DIR_VARIABLE) or SHIPPED_LOCALE_DIR)


def environment_languages(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The languages the environment names, in gettext's order of variables; () when none does."""
    for name in ENVIRONMENT_VARIABLES:
        value = environ.get(name, "")
        if value:
            return tuple(code for code in value.split(":") if code)
    return ()


def _parts(code: str) -> list[str]:
    """`zh-Hant-TW`, `zh_TW.UTF-8@x` -> ["zh", "Hant", "TW"]: encoding and modifier dropped."""
    bare = re.split(r"[.@]", code.strip(), maxsplit=1)[0]
    return [part for part in re.split(r"[-_]", bare) if part]


def catalog_language(code: str) -> str | None:
    """The catalog name to ask gettext for `code` ("en" for English), or None when none fits."""
    parts = _parts(code)
    if not parts:
        return None
    language, rest = parts[0].lower(), {p.upper() for p in parts[1:]}
    if language in ("c", "posix", ENGLISH):
        return ENGLISH
    if language == "pt":
        return "pt_BR"
    if language == "zh":
        return None if rest & _TRADITIONAL_CHINESE else "zh_CN"
    # Other codes as written (region kept: gettext tries `de_AT`, then `de`), so a catalog a
    # translator adds under DESKBREAK_LOCALEDIR is found too.
    region = [p.upper() for p in parts[1:] if len(p) == 2]
    return f"{language}_{region[0]}" if region else language


def catalog_languages(preferences: Sequence[str]) -> tuple[str, ...]:
    """The catalogs to try for the user's `preferences`, in order, up to the first English one."""
    found: list[str] = []
    for code in preferences:
        language = catalog_language(code)
        if language == ENGLISH:
            break
        if language is not None and language not in found:
            found.append(language)
    return tuple(found)


class _Chosen:
    """The process's one translation; None until a text is first translated or a language is set."""

    translations: gettext.NullTranslations | None = None


def load_translations(languages: Sequence[str] | None) -> gettext.NullTranslations:
    """The catalogs for `languages` in order of preference (None: the ones LANGUAGE, LC_ALL,
    LC_MESSAGES or LANG name); English, the texts as written, when none is installed."""
    wanted = catalog_languages(environment_languages(os.environ) if languages is None else languages)
    if not wanted:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(locale_dir()), languages=list(wanted), fallback=True)


def use_language(languages: Sequence[str] | None) -> gettext.NullTranslations:
    """Sets the process's language for every later `_`: the codes in order, or None for the ones the
    environment names."""
    _Chosen.translations = load_translations(languages)
    return _Chosen.translations


def translations() -> gettext.NullTranslations:
    chosen = _Chosen.translations
    if chosen is None:
        chosen = use_language(None)
    return chosen


def current_language() -> str:
    """The language texts are shown in: a catalog's `Language`, or "en" for the texts as written."""
    info = translations().info()
    return info.get("language", "") or ENGLISH


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` for a process of ours started now (the guided window): it speaks this process's
    language even when the config, not the desktop, chose it."""
    return {**environ, "LANGUAGE": current_language()}


def _(message: str) -> str:
    return translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations().ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return translations().pgettext(context, message)


def N_(message: str) -> str:
    """Marks a text for extraction where it is written; `_` translates it where it is shown."""
    return message
