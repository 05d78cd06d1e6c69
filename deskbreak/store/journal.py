"""The answers journal: a small append-only file of answers not yet in the history.

One JSON line per answer, fsync'd before the answer is acknowledged, so an answer survives a killed
daemon even while the history cannot be written (full disk, locked, newer schema...). Once the
history holds them the journal is emptied; on start the recorder replays what an earlier run left.
A line cut short by a kill is skipped (the answer it held was never acknowledged).

Not thread-safe: the recorder calls it under its own lock.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.outcomes import PromptOutcome
from ..i18n import N_, _
from .private import FILE_MODE, private_dir

log = logging.getLogger(__name__)

# What failed on the journal (of answers not yet in the history): English names in the code,
# translated in the message.
_ACTIONS = {
    # Translators: in "journal PATH: cannot read it: REASON".
    "cannot read it": N_("cannot read it"),
    # Translators: in "journal PATH: cannot write: REASON".
    "cannot write": N_("cannot write"),
    # Translators: in "journal PATH: cannot rewrite: REASON".
    "cannot rewrite": N_("cannot rewrite"),
}

# Far beyond any real journal (a line is ~200 bytes): a planted huge file is not read whole.
MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """One answer on its way to the history; `answer_id` makes storing it idempotent."""

    answer_id: str
    outcome: PromptOutcome


class JournalError(Exception):
    """The journal cannot be read or written; the message is one line naming the file."""


def encode(answer: Answer) -> bytes:
    o = answer.outcome
    fields = {
        "id": answer.answer_id,
        "prompted_at": o.prompted_at.isoformat(),
        "stretch_id": o.stretch_id,
        "outcome": o.outcome,
        "answered_at": o.answered_at.isoformat() if o.answered_at else None,
        "held_seconds": o.held_seconds,
    }
    return (json.dumps(fields, separators=(",", ":")) + "\n").encode("utf-8")


def decode(line: bytes) -> Answer:
    """One journal line as an Answer; raises ValueError (or TypeError) on anything else."""
    fields: Any = json.loads(line)
    answered = fields["answered_at"]
    held = fields["held_seconds"]
    if not isinstance(fields["id"], str) or not (held is None or isinstance(held, int)):
        raise ValueError("bad field types")
    outcome = PromptOutcome(
        datetime.fromisoformat(fields["prompted_at"]),
        fields["stretch_id"],
        fields["outcome"],
        datetime.fromisoformat(answered) if answered else None,
        held,
    )
    return Answer(fields["id"], outcome)


def journal_path_for(history_path: Path) -> Path:
    """The journal lives beside the history: `history.sqlite3` → `history.journal.jsonl`."""
    return history_path.with_name(history_path.stem + ".journal.jsonl")


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        # After a failed append the file may end in a partial line: the next write rewrites it.
        self.needs_rewrite = False

    def read(self) -> list[Answer]:
        """The answers an earlier run left, oldest first (a torn or foreign line is skipped)."""
        try:
            with open(self.path, "rb") as f:
                data = f.read(MAX_BYTES)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise self._error("cannot read it", exc) from None
        answers: list[Answer] = []
        seen: set[str] = set()
        for number, line in enumerate(data.splitlines(keepends=True), 1):
            try:
                if not line.endswith(b"\n"):
                    raise ValueError("cut short")
                answer = decode(line)
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("journal %s:%d skipped (%s)", self.path, number, exc)
                self.needs_rewrite = True
                continue
            if answer.answer_id not in seen:
                seen.add(answer.answer_id)
                answers.append(answer)
        return answers

    def append(self, answer: Answer) -> None:
        """Add one answer, on disk (fsync'd) before returning. Raises JournalError."""
        line = encode(answer)
        try:
            fd = self._open()
            written = os.write(fd, line)
            if written != len(line):
                # The reason reaches the user in the journal's problem line: it is translated.
                raise OSError(
                    _("only {written} of {total} bytes written").format(written=written, total=len(line))
                )
            os.fsync(fd)
        except OSError as exc:
            self.needs_rewrite = True
            self._close_fd()
            raise self._error("cannot write", exc) from None

    def rewrite(self, answers: Sequence[Answer]) -> None:
        """Make the journal hold exactly `answers`: emptied in place when there are none (that
        needs no free space), else a new file renamed over it. Raises JournalError."""
        try:
            if not answers:
                fd = self._open()
                os.ftruncate(fd, 0)
                os.fsync(fd)
            else:
                self._replace(b"".join(encode(a) for a in answers))
        except OSError as exc:
            self.needs_rewrite = True
            self._close_fd()
            raise self._error("cannot rewrite", exc) from None
        self.needs_rewrite = False

    def close(self) -> None:
        self._close_fd()

    def _replace(self, data: bytes) -> None:
        tmp = self.path.with_name(self.path.name + ".new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError:
            tmp.unlink(missing_ok=True)  # a half-written copy on a full disk helps nobody
            raise
        finally:
            os.close(fd)
        self._close_fd()
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _open(self) -> int:
        if self._fd is None:
            private_dir(self.path.parent)
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
            self._fd = os.open(self.path, flags, FILE_MODE)
            if os.fstat(self._fd).st_mode & 0o077:
                os.fchmod(self._fd, FILE_MODE)
        return self._fd

    def _close_fd(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None

    def _error(self, action: str, exc: OSError) -> JournalError:
        """One line in the user's language (a notice shows it): the action, the system's reason."""
        doing = _(_ACTIONS[action]) if action in _ACTIONS else action
        # Translators: {action} is "cannot write" or the like; {reason} is the system's message.
        return JournalError(
            _("journal {path}: {action}: {reason}").format(
                path=self.path, action=doing, reason=exc.strerror or exc
            )
        )
