"""What the running daemon answers about itself: today's line and counts, and the status fields
(`deskbreak status --json` without the socket's envelope). A base class of `Daemon`, like
`PromptEffects`, kept apart so the service module holds the driving of the core only."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core import schedule as core
from ..core import views
from ..core.catalog import Catalog
from ..core.config import Config
from ..core.outlook import Outlook, outlook
from ..core.stats import Counts, today_line
from ..core.workhours import Plan
from .sync import shared_fields, shared_today_line
from .today import Today, counts_dict

if TYPE_CHECKING:
    from .service import Ports
    from .sync_link import SyncLink

log = logging.getLogger("deskbreak.daemon.service")  # one logger name for the Daemon's lines


class StatusQueries:
    """Today's line and the status fields; the attributes are the Daemon's."""

    ports: Ports
    sync: SyncLink
    config: Config
    config_error: str | None
    plan: Plan
    catalog: Catalog
    state: core.State
    _lock: threading.RLock
    _today: Today
    now: Callable[[], datetime]  # the Daemon's clock, in UTC (PromptEffects.now)

    def today_line(self, now: datetime) -> str:
        """ "Today: 2 of 8 done": today in the zone in use, against the goal in use."""
        return self._today_line(now, self._counts(now))

    def _today_line(self, now: datetime, counts: Counts | None) -> str:
        goal = self.config.goals.daily_stretches
        shared = self.sync.routine
        return (
            today_line(counts, goal)
            if shared is None
            else shared_today_line(shared, counts, now, self.plan.zone, goal)
        )

    def _counts(self, now: datetime) -> Counts | None:
        """Today's counts; a store that fails to count costs the numbers, never a prompt or a reply."""
        try:
            return self._today.counts(now, self.plan.zone)
        except Exception as error:  # one line: a status bar polling every few seconds must not flood the log
            log.warning("cannot count today's answers: %s", error)
            return None

    def status(self, now: datetime | None = None) -> dict[str, Any]:
        """The status fields (`deskbreak status --json` without the socket's envelope)."""
        now = now or self.now()
        with self._lock:
            return self._status_fields(outlook(self.state, now, self.plan))

    def _status_fields(self, look: Outlook) -> dict[str, Any]:
        fields = views.status(look, self.state, self.catalog, self.plan.zone)
        counts = self._counts(look.now)
        fields["today_line"] = self._today_line(look.now, counts)
        fields["today"] = counts_dict(counts)
        fields["notifier"] = self.ports.notifier.name
        fields["tray"] = self.ports.tray.name
        fields["idle_probe"] = self.ports.senses.probe_name if self.ports.senses else "none"
        fields["call_sense"] = self.ports.senses.call_sense_name if self.ports.senses else "none"
        fields["config"] = self.config.source
        fields["config_error"] = self.config_error
        fields["history_error"] = self._today.problem()
        fields["answers_waiting"] = self._today.waiting()
        shared = self.sync.routine
        if shared is not None:
            fields["sync"] = shared_fields(shared, look.now, self.plan.zone, counts)
        return fields
