"""The Daemon's effects out: what a core transition asks for (record an outcome, show or withdraw
a prompt), carried out through the daemon's ports. A base class of `Daemon`, kept apart so the
Daemon reads as its events in and its queries; every method runs under the daemon's lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..core import schedule as core
from ..core import views
from ..core.catalog import Catalog, Stretch
from ..core.config import Config
from ..core.outcomes import PromptOutcome
from ..core.stats import Counts
from ..core.workhours import Plan
from ..i18n import N_, _
from ..ports import NotifierError
from .today import Today

if TYPE_CHECKING:
    from .service import Ports
    from .sync_link import SyncLink

log = logging.getLogger("deskbreak.daemon.service")  # one logger name for the Daemon's lines


class PromptEffects:
    """Effects of the core's transitions; the attributes are the Daemon's."""

    ports: Ports
    sync: SyncLink  # the synced folder in use
    config: Config
    plan: Plan
    catalog: Catalog
    state: core.State
    _lock: threading.RLock
    _today: Today
    _recorded: list[str]
    _counts: Callable[[datetime], Counts | None]  # the Daemon's: today's counts, never raising

    def now(self) -> datetime:
        """The daemon's clock, in UTC (the core works in UTC)."""
        return self.ports.clock().astimezone(UTC)

    def _apply(self, transition: core.Transition) -> None:
        self.ports.events.transition(self.state, transition, self.ports.clock(), self.plan.zone, self.catalog)
        self.state = transition.state
        for effect in transition.effects:
            if isinstance(effect, core.Record):
                self._record(effect.outcome)
            elif isinstance(effect, core.ShowPrompt):
                self._show(effect.stretch_id)
            elif isinstance(effect, core.WithdrawPrompt):
                self._withdraw()

    def _record(self, outcome: PromptOutcome) -> None:
        try:
            not_saved = self._today.record(outcome, self.plan.zone)
        except Exception:  # a history failure must not stop prompting; it is logged with its cause
            log.exception("could not record %s for %s", outcome.outcome, outcome.stretch_id)
            return
        shared = self.sync.routine
        if shared is not None:  # to the other machines too (never raises)
            shared.record(outcome)
        line = self._answer_line(outcome)
        if not_saved:  # kept all the same (journalled): the user learns it is not in the history yet
            # Translators: {answer} is a recorded answer ("Twist done · 2 of 6 today"); {reason}, why
            # the history could not take it yet (it is kept and saved later).
            line = _("{answer} (not saved yet: {reason})").format(answer=line, reason=not_saved)
        self._recorded.append(line)
        log.info("recorded: %s", line)  # the reply's line, in the user's language

    def _answer_line(self, outcome: PromptOutcome) -> str:
        """`Standing back extension done · 2 of 6 today`, with today's count after this record."""
        stretch = self.catalog.get(outcome.stretch_id) if outcome.stretch_id else None
        # The name as the catalog has it: `answer_line` translates it where it builds the line.
        # Translators: in place of a stretch's name ("a stretch done · 2 of 6 today") when none is known.
        name = stretch.name if stretch else (outcome.stretch_id or N_("a stretch"))
        counts = self._counts(self.now())
        return views.answer_line(
            outcome,
            name,
            counts.done if counts else 0,
            self.config.goals.daily_stretches,
            self.plan.zone,
            self.state.snoozed_until,
        )

    _window_asked = False  # `show` runs: its prompt opens in the guided window, focused

    def _asking_window(self, transition: core.Transition) -> core.Transition:
        self._window_asked = transition.error is None
        return transition

    def _show(self, stretch_id: str) -> None:
        stretch = self.catalog.get(stretch_id)
        asked, self._window_asked = self._window_asked, False
        if stretch is None:
            log.warning("stretch %r is not in the catalog any more", stretch_id)
            return
        window = self.ports.window
        if window is not None and window.for_prompt(
            stretch_id, asked, self.config.prompt.window == "with_prompt"
        ):
            # The window stands in for the notification: a bubble left on screen would sit on top of
            # the steps the user opened (if the window fails, `window_failed` shows it again).
            self._withdraw()
            return
        self._notify(stretch)

    def _notify(self, stretch: Stretch) -> None:
        timeout = self.plan.schedule.prompt_timeout_minutes * 60
        picture = self.ports.picture(stretch.id) or self.ports.icon_path  # the stretch, not the app
        window = self.ports.window
        opens_window = window is not None and window.can_open()  # else the bubble offers the terminal
        prompt = views.prompt_for(stretch, self.plan.schedule.snooze_minutes, picture, timeout, opens_window)
        try:
            self.ports.notifier.show(prompt)
        except NotifierError as error:
            log.warning("prompt for %s not shown: %s", stretch.name, error)

    def window_failed(self, stretch_id: str, reason: str) -> None:
        """The guided window started but could not open (called from its watcher thread): show the
        prompt as a notification after all, if it is still the one due."""
        with self._lock:
            if self.state.phase is not core.Phase.PROMPTING or self.state.stretch_id != stretch_id:
                return
            stretch = self.catalog.get(stretch_id)
            if stretch is not None:
                self._notify(stretch)

    def _withdraw(self) -> None:
        try:
            self.ports.notifier.withdraw()
        except NotifierError as error:
            log.debug("could not withdraw the prompt: %s", error)
