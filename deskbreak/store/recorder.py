"""The recorder: the daemon hands it each answer; nothing answered is lost.

`record(outcome, zone)` returns at once and never raises: the answer is kept in memory and appended to
the journal (fsync'd) before it returns; a thread of the recorder's own writes journalled answers to
the SQLite history in order, exactly once (each has an id the history ignores when it sees it
again), and then empties the journal. While the history cannot be written (full disk, read-only,
newer schema, a folder in its place, locked by another process) answers wait and are written when
it works again: retried with backoff, and at once when the next answer comes. A history damaged
under the running daemon is set aside (renamed, kept) and a fresh one started.

Reads for `status` never touch the disk: today's counts are kept in memory (each day read from the
history once) plus the answers still waiting. So neither a history write nor a history read ever
runs on the daemon's thread or decides whether the timer is armed.

Zones: a recorder built without a zone keeps each answer's local day in the zone it is recorded
in (`record(outcome, zone)`; the history stores the prompt's own offset), so a daemon whose zone a
reload changes counts each answer on the day it was given where the user was then.

Threads: `record`, `problem`, `waiting` and `today_counts` may be called from any thread and only
take the recorder's own lock briefly (for `record`, one small fsync'd append; with `settle`, it
also waits that long at most for the answer to be written or for the history to fail). `on_problem(line)` is called
from the recorder's thread each time the problem line changes (None: all is well again; a line can
come back after another cleared); it must not block.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from ..core.outcomes import DONE, SKIPPED, PromptOutcome
from ..core.stats import DayCounts, add_outcome
from ..i18n import N_, _
from .day_tally import DayTally
from .history import HistoryError
from .history_writer import HistoryWriter
from .ids import new_id
from .journal import Answer, Journal, JournalError, journal_path_for

log = logging.getLogger(__name__)

RETRY_DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0, 60.0)  # seconds; the last one repeats
STILL_WRITING = N_("the history is slow to answer; it is kept and written shortly")
# The answers a person (or a client on the socket) names a stretch in; prompts name their own.
_NAMED_BY_THE_USER = (DONE, SKIPPED)


def unknown_stretch(stretch_id: str | None, known_ids: Collection[str]) -> str | None:
    """The one-line refusal for an answer naming a stretch the catalog does not have, else None."""
    if stretch_id is None or stretch_id in known_ids:
        return None
    # Translators: {stretch} is an id as the user typed it, quoted; `deskbreak stretches` is a command: keep it.
    return _("no stretch {stretch} in the catalog (`deskbreak stretches` lists them)").format(
        stretch=repr(stretch_id)
    )


@dataclass(frozen=True)
class Receipt:
    """What became of one `record`: `refused` (not kept: why) or kept under `answer_id`, with
    `not_saved` saying why it is not in the history yet when a problem is known."""

    answer_id: str | None
    refused: str | None = None
    not_saved: str | None = None


class Recorder:
    """`Recorder(path).start()`; `close()` stops it (waiting answers stay journalled)."""

    def __init__(
        self,
        history_path: Path,
        *,
        zone: tzinfo | None = None,
        journal_path: Path | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        known_stretch_ids: Callable[[], Collection[str]] | None = None,
        on_problem: Callable[[str | None], None] = lambda line: None,
        busy_timeout: float = 1.0,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        """Replay the journal an earlier run left (into memory; the thread writes it); `start()`.

        `zone`: the one zone every answer's local day is taken in; None: the zone each answer is
        recorded in (the prompt's own offset), and `today_counts(now, zone)` names today's.

        `known_stretch_ids`: the catalog's ids, asked at each answer; done/skip naming another id
        are refused. `busy_timeout`: how long one write waits for another process's lock before
        the answers wait and it is retried. Never raises: a problem shows in `problem()`."""
        self.history_path = Path(history_path)
        self._zone = zone
        self._known = known_stretch_ids
        self._on_problem = on_problem
        self._delays = tuple(retry_delays) or RETRY_DELAYS
        self._cond = threading.Condition()
        self._tally = DayTally()
        self._history_problem: str | None = None
        self._journal_problem: str | None = None
        self._set_aside_note: str | None = None
        self._failures = 0
        self._failed_attempts = 0  # every failed write, so a `record` that settles sees its own
        self._retry_at: float | None = None
        self._woken = self._closing = False
        self._writer = HistoryWriter(
            self.history_path, zone, clock, busy_timeout, self._note_aside, self._reopened
        )
        self._journal = Journal(journal_path or journal_path_for(self.history_path))
        self._pending: list[Answer] = []
        try:
            self._pending = self._journal.read()
        except JournalError as error:
            self._journal_problem = str(error)
        if self._pending:
            log.info("%d answers from the journal of an earlier run: writing them", len(self._pending))
        self._tally.get(self._day(clock()))  # today is read first thing
        self._thread = threading.Thread(target=self._run, name="deskbreak-history", daemon=True)

    def start(self) -> Recorder:
        """Start the writer thread; returns the recorder: `Recorder(path, zone=z).start()`."""
        self._thread.start()
        return self

    # --- from the daemon ---

    def refusal(self, stretch_id: str | None) -> str | None:
        """Why an answer naming `stretch_id` would be refused (one line), else None: call it
        before the answer moves the schedule."""
        try:
            return unknown_stretch(stretch_id, self._known()) if self._known is not None else None
        except Exception as error:  # a broken catalog getter must not stop answers being kept
            log.warning("cannot check stretch ids: %s", error)
            return None

    def record(self, outcome: PromptOutcome, zone: tzinfo | None = None, settle: float = 0.0) -> Receipt:
        """Keep one answer (memory + journal) and return at once; never raises. `zone`: the zone
        in use when it was given (its local day; see the module). `settle`: seconds to wait at most
        for it to be written, so the receipt can say why it is not (a lock, a full disk) the first
        time; a problem already known is said at once."""
        try:
            refused = self.refusal(outcome.stretch_id) if outcome.outcome in _NAMED_BY_THE_USER else None
            if refused is not None:
                log.warning("not recorded: %s", refused)
                return Receipt(None, refused=refused)
            if zone is not None and self._zone is None:
                outcome = replace(outcome, prompted_at=outcome.prompted_at.astimezone(zone))
            answer = Answer(new_id(), outcome)
            with self._cond:
                self._pending.append(answer)
                self._journal_locked(lambda: self._journal.append(answer))
                self._woken = True
                self._cond.notify_all()
                why = self._unsaved_locked()
                if why is None and settle > 0:
                    why = self._settle_locked(answer, settle)
                return Receipt(answer.answer_id, not_saved=why)
        except Exception as error:  # the promise: the daemon's answer never fails here
            log.exception("recording %s", outcome)
            return Receipt(None, not_saved=_("internal error: {error}").format(error=error))

    def _settle_locked(self, answer: Answer, timeout: float) -> str | None:
        """Wait (the lock released meanwhile) until `answer` is written or a write fails."""
        failed_before = self._failed_attempts
        self._cond.wait_for(
            lambda: answer not in self._pending or self._failed_attempts > failed_before, timeout
        )
        if answer not in self._pending:
            return None
        return self._unsaved_locked() or _(STILL_WRITING)

    def problem(self) -> str | None:
        """One line: what is wrong with the history and the fix; None when all is well."""
        with self._cond:
            return self._problem_locked()

    def waiting(self) -> int:
        """Answers kept but not yet in the history."""
        with self._cond:
            return len(self._pending)

    def today_counts(self, now: datetime, zone: tzinfo | None = None) -> DayCounts:
        """Today's counts (the local day of `now` in `zone`, else in the recorder's zone), the
        waiting answers included; never reads the disk."""
        day = now.astimezone(zone).date() if zone is not None and self._zone is None else self._day(now)
        with self._cond:
            counts = self._tally.get(day)
            if self._tally.wanted():
                self._cond.notify_all()
            for answer in self._pending:
                if self._day(answer.outcome.prompted_at) == day:
                    counts = add_outcome(counts, answer.outcome.outcome)
            return counts

    def flush(self, timeout: float) -> bool:
        """Wait until no answer waits and each day asked for is counted (tests, shutdown); False if
        some still wait after `timeout`."""
        with self._cond:
            self._woken = True
            self._cond.notify_all()
            return self._cond.wait_for(lambda: not self._pending and not self._tally.wanted(), timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread after one last write (waiting answers stay in the journal)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        with self._cond:
            self._journal.close()

    # --- the recorder's thread ---

    def _run(self) -> None:
        reported: str | None = None
        while True:
            with self._cond:
                if not self._cond.wait_for(self._ready, self._wait_time()):
                    continue
                closing = self._closing
                self._woken = False
                batch = list(self._pending)
            if not closing or (batch and self._history_problem is None):
                self._attempt(batch)
            with self._cond:
                line = self._problem_locked()
            if line != reported:
                reported = line
                self._report(line)
            if closing:
                break
        self._writer.close()

    def _ready(self) -> bool:
        if self._closing or self._woken:
            return True
        due = self._retry_at is None or time.monotonic() >= self._retry_at
        return due and bool(self._pending or self._tally.wanted())

    def _wait_time(self) -> float | None:
        return None if self._retry_at is None else max(0.0, self._retry_at - time.monotonic())

    def _attempt(self, batch: list[Answer]) -> None:
        """Read the days asked for, write the batch; on failure, wait and retry with backoff."""
        try:
            with self._cond:
                days = self._tally.wanted()
            for day in days:
                counts = self._writer.read_day(day)
                with self._cond:
                    self._tally.read(counts)
                    self._cond.notify_all()
            if batch:
                added = self._writer.write(batch)
                log.debug("history: %d of %d answers written", added, len(batch))
                self._stored(batch, recount=added != len(batch))
        except Exception as exc:  # never let the thread die: the answers would wait forever
            error = (
                exc
                if isinstance(exc, HistoryError)
                else HistoryError(_("history {path}: {error}").format(path=self.history_path, error=exc))
            )
            if not isinstance(exc, HistoryError):
                log.exception("history write")
            self._failed(error)
            return
        with self._cond:
            self._history_problem, self._failures, self._retry_at = None, 0, None

    def _failed(self, error: HistoryError) -> None:
        if self._writer.failed(error):  # set aside: a fresh history, try again at once
            with self._cond:
                self._woken = True
            return
        delay = self._delays[min(self._failures, len(self._delays) - 1)]
        with self._cond:
            if self._history_problem != str(error):
                log.warning("%s; %d answers wait, retrying", error, len(self._pending))
            self._history_problem = str(error)
            self._failures += 1
            self._failed_attempts += 1
            self._retry_at = time.monotonic() + delay
            self._cond.notify_all()

    def _stored(self, batch: list[Answer], recount: bool) -> None:
        """The batch is in the history: drop it from memory and the journal, count it. `recount`:
        some were there already (a replayed journal), so their days are read again."""
        with self._cond:
            # Only the thread removes, and only from the front, so the batch is the first answers.
            del self._pending[: len(batch)]
            days = [self._day(answer.outcome.prompted_at) for answer in batch]
            if recount:
                self._tally.read_again(days)
            else:
                for day, answer in zip(days, batch, strict=True):
                    self._tally.written(day, answer.outcome.outcome)
            remaining = list(self._pending)
            self._journal_locked(lambda: self._journal.rewrite(remaining))
            self._cond.notify_all()

    # --- helpers (the caller holds the lock where it says _locked) ---

    def _journal_locked(self, write: Callable[[], None]) -> None:
        try:
            if self._journal.needs_rewrite:
                self._journal.rewrite(self._pending)
            else:
                write()
            self._journal_problem = None
        except JournalError as error:
            if self._journal_problem is None:
                log.warning("%s; answers wait in memory", error)
            # Translators: {problem} is a one-line journal problem ("journal PATH: cannot write: Disk full").
            self._journal_problem = _("{problem}; answers wait in memory").format(problem=error)

    def _problem_locked(self) -> str | None:
        return self._unsaved_locked() or self._set_aside_note

    def _unsaved_locked(self) -> str | None:
        """Why answers cannot be written now (a damaged file set aside earlier is no such reason)."""
        return self._history_problem or self._journal_problem

    def _note_aside(self, line: str) -> None:
        with self._cond:
            self._set_aside_note = line

    def _reopened(self) -> None:
        with self._cond:
            self._tally.read_again()  # perhaps another file: each day is read again

    def _report(self, line: str | None) -> None:
        try:
            self._on_problem(line)
        except Exception:
            log.exception("reporting the history problem")

    def _day(self, moment: datetime) -> date:
        """The local day of `moment`: in the recorder's zone, else in its own offset (as stored)."""
        return moment.astimezone(self._zone).date() if self._zone is not None else moment.date()
