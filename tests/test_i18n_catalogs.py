"""Every shipped translation is complete and safe to format: no text untranslated or fuzzy, the
placeholders of the English in every translation, one form per plural of the language, the template's
every text present, and a team line naming who reviews it.

These fail until the translators have filled the .po files: they are the gate a language passes to
ship (run them after `python -m deskbreak.i18n_tools update`).
"""

from __future__ import annotations

import re

import pytest

from deskbreak import i18n, i18n_tools

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%\([A-Za-z_]+\)[sdr]|%[sdr]")
NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "").replace("{{", "").replace("}}", "")))


@pytest.fixture(scope="module")
def template():
    return i18n_tools.read_catalog(i18n_tools.TEMPLATE)


def catalog_of(language):
    path = i18n_tools.po_path(language)
    assert path.exists(), f"{path} is missing: python -m deskbreak.i18n_tools init {language}"
    return i18n_tools.read_catalog(path, locale=language)


def where(message) -> str:
    return f"{message.id!r} ({', '.join(f'{f}:{n}' for f, n in message.locations[:2])})"


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_the_headers_name_the_language_its_plural_rule_and_its_team(language):
    catalog = catalog_of(language)
    headers = dict(catalog.mime_headers)
    assert headers.get("Language") == language
    assert headers.get("Plural-Forms") == i18n_tools.PLURAL_FORMS[language]
    assert "open for review" in headers.get("Language-Team", ""), "the team line says who reviews it"


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_every_text_of_the_template_is_in_the_catalog(language, template):
    catalog = catalog_of(language)
    missing = sorted(str(m.id) for m in template if m.id and catalog.get(m.id, context=m.context) is None)
    assert missing == [], f"run python -m deskbreak.i18n_tools update, then translate {len(missing)} texts"


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_every_text_is_translated_and_none_is_fuzzy(language):
    catalog = catalog_of(language)
    untranslated = [
        where(m) for m in catalog if m.id and (not m.string or (m.pluralizable and not all(m.string)))
    ]
    fuzzy = [where(m) for m in catalog if m.id and m.fuzzy]
    assert (len(untranslated), untranslated[:5]) == (0, [])
    assert (len(fuzzy), fuzzy[:5]) == (0, [])


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_each_plural_has_the_languages_number_of_forms(language):
    catalog = catalog_of(language)
    nplurals = int(NPLURALS.search(i18n_tools.PLURAL_FORMS[language]).group(1))
    wrong = [where(m) for m in catalog if m.id and m.pluralizable and len(m.string) != nplurals]
    assert wrong == []


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_the_placeholders_of_the_english_are_in_every_translation(language):
    """`{name}`, `%(name)s`, `%s`: one missing, renamed or added breaks formatting at run time."""
    catalog = catalog_of(language)
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        if message.pluralizable:
            singular, plural = (placeholders(text) for text in message.id)
            for index, form in enumerate(message.string):
                # A language's first form may be the English singular's ("one stretch").
                if (
                    form
                    and placeholders(form) != plural
                    and not (index == 0 and placeholders(form) == singular)
                ):
                    wrong.append(f"{where(message)} form {index}: {form!r}")
        elif placeholders(message.string) != placeholders(message.id):
            wrong.append(f"{where(message)}: {message.string!r}")
    assert wrong == []


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_babels_own_checks_pass(language):
    """Babel's checkers: python-format (`%` placeholders) and plural form counts."""
    catalog = catalog_of(language)
    errors = [f"{where(m)}: {'; '.join(map(str, errs))}" for m, errs in catalog.check() if errs]
    assert errors == []
