"""The config file: read it (or the defaults), create it from the example, set one key atomically.

Opening it in an editor is `deskbreak.adapters.editor`. Nothing read from the config is ever executed.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from ..core import config as config_model
from ..core.config import Config
from ..core.config_checks import _MISSING, ConfigError, Problem

log = logging.getLogger(__name__)


def load(path: Path) -> Config:
    """Read and validate a config file; a missing or unreadable file is a ConfigError too."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(
            str(path), [Problem("file", _MISSING, "a config file (or none given, for defaults)")]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            str(path), [Problem("file", _MISSING, f"a readable UTF-8 file ({error})")]
        ) from None
    return config_model.loads(text, str(path), builtin_ids())


def builtin_ids() -> list[str]:
    """The built-in stretch ids, which `stretches.exclude` may name (with the config's own)."""
    from ..assets import load_builtin

    return [s.id for s in load_builtin()]


def load_config(path: Path, explicit: bool) -> Config:
    """The config at `path`, or the built-in defaults when no file is there and none was named."""
    if not explicit and not path.exists():
        return config_model.defaults()
    return load(path)


class EditError(ValueError):
    """A `config set` that cannot be done; `str()` is one line."""


def ensure_config(path: Path) -> bool:
    """Create the config from the shipped example when it is missing; True when it was created.

    New folders are private (0700) and the file is 0600: it is the user's own settings.
    """
    if path.exists():
        return False
    from ..assets import example_config_text

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(path, example_config_text(), mode=0o600)
    log.info("created %s from the example", path)
    return True


def write_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """Write `text` to a temp file beside `path`, then rename it over `path` (keeping its mode)."""
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o600
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- config set ---


def parse_value(text: str) -> Any:
    """`40` → 40, `true` → True, `["09:00-12:00"]` → a list; anything that is not TOML → the string."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(f"value = {text}\n")["value"]
    except ParseError:
        return text


def set_key(text: str, key: str, raw_value: str, path: str = "<config>") -> str:
    """The document `text` with `key` (dotted) set to `raw_value`, comments and layout kept.

    Raises EditError for a bad key, ConfigError (one line per problem) when the result is invalid.
    """
    import tomllib

    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        config_model.loads(text, path)  # raises the one-line "not valid TOML" ConfigError
    parts = [p.strip() for p in key.split(".")]
    if not all(parts):
        raise EditError(f"{key!r} is not a key path such as schedule.interval_minutes")
    try:
        doc = tomlkit.parse(text)
    except ParseError as error:  # pragma: no cover - tomllib accepted it
        raise EditError(f"{path}: {error}") from None
    table: Any = doc
    for depth, part in enumerate(parts[:-1]):
        if part not in table:
            table[part] = tomlkit.table()
        table = table[part]
        if not isinstance(table, dict):
            raise EditError(f"{'.'.join(parts[: depth + 1])} is not a table, so {key} cannot be set")
    table[parts[-1]] = parse_value(raw_value)
    result = tomlkit.dumps(doc)
    config_model.loads(result, path, builtin_ids())
    return result
