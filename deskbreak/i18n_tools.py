"""Translators' tooling (needs Babel, which the `test` extra and the build have; the daemon never
imports this): extract the texts into deskbreak/locale/deskbreak.pot, create and update each
language's .po from it, and compile the .mo files gettext reads.

    python -m deskbreak.i18n_tools extract          # the .pot, from the sources (babel.cfg)
    python -m deskbreak.i18n_tools init LANG        # a new language's .po (LANG like pt_BR)
    python -m deskbreak.i18n_tools update           # every .po merged with the new .pot
    python -m deskbreak.i18n_tools compile          # every .po to its .mo (the wheel's build does it too)

Besides the Python sources, two kinds of text are extracted: the built-in stretch catalog (each
stretch's name, steps, the steps mirrored for the other side, caution, short caution and positions:
they are translated by their English text where they are shown), and argparse's own texts, which
the CLI routes through our catalog.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .core.guide import mirror_steps
from .i18n import DOMAIN, SHIPPED_LOCALE_DIR, TRANSLATED

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "babel.cfg"
TEMPLATE = SHIPPED_LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS: dict[str, Any] = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
COMMENT_TAGS = ("Translators:",)
ARGPARSE_COMMENT = "argparse (Python {version}): the command line's usage, help and errors"
# Each language's team line names it open for review until a native speaker has read it through.
LANGUAGE_NAMES = {
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt_BR": "Brazilian Portuguese",
    "pl": "Polish",
    "ja": "Japanese",
    "zh_CN": "Simplified Chinese",
}
# GNU gettext's plural rules (its manual's table), the forms translators of these languages expect;
# Babel's CLDR rules give French, Spanish, Italian and Portuguese a third form for millions.
PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ja": "nplurals=1; plural=0;",
    "zh_CN": "nplurals=1; plural=0;",
}
_STRETCH_FIELDS = {
    "name": "Translators: a stretch's name, the prompt's title (at most 40 characters).",
    "caution": "Translators: a stretch's safety caution; say exactly what the English says.",
    "caution_short": "Translators: a stretch's caution in a notification (at most 80 characters); say exactly what the English says.",
}


def python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def team_line(language: str) -> str:
    return f"{LANGUAGE_NAMES.get(language, language)} — open for review (no native reviewer yet)"


def _line_of(lines: list[str], text: str, start: int) -> int:
    """The first line number at or after `start` whose text holds `text` (tomllib keeps no lines)."""
    for number in range(start, len(lines)):
        if text in lines[number]:
            return number + 1
    return start + 1


def extract_stretches(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extractor interface for deskbreak/data/stretches.toml: one message per text shown."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    start = 0
    for stretch in tomllib.loads(text).get("stretch", []):
        start = _line_of(lines, f'"{stretch["id"]}"', start) - 1
        for field, comment in _STRETCH_FIELDS.items():
            if stretch.get(field):
                yield _line_of(lines, field, start), None, stretch[field], [comment]
        steps = tuple(stretch.get("steps", ()))
        for step in steps:
            yield _line_of(lines, "steps", start), None, step, ["Translators: a step of a stretch."]
        if stretch.get("per_side"):
            for step in mirror_steps(steps):
                if step not in steps:
                    note = "Translators: a step of a stretch, written for the other side (left and right swapped)."
                    yield _line_of(lines, "steps", start), None, step, [note]
        for position in stretch.get("positions", ()):
            note = (
                "Translators: a position of a flowing stretch, shown as its current step (one or two words)."
            )
            yield _line_of(lines, "positions", start), None, position, [note]


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]:
    from babel.messages.frontend import parse_mapping_cfg

    with CONFIG.open(encoding="utf-8") as file:
        return parse_mapping_cfg(file, filename=str(CONFIG))


def argparse_messages() -> Iterator[tuple[str | tuple[str, ...], int]]:
    """(msgid or (singular, plural), line) of every text argparse translates, from its source."""
    from babel.messages.extract import extract

    with open(argparse.__file__, "rb") as file:
        for lineno, message, _comments, _context in extract(
            "python", file, keywords={"_": None, "ngettext": (1, 2)}
        ):
            yield message, lineno


def extracted_catalog() -> Any:
    """The template catalog, extracted in-process from the sources, the stretches and argparse."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    from . import __version__

    catalog = Catalog(project="deskbreak", version=__version__, msgid_bugs_address="", fuzzy=False)
    method_map, options_map = _method_map()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    note = ARGPARSE_COMMENT.format(version=python_version())
    for message, lineno in argparse_messages():
        if message not in catalog:  # a text of ours that argparse also has keeps our comments
            catalog.add(message, None, [("argparse.py", lineno)], auto_comments=[note])
    return catalog


def msgids(catalog: Iterable[Any]) -> set[str | tuple[str, ...]]:
    return {message.id for message in catalog if message.id}


def write_catalog(catalog: Any, path: Path) -> None:
    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=100, sort_by_file=True)


def read_catalog(path: Path, locale: str | None = None) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        return read_po(file, locale=locale)


def po_path(language: str, locale_dir: Path = SHIPPED_LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(template: Path = TEMPLATE) -> Path:
    write_catalog(extracted_catalog(), template)
    return template


def init(language: str, template: Path = TEMPLATE) -> Path:
    """A new `.po` for `language` from the template: every text untranslated, the headers set
    (Language, the plural rule Babel knows for it, the team open for review)."""
    from babel.messages.catalog import Catalog

    path = po_path(language)
    if path.exists():
        raise SystemExit(f"{path} exists: run `update` to merge the new template into it")
    source = read_catalog(template)
    catalog = Catalog(
        locale=language,
        domain=DOMAIN,
        project="deskbreak",
        version=source.version,
        fuzzy=False,
        language_team=team_line(language),
        msgid_bugs_address="",
    )
    if language in PLURAL_FORMS:
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
    catalog.update(source)
    write_catalog(catalog, path)
    return path


def update(template: Path = TEMPLATE, languages: Iterable[str] = TRANSLATED) -> list[Path]:
    """Each `.po` merged with the template: new texts added, gone ones kept as obsolete (`#~`)."""
    source = read_catalog(template)
    done = []
    for language in languages:
        path = po_path(language)
        catalog = read_catalog(path, locale=language)
        catalog.update(source, no_fuzzy_matching=True)
        catalog.language_team = catalog.language_team or team_line(language)
        write_catalog(catalog, path)
        done.append(path)
    return done


def compile_catalog(po: Path, mo: Path) -> Path:
    from babel.messages.mofile import write_mo

    catalog = read_catalog(po)
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as file:
        write_mo(file, catalog)
    return mo


def compile_all(locale_dir: Path = SHIPPED_LOCALE_DIR) -> list[Path]:
    return [
        compile_catalog(po, po.with_suffix(".mo"))
        for po in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deskbreak.i18n_tools", description=__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("extract", help=f"write {TEMPLATE.relative_to(ROOT)} from the sources")
    init_parser = sub.add_parser("init", help="create a language's .po from the template")
    init_parser.add_argument("languages", nargs="+", metavar="LANG")
    sub.add_parser("update", help="merge the template into every shipped .po")
    sub.add_parser("compile", help="compile every .po to its .mo")
    args = parser.parse_args(argv)
    if args.action == "extract":
        written = [extract()]
    elif args.action == "init":
        written = [init(language) for language in args.languages]
    elif args.action == "update":
        written = update()
    else:
        written = compile_all()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
