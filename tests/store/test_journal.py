"""The answers journal: one fsync'd JSON line per answer, read back whole after a kill."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import answer

from deskbreak.core.outcomes import NATURAL_BREAK, PromptOutcome
from deskbreak.store.journal import Answer, Journal, JournalError, decode, encode, journal_path_for


def test_round_trip_keeps_every_field_and_offset() -> None:
    items = [
        Answer("a", answer(0)),
        Answer("b", PromptOutcome(datetime(2026, 3, 2, 8, tzinfo=UTC), None, NATURAL_BREAK)),
    ]
    for item in items:
        back = decode(encode(item))
        assert back == item and back.outcome.prompted_at.utcoffset() == item.outcome.prompted_at.utcoffset()


def test_lines_cut_short_or_foreign_are_skipped_and_then_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "history.journal.jsonl"
    path.write_bytes(
        encode(Answer("a", answer(0)))
        + b'{"id": 5}\n'
        + b"not json\n"
        + encode(Answer("a", answer(0)))  # written twice: kept once
        + encode(Answer("b", answer(1)))
        + encode(Answer("c", answer(2)))[:20]  # the kill
    )
    journal = Journal(path)
    assert [a.answer_id for a in journal.read()] == ["a", "b"]
    assert journal.needs_rewrite  # an append after a torn line would join it: rewrite first
    journal.rewrite([Answer("b", answer(1))])
    journal.append(Answer("d", answer(3)))
    assert [a.answer_id for a in Journal(path).read()] == ["b", "d"]


def test_emptied_once_stored(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.append(Answer("a", answer(0)))
    journal.rewrite([])
    assert journal.path.read_bytes() == b"" and journal.read() == []


def test_a_journal_that_cannot_be_written_says_so_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "j.jsonl").mkdir()
    journal = Journal(tmp_path / "j.jsonl")
    with pytest.raises(JournalError, match=r"^journal .*j\.jsonl: cannot write: Is a directory$"):
        journal.append(Answer("a", answer(0)))
    assert journal.needs_rewrite


def test_the_journal_lives_beside_the_history() -> None:
    assert journal_path_for(Path("/d/history.sqlite3")) == Path("/d/history.journal.jsonl")
