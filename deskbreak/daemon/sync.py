"""The daemon's side of the synced folder: our records out, the other machines' records in.

`SharedRoutine.record(outcome)` and `.active(now)` append to this machine's own file (never
raising: a missing folder is logged once and shown by `status`/`doctor`); a watcher on the folder
(inotify, no polling) reads the others' files incrementally on its own thread and hands the new
records to `on_records`. The records read are kept in memory, a few days' worth, for today's count
across machines and to tell an idle span here from work at another keyboard.

Threads: `record`, `active`, `busy_elsewhere`, `today` and `problem` may be called from any thread
(the daemon's, under its lock); they take only the routine's own lock briefly.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from ..core import sync
from ..core.outcomes import PromptOutcome
from ..core.stats import Counts, today_line
from ..i18n import N_, _
from ..store.ids import new_id
from ..store.sync_folder import FolderReader, SharedFile
from .config_watch import InotifyWatcher, _events

log = logging.getLogger(__name__)

OUTBOX_CAPACITY = 10_000  # our records waiting for the folder (days of answers and active marks)
CLOSE_WAIT = 2.0  # seconds quitting waits for the folder to take what is queued
KEEP_RECORDS = timedelta(days=3)  # other machines' records kept in memory (today and a margin)
FOLDER_MISSING = N_(
    "the sync folder {folder} is missing (an unmounted drive?): records wait until it is back"
)
# Translators: {error} is the system's reason (e.g. "Permission denied").
CANNOT_WRITE = N_("cannot write to the sync folder: {error}")


@dataclass(frozen=True)
class FolderProblem:
    """What is wrong with the folder, kept as its English text and values: the log gets it as
    written, `status` in the daemon's language when asked (a reload may change the language)."""

    text: str  # FOLDER_MISSING or CANNOT_WRITE
    folder: str
    error: str = ""

    def english(self) -> str:
        return self.text.format(folder=self.folder, error=self.error)

    def translated(self) -> str:
        return _(self.text).format(folder=self.folder, error=self.error)


class FolderWatcher(InotifyWatcher):
    """Every change in one folder (the config watcher watches one name in its folder)."""

    def __init__(self, folder: Path, on_change: Callable[[], None]) -> None:
        super().__init__(Path(folder) / ".deskbreak-folder", on_change)

    def _handle(self, data: bytes) -> None:
        before = self._watched
        if before == self.path.parent and any(wd == self._wd for wd, _mask, _name in _events(data)):
            self._debouncer.poke()
        super()._handle(data)
        if self._watched != before and self._watched == self.path.parent:
            self._debouncer.poke()  # the folder is back: read what it holds


