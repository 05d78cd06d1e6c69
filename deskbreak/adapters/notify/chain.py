"""The fallback chain that keeps prompts flowing when a notifier fails."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from ...ports import Notice, Notifier, NotifierError, Prompt

log = logging.getLogger(__name__)


class FallbackNotifier:
    """Shows each prompt with the first notifier of the chain that works.

    A failure falls through to the next notifier for that prompt; the switch is logged once, and
    the preferred notifier is tried again first on every prompt, so it takes over when it works
    again. Thread-safe; `name` and `has_actions` describe the notifier in use.
    """

    def __init__(self, chain: Sequence[Notifier]) -> None:
        if not chain:
            raise ValueError("an empty notifier chain")
        self.chain = tuple(chain)
        self._current = self.chain[0]
        self._lock = threading.Lock()

    @property
    def current(self) -> Notifier:
        return self._current

    @property
    def name(self) -> str:
        return self._current.name

    @property
    def has_actions(self) -> bool:
        return bool(self._current.has_actions)

    def show(self, prompt: Prompt) -> None:
        self._first_that_works(lambda notifier: notifier.show(prompt), "the prompt")

    def notify(self, notice: Notice) -> None:
        self._first_that_works(lambda notifier: notifier.notify(notice), "the notice")

    def _first_that_works(self, send: Callable[[Notifier], None], what: str) -> None:
        with self._lock:
            errors: list[str] = []
            for notifier in self.chain:
                try:
                    send(notifier)
                except NotifierError as exc:
                    errors.append(f"{notifier.name}: {exc}")
                    continue
                except Exception as exc:  # a bug in an adapter must not stop the prompts
                    log.debug("notifier %s crashed", notifier.name, exc_info=True)
                    errors.append(f"{notifier.name}: {type(exc).__name__}: {exc}")
                    continue
                self._use(notifier, errors)
                return
            raise NotifierError(f"no notifier could show {what} (" + "; ".join(errors) + ")")

    def _use(self, notifier: Notifier, errors: list[str]) -> None:
        previous = self._current
        if notifier is previous:
            return
        if self.chain.index(notifier) > self.chain.index(previous):
            log.warning("notifications: %s; using %s until it works again", "; ".join(errors), notifier.name)
        else:
            log.info("notifications: %s works again", notifier.name)
        try:
            previous.withdraw()  # no stale prompt left behind on the old route
        except Exception:
            pass
        self._current = notifier

    def withdraw(self) -> None:
        with self._lock:
            try:
                self._current.withdraw()
            except Exception as exc:
                log.debug("withdraw via %s failed: %s", self._current.name, exc)

    def close(self) -> None:
        for notifier in self.chain:
            try:
                notifier.close()
            except Exception as exc:
                log.debug("closing %s failed: %s", notifier.name, exc)
