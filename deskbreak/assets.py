"""Finding shipped assets: inside the wheel (`deskbreak/assets`) or in a source checkout (`assets/`)."""

from __future__ import annotations

from pathlib import Path

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


def example_config_text() -> str:
    for candidate in (_PACKAGE / "data" / "config.example.toml", _PACKAGE.parent / "config.example.toml"):
        if candidate.exists():
            return candidate.read_text("utf-8")
    raise FileNotFoundError("config.example.toml is not shipped with this installation")
