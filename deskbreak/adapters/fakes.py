"""Test doubles for the daemon's ports (also usable for a dry run): a settable clock, a notifier
that remembers what it showed."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from ..ports import Notice, NotifierError, Prompt


class FakeClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class FakeNotifier:
    name = "fake"
    has_actions = True

    def __init__(self) -> None:
        self.shown: list[Prompt] = []
        self.notices: list[Notice] = []
        self.withdrawn = 0
        self.fail_with: str | None = None
        self.closed = False
        self.changed = threading.Event()

    def show(self, prompt: Prompt) -> None:
        if self.fail_with:
            raise NotifierError(self.fail_with)
        self.shown.append(prompt)
        self.changed.set()

    def notify(self, notice: Notice) -> None:
        if self.fail_with:
            raise NotifierError(self.fail_with)
        self.notices.append(notice)
        self.changed.set()

    def withdraw(self) -> None:
        self.withdrawn += 1

    def close(self) -> None:
        self.closed = True
