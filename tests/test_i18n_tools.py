"""The translators' tooling: the committed template holds every text the sources show, the stretch
catalog's texts (mirrored steps included) and argparse's; a new language's file has its headers."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from deskbreak import i18n_tools
from deskbreak.core.guide import mirror_steps

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "regenerate it: python -m deskbreak.i18n_tools extract && python -m deskbreak.i18n_tools update"
ARGPARSE_MARK = "argparse (Python"


def ours(catalog) -> set:
    """The msgids of deskbreak's own texts (argparse's depend on the Python that extracted them)."""
    return {m.id for m in catalog if m.id and not any(ARGPARSE_MARK in c for c in m.auto_comments)}


@pytest.fixture(scope="module")
def extracted():
    return i18n_tools.extracted_catalog()


@pytest.fixture(scope="module")
def committed():
    return i18n_tools.read_catalog(i18n_tools.TEMPLATE)


def test_the_committed_template_is_up_to_date_with_the_sources(extracted, committed):
    assert sorted(map(str, ours(extracted) - ours(committed))) == [], REGENERATE
    assert sorted(map(str, ours(committed) - ours(extracted))) == [], REGENERATE


def test_the_template_holds_argparses_texts(extracted, committed):
    argparse_ids = {m for m, _ in i18n_tools.argparse_messages()}
    assert {"usage: ", "show this help message and exit"} <= argparse_ids
    assert argparse_ids <= i18n_tools.msgids(extracted)
    python = f"{ARGPARSE_MARK} {sys.version_info.major}.{sys.version_info.minor})"
    if any(python in c for m in committed for c in m.auto_comments):  # extracted with this Python
        assert argparse_ids <= i18n_tools.msgids(committed), REGENERATE


def test_every_stretch_text_and_each_mirrored_step_is_extracted(extracted):
    ids = i18n_tools.msgids(extracted)
    stretches = tomllib.loads((ROOT / "deskbreak/data/stretches.toml").read_text("utf-8"))["stretch"]
    mirrored_somewhere = False
    for stretch in stretches:
        wanted = {stretch["name"], stretch["caution"], *stretch["steps"], *stretch.get("positions", ())}
        wanted |= {stretch["caution_short"]} if stretch.get("caution_short") else set()
        if stretch.get("per_side"):
            mirrored = set(mirror_steps(tuple(stretch["steps"])))
            mirrored_somewhere |= bool(mirrored - set(stretch["steps"]))
            wanted |= mirrored
        assert wanted <= ids, stretch["id"]
    assert mirrored_somewhere


def test_stretch_texts_carry_a_note_for_translators(extracted):
    name = next(m for m in extracted if m.id == "Seated spinal twist")
    assert any("name" in comment for comment in name.auto_comments)


def test_babel_cfg_names_our_keywords_and_the_stretch_extractor():
    method_map, options = i18n_tools._method_map()
    assert method_map == [
        ("deskbreak/**.py", "python"),
        ("deskbreak/data/stretches.toml", "deskbreak.i18n_tools.extract_stretches"),
    ]
    python = options["deskbreak/**.py"]
    assert set(python["keywords"]) == {"_", "ngettext", "pgettext", "N_"}


@pytest.mark.parametrize(("language", "nplurals"), [("de", 2), ("fr", 2), ("pl", 3), ("ja", 1), ("pt_BR", 2)])
def test_a_new_language_gets_its_headers(tmp_path, monkeypatch, language, nplurals):
    monkeypatch.setattr(i18n_tools, "SHIPPED_LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n_tools, "po_path", lambda lang, locale_dir=tmp_path: tmp_path / f"{lang}.po")
    path = i18n_tools.init(language)
    catalog = i18n_tools.read_catalog(path)
    assert str(catalog.locale) == language
    assert catalog.num_plurals == nplurals
    assert "open for review" in catalog.language_team
    assert ours(catalog) == ours(i18n_tools.read_catalog(i18n_tools.TEMPLATE))
    with pytest.raises(SystemExit):
        i18n_tools.init(language)


def test_compile_writes_a_catalog_gettext_reads(tmp_path):
    import gettext

    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="de", fuzzy=False)
    catalog.add("Stretch now", "Jetzt dehnen")
    catalog.add(("{count} stretch", "{count} stretches"), ("{count} Dehnung", "{count} Dehnungen"))
    po = tmp_path / "de.po"
    i18n_tools.write_catalog(catalog, po)
    mo = i18n_tools.compile_catalog(po, tmp_path / "de.mo")
    with mo.open("rb") as file:
        translations = gettext.GNUTranslations(file)
    assert translations.gettext("Stretch now") == "Jetzt dehnen"
    assert translations.ngettext("{count} stretch", "{count} stretches", 3) == "{count} Dehnungen"
