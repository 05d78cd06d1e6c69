"""Finding shipped assets: inside the wheel (`deskbreak/assets`) or in a source checkout (`assets/`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import _

if TYPE_CHECKING:
    from .core.catalog import Catalog, Stretch

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


def load_builtin() -> tuple[Stretch, ...]:
    """The stretches shipped in `deskbreak/data/stretches.toml`, validated."""
    from .core.catalog import parse_builtin

    return parse_builtin(resources.files("deskbreak").joinpath("data/stretches.toml").read_text("utf-8"))


def builtin_catalog() -> Catalog:
    from .core.catalog import Catalog

    return Catalog(load_builtin())
