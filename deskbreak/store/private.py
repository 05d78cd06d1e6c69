"""Files only their owner can read: every file deskbreak writes is 0600 in a 0700 folder.

The history says when and how a person stretched, and the log says when they were at their desk:
another local user has no business reading either. Creating a file with the process umask gives
0644 / 0755, so each file is created with its mode, and one left by an older version is tightened
on start (only if it is ours: chmod on another user's file fails, and that is reported, not fixed).
"""

from __future__ import annotations

import logging
import os
import stat
from io import TextIOWrapper
from pathlib import Path

from ..i18n import _

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) 0700, or tighten it to 0700 if it exists; returns it.

    Raises OSError when it cannot be created or is not a folder. Existing parents are left alone:
    they are the user's (`~/.local/share`), not ours."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # another process made it between our look and our mkdir
            pass
        _tighten(folder, DIR_MODE)
    if not path.is_dir():
        # The message reaches the user inside a history or journal problem: it is translated.
        raise NotADirectoryError(_("{path} is not a folder").format(path=path))
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists as a 0600 regular file in a 0700 folder; its content is kept.

    Never follows a symlink at `path` (another user could plant one). Raises OSError."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(_("{path} is not a regular file").format(path=path))
        _tighten_fd(fd, path)
    finally:
        os.close(fd)
    return path


def tighten_file(path: Path) -> None:
    """Set an existing file to 0600 (a no-op when it is missing or already private)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        _tighten(Path(path), FILE_MODE)


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` as a 0600 file (a marker, a small state file). Raises OSError."""
    private_file(path)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def open_private_text(path: Path) -> TextIOWrapper:
    """Open `path` for writing text, creating it 0600 if new (an export deskbreak writes)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    return open(fd, "w", encoding="utf-8", newline="")


class PrivateRotatingFileHandler(logging.FileHandler):
    """A rotating log whose every file, the ones rollover creates included, is 0600 in 0700.

    Rotation is logging.handlers.RotatingFileHandler's (the file grows to `max_bytes`, then
    `log` -> `log.1` -> ... -> `log.<backup_count>`), written here because `logging.handlers`
    brings pickle, queue and the socket handlers into the daemon for good: about 0.3 MB idle."""

    def __init__(self, path: Path, max_bytes: int, backup_count: int) -> None:
        private_file(path)
        self.max_bytes, self.backup_count = max_bytes, backup_count
        super().__init__(path, encoding="utf-8")

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)
        _tighten_fd(fd, Path(self.baseFilename))
        return open(fd, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._roll_over()
            super().emit(record)
        except Exception:  # logging must never take the daemon down: report as logging does
            self.handleError(record)

    def _full(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0 or self.backup_count <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        size = self.stream.tell() + len(f"{self.format(record)}{self.terminator}".encode())
        return size >= self.max_bytes

    def _roll_over(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # FileHandler reopens it on the next emit
        base = self.baseFilename
        for n in range(self.backup_count - 1, 0, -1):
            if os.path.exists(f"{base}.{n}"):
                os.replace(f"{base}.{n}", f"{base}.{n + 1}")
        if os.path.exists(base):
            os.replace(base, f"{base}.1")
        self.stream = self._open()


def _tighten(path: Path, mode: int) -> None:
    try:
        current = stat.S_IMODE(os.lstat(path).st_mode)
        if current != mode:
            os.chmod(path, mode)
            log.info("%s was mode %o: now %o (private)", path, current, mode)
    except OSError as error:
        log.warning("cannot make %s private: %s", path, error.strerror or error)


def _tighten_fd(fd: int, path: Path) -> None:
    current = stat.S_IMODE(os.fstat(fd).st_mode)
    if current != FILE_MODE:
        try:
            os.fchmod(fd, FILE_MODE)
            log.info("%s was mode %o: now %o (private)", path, current, FILE_MODE)
        except OSError as error:
            log.warning("cannot make %s private: %s", path, error.strerror or error)
