"""The synced folder: this machine appends its records to its own file there and reads the others'.

Each machine writes only `<machine-id>.jsonl` (0600), appending whole lines, so a sync engine never
sees two machines write one file. Reading copes with what sync engines do: a file replaced under us
(another inode, or shorter than what we read) is read again from the start; a last line still being
written is left for the next read; conflict copies (`*.sync-conflict-*`, "conflicted copy") are read
like any file; every record is kept once, by its id; a malformed line is skipped and counted; a
file larger than the cap is read from its newest `cap` bytes. A missing folder (an unmounted drive)
is a state, not an error: it is reported and read again when it comes back. Never raises past
`OSError` handling: the daemon's routine does not depend on the folder.

Threads: a `SharedFile` and a `FolderReader` each belong to one thread (the caller's).
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..core.sync import SharedRecord, parse_line, to_line
from .ids import new_id
from .private import FILE_MODE, write_private_text

log = logging.getLogger(__name__)

SUFFIX = ".jsonl"
FILE_CAP = 16 << 20  # bytes read per file at most: years of records; more is not ours
MACHINE_ID_FILE = "machine-id"
CONFLICT_MARKS = (".sync-conflict-", "conflicted copy")


def machine_id(state_dir: Path) -> str:
    """This machine's stable id: a random id kept in the state folder (0600), made on first use."""
    path = Path(state_dir) / MACHINE_ID_FILE
    try:
        known = path.read_text("utf-8").strip()
    except FileNotFoundError:
        known = ""
    if known.isalnum() and 8 <= len(known) <= 64:
        return known
    made = new_id()
    write_private_text(path, made + "\n")
    return made


def is_shared_file(name: str) -> bool:
    """Whether a folder entry holds records: a machine's file or a sync engine's copy of one."""
    return not name.startswith(".") and (
        name.endswith(SUFFIX) or (SUFFIX in name and any(mark in name for mark in CONFLICT_MARKS))
    )


class SharedFile:
    """This machine's file in the folder: `append(record)`; raises OSError (a missing folder too)."""

    def __init__(self, folder: Path, machine: str) -> None:
        self.path = Path(folder) / f"{machine}{SUFFIX}"

    def append(self, record: SharedRecord) -> None:
        if not self.path.parent.is_dir():  # never create it: an unmounted drive's mount point
            raise FileNotFoundError(f"the sync folder {self.path.parent} does not exist")
        data = to_line(record).encode("utf-8")
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(self.path, flags, FILE_MODE)
        try:
            if stat.S_IMODE(os.fstat(fd).st_mode) != FILE_MODE:
                os.fchmod(fd, FILE_MODE)
            os.write(fd, data)  # one write of one line: O_APPEND keeps it whole
        finally:
            os.close(fd)


@dataclass
class _Place:
    inode: int
    offset: int


@dataclass(frozen=True)
class Reading:
    """What one `read_new` found: the new records, malformed lines skipped (this read), and
    whether the folder is missing."""

    records: tuple[SharedRecord, ...] = ()
    malformed: int = 0
    missing: bool = False


@dataclass
class FolderReader:
    """Reads the folder's files incrementally: each call returns only records not seen before."""

    folder: Path
    skip_file: str | None = None  # our own file's name: we know what we wrote
    cap: int = FILE_CAP
    malformed_total: int = 0
    _places: dict[str, _Place] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)

    def read_new(self) -> Reading:
        try:
            names = sorted(entry.name for entry in os.scandir(self.folder) if is_shared_file(entry.name))
        except OSError:
            return Reading(missing=True)
        records: list[SharedRecord] = []
        malformed = 0
        for name in names:
            if name == self.skip_file:
                continue
            try:
                found, bad = self._read_file(name)
            except OSError as error:  # gone between the listing and the read, or unreadable
                log.debug("sync file %s: %s", name, error)
                continue
            records += found
            malformed += bad
        for gone in set(self._places) - set(names):
            del self._places[gone]
        self.malformed_total += malformed
        return Reading(tuple(records), malformed)

    def _read_file(self, name: str) -> tuple[list[SharedRecord], int]:
        fd = os.open(self.folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return [], 0
            place = self._places.get(name)
            if place is None or place.inode != info.st_ino or info.st_size < place.offset:
                place = _Place(info.st_ino, 0)  # new, or replaced: read it again (ids dedupe)
                self._places[name] = place
            start = max(place.offset, info.st_size - self.cap)
            skip_partial = start > place.offset  # capped: the first line read may be cut
            os.lseek(fd, start, os.SEEK_SET)
            data = _read_all(fd, info.st_size - start)
        finally:
            os.close(fd)
        end = data.rfind(b"\n")
        if end < 0:
            return [], 0  # no whole line yet: the writer (or the sync engine) is still at it
        place.offset = start + end + 1
        lines = data[: end + 1].split(b"\n")[:-1]
        if skip_partial and lines:
            lines = lines[1:]
        found: list[SharedRecord] = []
        bad = 0
        for raw in lines:
            if not raw.strip():
                continue
            record = parse_line(raw.decode("utf-8", "replace"))
            if record is None:
                bad += 1
            elif record.id not in self._seen:
                self._seen.add(record.id)
                found.append(record)
        return found, bad


def _read_all(fd: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
