"""The composition root: wires the schedule core to the clock, the timer, the notifier, the tray and
the history. The only place that knows every adapter.

Threads: the tray (or the headless wait) owns the main thread; APScheduler's thread fires the timer;
menu clicks and (later) control requests arrive on their own threads. All of them go through
`Daemon.command`, which holds one lock while it drives the core, so the core is only ever stepped
from one place at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..core import forecast, views, workhours
from ..core import schedule as core
from ..core.catalog import Catalog
from ..core.commands import check as check_command
from ..core.config import Config
from ..core.outcomes import PromptOutcome
from ..core.outlook import Outlook, outlook
from ..core.protocol import ProtocolError
from ..ports import GuidedWindow, Notifier, NotifierError, Senses, Tray
from .commands import HANDLERS
from .zone import resolve_zone

log = logging.getLogger(__name__)

HEARTBEAT_IN_WINDOW = timedelta(seconds=60)  # the tray ring moves at most once a minute
HEARTBEAT_OFF_HOURS = timedelta(minutes=5)  # catches a resume from suspend (the timer is monotonic)
HEARTBEAT_OFF_HOURS_WITH_RESUME_SIGNAL = timedelta(minutes=30)  # resumes are signalled (logind)
JOB_ID = "deskbreak-core"


@dataclass
class Ports:
    """The outside world as the daemon sees it; tests pass fakes."""

    notifier: Notifier
    tray: Tray
    record: Callable[[PromptOutcome], None] = lambda outcome: None
    today_line: Callable[[datetime], str] = lambda now: "Today: no stretches yet"
    today_counts: Callable[[datetime], dict] | None = None  # done, snoozed, ... for `status`
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    icon_path: str | None = None
    senses: Senses | None = None  # idle probe + calendar; None times by the clock alone
    window: GuidedWindow | None = None  # the guided window (#6); None: notifications only
    picture: Callable[[str], str | None] = lambda stretch_id: None  # a stretch's picture file, if any


def build_plan(config: Config, catalog: Catalog) -> tuple[core.Plan, Catalog]:
    """The plan in the zone the config names (or the machine's)."""
    return workhours.build_plan(config, catalog, resolve_zone(config.schedule.timezone))


class Daemon:
    def __init__(self, config: Config, catalog: Catalog, ports: Ports, seed: int | None = None):
        self.ports = ports
        self._builtin = catalog
        self._lock = threading.RLock()
        self.config = config
        self.plan, self.catalog = build_plan(config, catalog)
        now = self.now()
        # One deck per local day: `deskbreak next` without a daemon deals what one started now would.
        self.state = core.start(
            now, seed=seed if seed is not None else forecast.daily_seed(now, self.plan.zone)
        )
        self._recorded: list[str] = []  # what the current command's answer recorded, in words
        self._scheduler: Any = None
        self._last_beat: datetime | None = None  # when the armed timer should fire
        self.stopped = threading.Event()

    # --- lifecycle ---

    def now(self) -> datetime:
        return self.ports.clock().astimezone(UTC)

    def start_timer(self) -> None:
        from .timer import load  # APScheduler without asyncio (less RSS)

        BackgroundScheduler, ThreadPoolExecutor, _ = load()
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=UTC,
        )
        self._scheduler.start()
        with self._lock:
            self._arm()
        look = outlook(self.state, self.now(), self.plan)
        log.info("started: %s", views.headline(look, self.state, self.catalog, self.plan.zone))

    def stop(self) -> None:
        if self.stopped.is_set():
            return
        self.stopped.set()
        if self._scheduler is not None:
            try:
                self._scheduler.shutdown(wait=False)
            except RuntimeError as error:  # a signal while start_timer is still starting it
                log.debug("timer not shut down: %s", error)
        try:
            self.ports.notifier.close()
        finally:
            self.ports.tray.stop()

    # --- events in ---

    def on_timer(self) -> None:
        with self._lock:
            now = self.now()
            self._recorded = []
            expected = self._last_beat
            slept = now - expected if expected else timedelta(0)
            if expected and slept > self.plan.late_limit:
                log.info("the clock jumped %s (suspend or clock change): a natural break", slept)
                self._apply(core.natural_break(self.state, expected, now, self.plan, asleep=True))
            guided = self._guided(now)
            moment = self._sense(now, present=guided)  # first: a return from a break changes the state
            transition = core.tick(self.state, now, self.plan, moment)
            if transition.error:
                log.info("prompt not shown: %s", transition.error)
            elif transition.state.hold_reason and transition.state.hold_reason != self.state.hold_reason:
                log.info("prompt held back: %s", transition.state.hold_reason)
            self._apply(transition)
            self._arm()

    off_hours_heartbeat: timedelta = HEARTBEAT_OFF_HOURS

    def resumed(self) -> None:
        """The machine woke from suspend (a signal from the OS): decide at once, not at the next beat."""
        if not self.stopped.is_set():
            self.on_timer()

    def _guided(self, now: datetime) -> bool:
        """Whether the guided window is open; while it is, the prompt it shows stays due."""
        window = self.ports.window
        if window is None or not window.is_open():
            return False
        self._apply(core.guiding(self.state, now))
        return True

    def _sense(self, now: datetime, present: bool = False) -> core.Moment:
        """Read the probes, only in work hours and when not paused; a return from a break re-plans.
        `present`: the user is following the guided window (a quiet keyboard is no break then)."""
        senses = self.ports.senses
        if senses is None or self.state.phase is core.Phase.PAUSED or core.window_at(now, self.plan) is None:
            return core.Moment()
        moment, returned = senses.read(now, self.plan.late_limit, present=present)
        if returned is not None:
            if returned.length >= self.plan.late_limit:
                log.info("natural break of %s", returned.length)
                self._apply(core.natural_break(self.state, returned.began, returned.ended, self.plan))
            else:
                self._apply(core.credit_idle(self.state, returned.began, returned.ended, self.plan))
        return moment

    def command(self, name: str, arg: Any = None) -> dict[str, Any]:
        """Run one command of the table (from the tray, a notification button, the window or the
        socket): an unknown name or a bad argument is refused in one line before anything runs."""
        try:
            check_command(name, arg)
        except ProtocolError as error:
            return {"ok": False, "error": str(error)}
        with self._lock:
            now = self.now()
            self._guided(now)  # the window's prompt is still due: no timeout while it shows
            look = self._catch_up(now)
            state, plan = self.state, self.plan
            self._recorded = []
            answer = HANDLERS[name](self, now, arg)
            reply: dict[str, Any] = {"ok": True, **answer.fields}
            transition = answer.transition
            if transition is not None and transition.error:
                reply.update(ok=False, error=transition.error)
            elif transition is not None:
                if answer.in_window:
                    self._asking_window(transition)
                self._apply(transition)
            if not answer.with_status:
                return reply
            if self.state is not state or self.plan is not plan:  # the command changed them: look again
                look = outlook(self.state, now, self.plan)
            self._arm(look)  # the timer, the tray and the reply read the one outlook
            reply.update(self._status_fields(look))
            if self._recorded:
                reply["recorded"] = "; ".join(self._recorded)
            return reply

    def _catch_up(self, now: datetime) -> Outlook:
        """Bring the state to `now` before a command (a timeout, the end of a pause or snooze) and
        return its outlook. A prompt that falls due is left to the timer, armed for now: it reads
        the probes first, so a status poll never shows a prompt over a full-screen video or a meeting."""
        look = outlook(self.state, now, self.plan)
        if (look.wake is None or look.wake > look.now) and self.state.anchor <= look.now:
            return look  # nothing to decide before now: a tick would change nothing
        transition = core.tick(self.state, now, self.plan)
        if any(isinstance(effect, core.ShowPrompt) for effect in transition.effects):
            return look
        self._apply(transition)
        return outlook(self.state, now, self.plan)

    config_path: Path | None = None  # the file `reload` re-reads (set by daemon/start.py); else config.source
    config_error: str | None = None  # why the last reload was not applied (one line per problem)

    def reload(self, reason: str = "request") -> dict[str, Any]:
        """Re-read and validate the config file; apply it, or keep the last good config and say why.

        Called by the config watcher, SIGHUP, `deskbreak reload` and the tray, on their own threads.
        """
        from .reconfigure import reload_config

        return reload_config(self, reason)

    def open_editor(self) -> dict[str, Any]:
        """Open the config in the user's editor without waiting (created from the example if missing)."""
        from .reconfigure import open_editor

        return open_editor(self)

    def apply_config(self, config: Config) -> None:
        """Use a new, already validated config; the state carries over and the timer re-plans."""
        with self._lock:
            self.config = config
            self.plan, self.catalog = build_plan(config, self._builtin)
            self._arm()

    # --- effects out ---

    def _apply(self, transition: core.Transition) -> None:
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
            self.ports.record(outcome)
        except Exception:  # a history failure must not stop prompting; it is logged with its cause
            log.exception("could not record %s for %s", outcome.outcome, outcome.stretch_id)
            return
        line = self._answer_line(outcome)
        self._recorded.append(line)
        log.info("recorded: %s", line)

    def _answer_line(self, outcome: PromptOutcome) -> str:
        """`Standing back extension done · 2 of 6 today`, with today's count after this record."""
        stretch = self.catalog.get(outcome.stretch_id) if outcome.stretch_id else None
        name = stretch.name if stretch else (outcome.stretch_id or "a stretch")
        counts = self.ports.today_counts(self.now()) if self.ports.today_counts is not None else {}
        return views.answer_line(
            outcome,
            name,
            int((counts or {}).get("done", 0)),
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
            return  # the window stands in for the notification
        self._notify(stretch)

    def _notify(self, stretch) -> None:
        timeout = self.plan.schedule.prompt_timeout_minutes * 60
        picture = self.ports.picture(stretch.id) or self.ports.icon_path  # the stretch, not the app
        prompt = views.prompt_for(stretch, self.plan.schedule.snooze_minutes, picture, timeout)
        take_notice = getattr(self.ports.window, "take_notice", None)
        notice = take_notice() if take_notice else None
        if notice:  # the window could not open: the user learns why once, first (servers cut long bodies)
            prompt = replace(prompt, body=f"{notice}\n{prompt.body}")
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

    def _arm(self, look: Outlook | None = None) -> None:
        """Re-arm the one timer for the core's next instant, capped by the heartbeat. `look`: the
        outlook the caller derived for this event already."""
        look = look or outlook(self.state, self.now(), self.plan)
        now, wake = look.now, look.wake
        in_window = look.window is not None and self.state.phase is not core.Phase.PAUSED
        beat = now + (HEARTBEAT_IN_WINDOW if in_window else self.off_hours_heartbeat)
        run_at = beat if wake is None else min(max(wake, now), beat)
        self._last_beat = run_at
        today_line = self.ports.today_line(now)
        self.ports.tray.update(views.tray_view(look, self.state, self.plan, self.catalog, today_line))
        if self._scheduler is None:
            return
        from .timer import load

        DateTrigger = load()[2]
        self._scheduler.add_job(self.on_timer, DateTrigger(run_date=run_at), id=JOB_ID, replace_existing=True)

    # --- queries ---

    def status(self, now: datetime | None = None) -> dict[str, Any]:
        """The status fields (`deskbreak status --json` without the socket's envelope)."""
        now = now or self.now()
        with self._lock:
            return self._status_fields(outlook(self.state, now, self.plan))

    def _status_fields(self, look: Outlook) -> dict[str, Any]:
        fields = views.status(look, self.state, self.catalog, self.plan.zone)
        fields["today_line"] = self.ports.today_line(look.now)
        if self.ports.today_counts is not None:
            fields["today"] = self.ports.today_counts(look.now)
        fields["notifier"] = self.ports.notifier.name
        fields["tray"] = self.ports.tray.name
        fields["idle_probe"] = self.ports.senses.probe_name if self.ports.senses else "none"
        fields["config"] = self.config.source
        fields["config_error"] = self.config_error
        return fields
