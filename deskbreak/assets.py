"""Finding shipped assets: inside the wheel (`deskbreak/assets`) or in a source checkout (`assets/`);
reading the shipped data (`deskbreak/data`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import _

if TYPE_CHECKING:
    from .core.catalog import Catalog, Stretch
    from .core.locale_formats import LocaleFormats

_PACKAGE = Path(__file__).resolve().parent


def asset_dir() -> Path | None:
    for candidate in (_PACKAGE / "assets", _PACKAGE.parent / "assets"):
        if candidate.is_dir():
            return candidate
    return None


def asset_path(name: str) -> Path | None:
    base = asset_dir()
    path = base / name if base else None
    return path if path and path.exists() else None


def stretch_picture(stretch_id: str) -> Path | None:
    """The stretch's illustration for the guided window (assets/stretches/<id>.png), if shipped."""
    return asset_path(f"stretches/{stretch_id}.png")


def stretch_thumbnail(stretch_id: str) -> Path | None:
    """The stretch's picture for a notification, which servers show at about 48 px: the small, bold,
    cropped variant (assets/stretches/small/<id>.png), else the illustration, else None."""
    return asset_path(f"stretches/small/{stretch_id}.png") or stretch_picture(stretch_id)


def example_config_text() -> str:
    for candidate in (_PACKAGE / "data" / "config.example.toml", _PACKAGE.parent / "config.example.toml"):
        if candidate.exists():
            return candidate.read_text("utf-8")
    # Translators: config.example.toml is a file name, as written.
    raise FileNotFoundError(_("config.example.toml is not shipped with this installation"))


def load_builtin(path: Path | None = None) -> tuple[Stretch, ...]:
    """The stretches shipped in `deskbreak/data/stretches.toml` (or the file at `path`), validated."""
    from .core.catalog import parse_builtin

    return parse_builtin((path or _PACKAGE / "data" / "stretches.toml").read_text("utf-8"))


def builtin_catalog() -> Catalog:
    from .core.catalog import Catalog

    return Catalog(load_builtin())


# The locale-formats table (written from Babel by tools/locale_formats.py): one line per CLDR locale
# of the shipped languages. Only the user's locale's line is kept, so the daemon pays a few kilobytes
# for its times and dates instead of Babel's megabytes.
LOCALE_TABLE = _PACKAGE / "data" / "locale-formats.tsv"


def locale_formats(tag: str, table: Path = LOCALE_TABLE) -> LocaleFormats:
    """The most specific line for the POSIX locale `tag` (`de_AT`, then `de`); the C form when
    the table has none or cannot be read (times then read as they always did)."""
    from .core.locale_formats import POSIX_FORMATS, candidates, from_line

    wanted = candidates(tag)
    found: dict[str, str] = {}
    try:
        with table.open(encoding="utf-8") as lines:
            for line in lines:
                name = line.partition("\t")[0]
                if name in wanted:
                    found[name] = line
                    if name == wanted[0]:
                        break
    except OSError:
        return POSIX_FORMATS
    best = next((found[name] for name in wanted if name in found), None)
    return from_line(best) if best else POSIX_FORMATS


def desktop_locale_formats(
    environ: Mapping[str, str] | None = None, language: str | None = None, table: Path = LOCALE_TABLE
) -> LocaleFormats:
    """The forms of the desktop's locale (LC_ALL, LC_TIME, LANG), or of `language` (the config's
    override, else LANGUAGE) when that is another language."""
    from .core.locale_formats import POSIX_FORMATS, locale_tag

    tag = locale_tag(os.environ if environ is None else environ, language)
    return locale_formats(tag, table) if tag else POSIX_FORMATS


def use_desktop_locale_formats(language: str | None = None) -> LocaleFormats:
    """Chooses the process's forms for times and dates: once at start-up, and when the language changes."""
    from .core.locale_formats import use_locale_formats

    formats = desktop_locale_formats(language=language)
    use_locale_formats(formats)
    return formats
