"""A pseudo-language for tests: every text that goes through deskbreak.i18n comes back in brackets,
so a text shown without them was never wrapped (it would stay English in every language)."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest

from deskbreak import i18n

OPEN, CLOSE = "⟦", "⟧"


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)


def translated(text: str) -> bool:
    """Whether `text` went through the pseudo-language (placeholders filled in after it did)."""
    return text.startswith(OPEN) and CLOSE in text


@pytest.fixture
def pseudo_language() -> Iterator[None]:
    """The process speaks the pseudo-language while the test runs; the language before, after it."""
    before = i18n._Chosen.translations
    i18n._Chosen.translations = PseudoTranslations()
    try:
        yield
    finally:
        i18n._Chosen.translations = before
