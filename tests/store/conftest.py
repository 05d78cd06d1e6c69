"""Shared helpers for the recorder tests: a recorder with quick retries whose problem line is
watched through events, and a read of what the history file really holds."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from disk_faults import fill, mount, small_disk

from deskbreak.core.outcomes import DONE, PromptOutcome
from deskbreak.store.recorder import Recorder

__all__ = ["fill", "mount", "small_disk"]  # the tests here import them from this conftest

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)  # a Monday
WAIT = 20.0  # seconds an event may take on a loaded machine before the test fails


def answer(minutes: int, kind: str = DONE, stretch: str | None = "seated-twist") -> PromptOutcome:
    at = T0 + timedelta(minutes=minutes)
    return PromptOutcome(at, stretch, kind, at + timedelta(seconds=45), 30)


class ProblemWatch:
    """Every problem line the recorder reports, with an event per kind of wait."""

    def __init__(self) -> None:
        self.lines: list[str | None] = []
        self._cond = threading.Condition()

    def __call__(self, line: str | None) -> None:
        with self._cond:
            self.lines.append(line)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[str | None], bool], timeout: float = WAIT) -> str | None:
        with self._cond:
            assert self._cond.wait_for(lambda: bool(self.lines) and predicate(self.lines[-1]), timeout), (
                f"no such problem line; got {self.lines}"
            )
            return self.lines[-1]


def stored(path: Path) -> list[tuple[str, str, str | None]]:
    """(prompted_at, outcome, answer_id) of every row, in row order, read by a plain connection."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT prompted_at, outcome, answer_id FROM prompts ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def problems() -> ProblemWatch:
    return ProblemWatch()


@pytest.fixture
def start_recorder(problems: ProblemWatch) -> Iterator[Callable[..., Recorder]]:
    made: list[Recorder] = []

    def start(path: Path, **kwargs: object) -> Recorder:
        options: dict[str, object] = {
            "zone": BERLIN,
            "clock": lambda: T0,
            "on_problem": problems,
            "busy_timeout": 0.1,
            "retry_delays": (0.05, 0.1),
        }
        options.update(kwargs)
        recorder = Recorder(path, **options).start()
        made.append(recorder)
        return recorder

    yield start
    for recorder in made:
        recorder.close()
