"""The config file: read it (or the defaults), create it from the example, set one key atomically.

Opening it in an editor is `deskbreak.adapters.editor`. Nothing read from the config is ever executed.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

from ..core import config as config_model
from ..core.config import Config
from ..core.config_checks import MAX_NESTING, MISSING, ConfigError, Problem, Raw, nesting_depth
from ..core.config_lines import key_lines, line_for
from ..core.config_schema import CONFIG_MAX_BYTES, ICS_MAX_BYTES
from ..core.config_text import BOM, nested_too_deep, nesting_expected, read_toml
from ..i18n import N_, _, ngettext

log = logging.getLogger(__name__)


class UnusableFile(OSError):
    """A path that is not a regular file, or one larger than its cap: `what` says what it is (both
    it and `expected` in the user's language: a config error shows them)."""

    def __init__(self, path: Path, what: str, limit: int):
        self.what = what
        self.expected = _("a regular file of at most {size}").format(size=_size(limit))
        # Translators: {path} is a file's path; {what} says what it is ("a directory").
        super().__init__(
            _("{path}: {what}, expected {expected}").format(path=path, what=what, expected=self.expected)
        )


def _size(count: int) -> str:
    """A cap: "1 MiB", "16 MiB", "1024 bytes"."""
    if count and count % (1 << 20) == 0:
        return _("{count} MiB").format(count=count >> 20)
    return ngettext("{count} byte", "{count} bytes", count).format(count=count)


def _file_type(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, N_("a directory")),
        (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
        (stat.S_ISCHR, N_("a character device")),
        (stat.S_ISBLK, N_("a block device")),
        (stat.S_ISSOCK, N_("a socket")),
    )
    return _(next((name for test, name in kinds if test(mode)), N_("not a regular file")))


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else raises UnusableFile
    (an OSError) without blocking: a FIFO is opened non-blocking and refused after fstat, and a
    device or a file still growing is never read past the cap."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnusableFile(path, _file_type(info.st_mode), limit)
        if info.st_size > limit:
            size = info.st_size
            raise UnusableFile(
                path,
                ngettext("a file of {count} byte", "a file of {count} bytes", size).format(count=size),
                limit,
            )
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise UnusableFile(path, _("more than {size}").format(size=_size(limit)), limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path) -> str:
    """The config file's text, or a one-line ConfigError: missing, not a regular file, too large,
    unreadable, or not UTF-8."""
    try:
        data = read_regular(path, CONFIG_MAX_BYTES)
    except FileNotFoundError:
        raise ConfigError(
            str(path), [Problem("file", MISSING, _("a config file (or none given, for defaults)"))]
        ) from None
    except UnusableFile as error:
        raise ConfigError(str(path), [Problem("file", Raw(error.what), error.expected)]) from None
    except OSError as error:
        # Translators: {reason} is the system's own message ("Permission denied").
        why = Raw(_("a path that cannot be read ({reason})").format(reason=error.strerror or error))
        raise ConfigError(str(path), [Problem("file", why, _("a readable UTF-8 file"))]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = f"0x{data[error.start]:02x}"
        why = Raw(_("byte {byte}, which is not UTF-8").format(byte=byte))
        raise ConfigError(str(path), [Problem("file", why, _("a UTF-8 text file"), line)]) from None


def load(path: Path) -> Config:
    """Read and validate a config file; a missing or unreadable file is a ConfigError too."""
    return config_model.loads(read_text(path), str(path), builtin_ids())


def check(path: Path) -> Config:
    """`load`, and also the files the config names (each .ics: there, a regular file, not too
    large), so `config check` reports what the daemon would only log."""
    text = read_text(path)
    config = config_model.loads(text, str(path), builtin_ids())
    lines = key_lines(text.removeprefix(BOM))
    problems = []
    for index, name in enumerate(config.calendar.ics):
        expected = ics_problem(Path(name).expanduser())
        if expected is not None:
            key = f"calendar.ics[{index}]"
            problems.append(Problem(key, name, expected, line_for(lines, key)))
    if problems:
        raise ConfigError(str(path), problems)
    return config


def ics_problem(path: Path) -> str | None:
    """What is wrong with an .ics path, as the end of "expected ...", or None when it is usable."""
    size = _size(ICS_MAX_BYTES)
    try:
        info = path.stat()
    except FileNotFoundError:
        return _("a regular .ics file of at most {size} (there is no such file)").format(size=size)
    except OSError as error:
        # Translators: {reason} is the system's own message ("Permission denied").
        return _("a regular .ics file of at most {size} ({reason})").format(
            size=size, reason=error.strerror or error
        )
    if not stat.S_ISREG(info.st_mode):
        # Translators: {what} says what the path is instead ("a directory").
        return _("a regular .ics file of at most {size} (this is {what})").format(
            size=size, what=_file_type(info.st_mode)
        )
    if info.st_size > ICS_MAX_BYTES:
        count = info.st_size
        return ngettext(
            "a regular .ics file of at most {size} (this is a file of {count} byte)",
            "a regular .ics file of at most {size} (this is a file of {count} bytes)",
            count,
        ).format(size=size, count=count)
    if not os.access(path, os.R_OK):
        return _("a regular .ics file of at most {size} that you may read").format(size=size)
    return None


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
    import tempfile  # for `config set` and the editor: the daemon, which only reads, never loads it

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


class NestedTooDeep(ValueError):
    """A `config set` value nesting lists or tables deeper than any setting does."""


def parse_value(text: str) -> Any:
    """`40` → 40, `true` → True, `["09:00-12:00"]` → a list; anything that is not TOML → the string."""
    import tomllib

    import tomlkit
    from tomlkit.exceptions import ParseError

    line = f"value = {text}\n"
    try:
        too_deep = nesting_depth(tomllib.loads(line)["value"]) > MAX_NESTING
    except tomllib.TOMLDecodeError:
        return text
    except RecursionError:
        too_deep = True
    if too_deep:
        raise NestedTooDeep(nested_too_deep())
    try:
        return tomlkit.parse(line)["value"]
    except (ParseError, RecursionError):
        return text


def set_key(text: str, key: str, raw_value: str, path: str = "<config>") -> str:
    """The document `text` with `key` (dotted) set to `raw_value`, comments and layout kept.

    Raises EditError for a bad key, ConfigError (one line per problem) when the result is invalid.
    """
    import tomlkit
    from tomlkit.exceptions import ParseError

    text = text.removeprefix(BOM)
    doc_check = read_toml(text, path)  # a one-line ConfigError when it is not TOML
    if nesting_depth(doc_check) > MAX_NESTING:
        config_model.parse(doc_check, path, text)  # names the key nested too deeply
    parts = [p.strip() for p in key.split(".")]
    if not all(parts) or len(parts) > MAX_NESTING:
        # Translators: {key} is what the user typed, quoted; schedule.interval_minutes is a config key: keep it.
        raise EditError(
            _("{path}: {key} is not a key path such as schedule.interval_minutes").format(
                path=path, key=repr(key[:60])
            )
        )
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
            table_key = ".".join(parts[: depth + 1])
            raise EditError(
                _("{path}: {table} is not a table, so {key} cannot be set").format(
                    path=path, table=table_key, key=key
                )
            )
    try:
        table[parts[-1]] = parse_value(raw_value)
    except NestedTooDeep as error:
        problem = Problem(key, Raw(str(error)), nesting_expected())
        raise EditError(problem.format(path)) from None
    result = tomlkit.dumps(doc)
    config_model.loads(result, path, builtin_ids())
    return result
