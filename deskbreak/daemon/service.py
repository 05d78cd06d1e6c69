"""The Daemon: drives the schedule core from the clock, the timer, the notifier, the tray and the
history, all given to it complete in `Ports` (assembled once by daemon/assemble.py). Everything it
derives from the config (plan, zone, goal, calendar, window policy) is recomputed in `apply_config`
or read from `self.config` where it is used.

Threads: the tray (or the headless wait) owns the main thread; the timer's thread fires `on_timer`;
menu clicks and (later) control requests arrive on their own threads. All of them go through
`Daemon.command`, which holds one lock while it drives the core, so the core is only ever stepped
from one place at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..core import clock_shift, forecast, views, workhours
from ..core import schedule as core
from ..core.calls import ask_calls
from ..core.catalog import Catalog
from ..core.commands import check as check_command
from ..core.config import Config
from ..core.outcomes import PromptOutcome
from ..core.outlook import Outlook, outlook
from ..core.protocol import ProtocolError
from ..core.stats import Counts
from ..core.sync import SharedRecord, answered_elsewhere
from ..core.workhours import window_at
from ..ports import GuidedWindow, Notifier, Senses, Tray
from .commands import HANDLERS
from .effects import PromptEffects
from .events import EventHub
from .queries import StatusQueries
from .sync import SharedRoutine
from .sync_link import OpenShared, SyncLink
from .timer import Alarm
from .today import StoredToday, TallyToday, Today
from .zone import resolve_zone

log = logging.getLogger(__name__)

HEARTBEAT_IN_WINDOW = timedelta(seconds=60)  # the tray ring moves at most once a minute
HEARTBEAT_OFF_HOURS = timedelta(minutes=5)  # catches a resume from suspend (the timer is monotonic)
HEARTBEAT_OFF_HOURS_WITH_RESUME_SIGNAL = timedelta(minutes=30)  # resumes are signalled (logind)


@dataclass(frozen=True)
class Ports:
    """The outside world as the daemon sees it, complete when the daemon is built; tests pass fakes."""

    notifier: Notifier
    tray: Tray
    record: Callable[[PromptOutcome], object] = lambda outcome: None  # where outcomes are kept
    # The store's counts per local day (first, last): today's line and `status`; None: counted in memory.
    day_counts: Callable[[date, date], Sequence[Counts]] | None = None
    today: Today | None = None  # where outcomes go and today is counted; overrides the two above
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # How far the wall clock was set since the last call (daemon/wall_clock.py); zero: it was not.
    clock_jump: Callable[[], timedelta] = field(default=lambda: timedelta(0))
    icon_path: str | None = None
    senses: Senses | None = None  # idle probe + calendar; None times by the clock alone
    window: GuidedWindow | None = None  # the guided window; None: notifications only
    picture: Callable[[str], str | None] = lambda stretch_id: None  # a stretch's picture file, if any
    timer: Alarm | None = None  # None: nothing fires `on_timer` (a test steps it itself)
    # What the daemon uses in its session (daemon/facts.py), for `doctor`; never blocks.
    facts: Callable[[], Mapping[str, Any]] = dict
    events: EventHub = field(default_factory=EventHub)  # `status --follow` and `events` read it
    shared: SharedRoutine | None = None  # the synced folder ([sync] folder); None: this machine alone
    # Opens the folder a reloaded `[sync]` names (None when it is off); None: a change waits for a restart.
    open_shared: OpenShared | None = None


class Daemon(StatusQueries, PromptEffects):
    def __init__(
        self,
        config: Config,
        catalog: Catalog,
        ports: Ports,
        seed: int | None = None,
        *,
        config_path: Path | None = None,
        off_hours_heartbeat: timedelta = HEARTBEAT_OFF_HOURS,
    ):
        """`config_path`: the file `reload` re-reads (else `config.source`). `off_hours_heartbeat`:
        how long the timer may sleep outside work hours (longer when resumes are signalled)."""
        self.ports = ports
        self.config_path = config_path
        self.off_hours_heartbeat = off_hours_heartbeat
        self._today: Today = ports.today or (
            StoredToday(ports.record, ports.day_counts)
            if ports.day_counts is not None
            else TallyToday(ports.record)
        )
        self._builtin = catalog
        self._lock = threading.RLock()
        self._timer_started = False  # the timer is armed once the tray is up (`start_timer`)
        self.config = config
        self.sync = SyncLink(ports.shared, config.sync, ports.open_shared)
        self.plan, self.catalog = workhours.build_plan(
            config, catalog, resolve_zone(config.schedule.timezone)
        )
        if ports.senses is not None and config.calendar.ics:  # read here and in `apply_config` only
            ports.senses.use_calendar(config.calendar.ics, self.plan.zone)
        now = self.now()
        # One deck per local day: `deskbreak next` without a daemon deals what one started now would.
        self.state = core.start(
            now, seed=seed if seed is not None else forecast.daily_seed(now, self.plan.zone)
        )
        self._recorded: list[str] = []  # what the current command's answer recorded, in words
        self._last_beat: datetime | None = None  # when the armed timer should fire
        self.stopped = threading.Event()

    # --- lifecycle ---

    def now(self) -> datetime:
        with self._lock:  # a reading and its jump together, so a jump is applied exactly once
            now = self.ports.clock().astimezone(UTC)
            jump = self.ports.clock_jump()
            if jump:
                # The wall clock was set: intervals are real time, so their instants move with it.
                self.state = clock_shift.shift_instants(self.state, jump)
                self._last_beat = self._last_beat + jump if self._last_beat else None
                way = "back" if jump < timedelta(0) else "forward"
                log.info("the clock was set %s by %s: intervals keep their real length", way, abs(jump))
            return now

    def start_timer(self) -> None:
        """The tray is up: arm the timer (called once, by the tray's `run`)."""
        with self._lock:
            self._timer_started = True
            self._arm()
        look = outlook(self.state, self.now(), self.plan)
        log.info("started: %s", views.headline(look, self.state, self.catalog, self.plan.zone))
        self.ports.events.started(look.now, self.plan.zone)
        # For the terminal: when the first stretch comes (and how to try one now, off hours).
        line = views.start_line(look, self.state, self.catalog, self.plan.zone)
        log.info("%s", line, extra={"console": True})

    def stop(self) -> None:
        """Quit (`deskbreak quit`, a signal, the tray's Quit): no more firing, the prompt on screen
        withdrawn (its buttons would go nowhere), then the tray ends `run`; the assembly closes the
        rest, the notifier last."""
        if self.stopped.is_set():
            return
        self.stopped.set()
        self.ports.events.stopping(self.ports.clock(), self.plan.zone)
        try:
            if self.ports.timer is not None:
                self.ports.timer.stop()
            self._withdraw()
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
        if senses is None or self.state.phase is core.Phase.PAUSED or window_at(now, self.plan) is None:
            return core.Moment()
        ask = ask_calls(self.state, now, self.plan)
        moment, returned = senses.read(now, self.plan.late_limit, present=present, ask_calls=ask)
        shared = self.sync.routine
        if moment.idle_seconds is not None and moment.idle_seconds < 60 and shared is not None:
            shared.active(now)
        if (
            returned is not None
            and shared is not None
            and shared.busy_elsewhere(returned.began, returned.ended)
        ):
            log.info("idle here for %s but active on another machine: work, not a break", returned.length)
            returned = None
        if returned is not None:
            if returned.length >= self.plan.late_limit or returned.announced:
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

    def shared_records(self, records: Sequence[SharedRecord]) -> None:
        """Other machines' new records (from the sync folder's watcher thread): a stretch answered
        there re-anchors the interval here and withdraws a prompt showing here."""
        if self.stopped.is_set():
            return
        with self._lock:
            now = self.now()
            for record in records:
                transition = answered_elsewhere(self.state, now, record)
                if transition.state is not self.state:
                    log.info("%s on %s: the interval starts again here", record.kind, record.machine_name)
                    self._apply(transition)
            self._arm()  # the tray's count moves even when the schedule does not

    def prompt_closed(self) -> None:
        """The user closed the prompt's bubble without an answer (on a thread of its own): a snooze
        for the configured minutes, so it comes back rather than staying due unseen. Not while the
        guided window shows the stretch: then the bubble was closed to follow the window."""
        window = self.ports.window
        if window is not None and window.is_open():
            return
        self.command("snooze")

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

    config_error: str | None = None  # why the last reload was not applied (one line per problem)

    def reload(self, reason: str = "request") -> dict[str, Any]:
        """Re-read and validate the config file; apply it, or keep the last good config and say why.

        Called by the config watcher, SIGHUP, `deskbreak reload` and the tray, on their own threads.
        """
        from .reconfigure import reload_config

        reply = reload_config(self, reason)
        with self._lock:
            config = self.config
        self.sync.follow(config)  # outside the lock: opening and closing a folder may take a while
        with self._lock:  # the event; status followers see the config error come or go
            now = self.now()
            self.ports.events.reloaded(reply, now, self.plan.zone)
            self.ports.events.status(outlook(self.state, now, self.plan), self._status_fields)
        return reply

    def open_editor(self) -> dict[str, Any]:
        """Open the config in the user's editor without waiting (created from the example if missing)."""
        from .reconfigure import open_editor

        return open_editor(self)

    def apply_config(self, config: Config) -> None:
        """Use a new, already validated config; the state carries over and the timer re-plans.
        The plan, zone and catalog are rebuilt here, the calendars re-read; the goal and the window
        policy are read from `self.config` where they are used."""
        with self._lock:
            old_zone, old_ics = self.plan.zone, self.config.calendar.ics
            if config.sync != self.config.sync and not self.sync.live:  # `reload` follows it when live
                log.warning(
                    "[sync] changed: it takes effect when deskbreak next starts (`deskbreak quit`, then start it)"
                )
            self.config = config
            zone = resolve_zone(config.schedule.timezone)
            self.plan, self.catalog = workhours.build_plan(config, self._builtin, zone)
            senses = self.ports.senses
            if senses is not None and (config.calendar.ics != old_ics or self.plan.zone != old_zone):
                senses.use_calendar(config.calendar.ics, self.plan.zone)
            self._arm()

    def _arm(self, look: Outlook | None = None) -> None:
        """Re-arm the one timer for the core's next instant, capped by the heartbeat. `look`: the
        outlook the caller derived for this event already."""
        look = look or outlook(self.state, self.now(), self.plan)
        now, wake = look.now, look.wake
        in_window = look.window is not None and self.state.phase is not core.Phase.PAUSED
        beat = now + (HEARTBEAT_IN_WINDOW if in_window else self.off_hours_heartbeat)
        run_at = beat if wake is None else min(max(wake, now), beat)
        self._last_beat = run_at
        if self._timer_started and self.ports.timer is not None:
            self.ports.timer.arm(run_at)  # first: nothing the tray's line reads decides it
        self.ports.tray.update(
            views.tray_view(look, self.state, self.plan, self.catalog, self.today_line(now))
        )
        self.ports.events.status(look, self._status_fields)
