"""One daemon per user, and a private directory for its socket.

`InstanceLock` holds `fcntl.flock` (Windows: `msvcrt.locking`) on `deskbreak.lock` with our pid
inside; the kernel drops the lock when the process dies, so a crashed daemon never blocks a
restart. `ensure_private_dir` creates the runtime directory 0700 and refuses one that is not ours
or is open to other users.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from ..control_client import ControlError
from ..i18n import _

LOCK_NAME = "deskbreak.lock"


class AlreadyRunning(Exception):
    """Said to the user at the terminal that tried to start a second daemon (in their language)."""

    def __init__(self, pid: int | None):
        super().__init__(
            _("deskbreak is already running (pid {pid})").format(pid=pid)
            if pid
            else _("deskbreak is already running (pid unknown)")
        )
        self.pid = pid


def ensure_private_dir(path: Path) -> None:
    """Create `path` 0700, or check that it is ours and closed to others; ControlError if not.

    The folder is opened without following a symbolic link and checked through that handle, so a
    link or a folder swapped in by someone else is refused, never used.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.mkdir(path, 0o700)
        created = True
    except FileExistsError:
        created = False
    except OSError as error:
        raise ControlError(
            _("cannot create {path}: {reason}").format(path=path, reason=error.strerror or error)
        ) from None
    if os.name != "posix":
        if not path.is_dir():
            raise ControlError(not_a_directory(path))
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        if error.errno == errno.ELOOP or os.path.islink(path):
            raise ControlError(
                _("{path} is a symbolic link: refusing to follow it; remove it").format(path=path)
            ) from None
        if error.errno == errno.ENOTDIR:
            raise ControlError(not_a_directory(path)) from None
        raise ControlError(
            _("cannot open {path}: {reason}").format(path=path, reason=error.strerror or error)
        ) from None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.getuid():
            raise ControlError(
                _("{path} belongs to uid {uid}, not to you: refusing to use it").format(
                    path=path, uid=info.st_uid
                )
            )
        if created:  # the umask may have left it narrower or (oddly) wider: exactly 0700
            os.fchmod(fd, 0o700)
            info = os.fstat(fd)
        if info.st_mode & 0o077:
            raise ControlError(
                # Translators: `chmod 700 {path}` is a command, typed as written.
                _("{path} is open to other users (mode {mode}): run `chmod 700 {path}` or remove it").format(
                    path=path, mode=f"{stat.S_IMODE(info.st_mode):03o}"
                )
            )
    finally:
        os.close(fd)


def not_a_directory(path: Path) -> str:
    return _("{path} is not a directory: cannot put the control socket there").format(path=path)


class InstanceLock:
    """One daemon per user: an exclusive lock on `dir/deskbreak.lock` holding our pid."""

    def __init__(self, directory: Path):
        self.path = directory / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        ensure_private_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            _lock(fd)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise AlreadyRunning(read_pid(self.path)) from None
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock; the file stays (unlinking it would race)
            self._fd = None


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def read_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None