class SharedRoutine:
    """This machine's link to the folder; `start()` it, `close()` it."""

    def __init__(
        self,
        folder: Path,
        machine: str,
        machine_name: str,
        on_records: Callable[[Sequence[sync.SharedRecord]], None],
        clock: Callable[[], datetime],
    ) -> None:
        self.folder = Path(os.path.expanduser(folder))
        self.machine, self.machine_name = machine, machine_name
        self._on_records = on_records
        self._clock = clock
        self._own = SharedFile(self.folder, machine)
        self._reader = FolderReader(self.folder, skip_file=self._own.path.name)
        self._lock = threading.Lock()
        self._records: list[sync.SharedRecord] = []
        self._last_mark: datetime | None = None
        self._problem: FolderProblem | None = None
        self._watcher: InotifyWatcher | None = None
        # Our records go out on a thread of their own: a hung network mount never holds the daemon
        # (which records while it holds its lock). Bounded: the local history keeps every answer.
        self._outbox: deque[sync.SharedRecord] = deque(maxlen=OUTBOX_CAPACITY)
        self._outbox_wake = threading.Condition()
        self._closing = False
        self._writer = threading.Thread(target=self._write_loop, name="deskbreak-sync-out", daemon=True)

    def start(self) -> SharedRoutine:
        self._writer.start()
        self.read()
        try:
            self._watcher = FolderWatcher(self.folder, self.read).start()
        except OSError as error:
            log.warning(
                "not watching the sync folder %s (%s): other machines are read at start only",
                self.folder,
                error,
            )
        return self

    def close(self) -> None:
        """Stop watching and let the writer finish; a second call does nothing."""
        with self._outbox_wake:
            if self._closing:
                return
            self._closing = True
        if self._watcher is not None:
            self._watcher.stop()
        with self._outbox_wake:
            self._closing = True
            self._outbox_wake.notify_all()
        if self._writer.is_alive():
            self._writer.join(CLOSE_WAIT)  # what is still queued then is in the local history

    @property
    def closed(self) -> bool:
        with self._outbox_wake:
            return self._closing

    def flush(self, timeout: float) -> bool:
        """Wait until every record queued so far is written (or failed); False after `timeout`."""
        with self._outbox_wake:
            return self._outbox_wake.wait_for(lambda: not self._outbox and not self._writing, timeout)

    # --- out ---

    def record(self, outcome: PromptOutcome) -> None:
        shared = sync.of_outcome(outcome, new_id(), self.machine, self.machine_name)
        if shared is not None:
            self._append(shared)

    def active(self, now: datetime) -> None:
        """The user is active here now: a mark, at most one a minute."""
        with self._lock:
            if not sync.active_mark_due(self._last_mark, now):
                return
            self._last_mark = now
        self._append(sync.active_mark(new_id(), self.machine, self.machine_name, now))

    def _append(self, record: sync.SharedRecord) -> None:
        with self._outbox_wake:
            if len(self._outbox) == self._outbox.maxlen:
                log.info("the sync folder is not taking records: the oldest waiting one was dropped")
            self._outbox.append(record)
            self._outbox_wake.notify_all()

    _writing = False

    def _write_loop(self) -> None:
        while True:
            with self._outbox_wake:
                self._outbox_wake.wait_for(lambda: self._outbox or self._closing)
                if not self._outbox:
                    return  # closing, nothing left
                record = self._outbox.popleft()
                self._writing = True
            try:
                self._write(record)
            finally:
                with self._outbox_wake:
                    self._writing = False
                    self._outbox_wake.notify_all()

    def _write(self, record: sync.SharedRecord) -> None:
        try:
            self._own.append(record)
        except OSError as error:
            self._set_problem(
                self._missing()
                if isinstance(error, FileNotFoundError)
                else FolderProblem(CANNOT_WRITE, str(self.folder), str(error))
            )
            return
        self._set_problem(None)

    # --- in ---

    def read(self) -> None:
        """Read the folder's new records (the watcher's thread, and once at start)."""
        try:
            reading = self._reader.read_new()
        except Exception:  # a reader bug must not end the watcher
            log.exception("reading the sync folder")
            return
        if reading.missing:
            self._set_problem(self._missing())
            return
        if reading.malformed:
            log.warning("sync folder: %d malformed records skipped", reading.malformed)
        fresh = [r for r in reading.records if r.machine != self.machine]
        with self._lock:
            if self._problem == self._missing():
                self._problem = None
            horizon = self._clock() - KEEP_RECORDS
            self._records = [r for r in [*self._records, *fresh] if r.time >= horizon]
        if fresh:
            log.debug("sync folder: %d new records", len(fresh))
            try:
                self._on_records(fresh)
            except Exception:
                log.exception("applying records from the sync folder")

    # --- queries ---

    def busy_elsewhere(self, began: datetime, ended: datetime) -> bool:
        with self._lock:
            return sync.busy_elsewhere(self._records, self.machine, began, ended)

    def today(self, own_done: int, day: date, zone: tzinfo) -> sync.MachineDay:
        """Today's stretches done on every machine: ours (`own_done`, from the history) and theirs."""
        with self._lock:
            others = sync.day_done(self._records, self.machine, day, zone)
        return sync.MachineDay(own_done + others.done, others.elsewhere)

    def machines(self) -> dict[str, tuple[str, datetime]]:
        """Each other machine: its name and when it was last heard from."""
        with self._lock:
            return sync.last_heard(self._records)

    def problem(self) -> str | None:
        """The folder's problem in the daemon's language (one line), or None."""
        with self._lock:
            problem = self._problem
        return problem.translated() if problem is not None else None

    def _missing(self) -> FolderProblem:
        return FolderProblem(FOLDER_MISSING, str(self.folder))

    def _set_problem(self, problem: FolderProblem | None) -> None:
        with self._lock:
            if problem == self._problem:
                return
            self._problem = problem
        if problem is not None:
            log.warning("%s", problem.english())  # once per problem, not per record
        else:
            log.info("sync folder %s: in use again", self.folder)


def shared_today_line(
    shared: SharedRoutine, counts: Counts | None, now: datetime, zone: tzinfo, goal: int
) -> str:
    """Today's line; when other machines did stretches today, the count is theirs and ours:
    "Today: 3 of 6 done, 1 on laptop"."""
    day = shared.today(counts.done if counts else 0, now.astimezone(zone).date(), zone)
    if not day.elsewhere:
        return today_line(counts, goal)
    return sync.today_line(day, goal)


def shared_fields(
    shared: SharedRoutine, now: datetime, zone: tzinfo, counts: Counts | None
) -> dict[str, Any]:
    """The status's `sync` field: this machine, today's count across machines, the others (when
    each was last heard from) and the folder's problem."""
    day = shared.today(counts.done if counts else 0, now.astimezone(zone).date(), zone)
    return {
        "folder": str(shared.folder),
        "machine": shared.machine,
        "machine_name": shared.machine_name,
        "done_today": day.done,
        "done_elsewhere": dict(day.elsewhere),
        "machines": [
            {"id": machine, "name": name, "last_heard": heard.isoformat(timespec="seconds")}
            for machine, (name, heard) in sorted(shared.machines().items())
        ],
        "problem": shared.problem(),
    }
