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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from ..core import clock_shift, forecast, views
from ..core import schedule as core
from ..core.catalog import Catalog
from ..core.config import Config
from ..core.outcomes import PromptOutcome
from ..core.stats import Counts, today_line
from ..core.workhours import Plan, window_at
from ..ports import GuidedWindow, Notifier, Senses, Tray
from .effects import PromptEffects
from .timer import Alarm
from .today import StoredToday, TallyToday, Today, counts_dict

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
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # How far the wall clock was set since the last call (daemon/wall_clock.py); zero: it was not.
    clock_jump: Callable[[], timedelta] = field(default=lambda: timedelta(0))
    icon_path: str | None = None
    senses: Senses | None = None  # idle probe + calendar; None times by the clock alone
    window: GuidedWindow | None = None  # the guided window; None: notifications only
    picture: Callable[[str], str | None] = lambda stretch_id: None  # a stretch's picture file, if any
    timer: Alarm | None = None  # None: nothing fires `on_timer` (a test steps it itself)


def _answer_arg(arg: Any) -> tuple[int | None, str | None]:
    """`done`/`skip` arguments: the seconds held (an int, the old form) or {"held_seconds": n,
    "stretch": id} from the guided window, which names the stretch on its screen."""
    if isinstance(arg, dict):
        return arg.get("held_seconds"), arg.get("stretch")
    return (arg if isinstance(arg, int) else None), None


def resolve_zone(name: str) -> tzinfo:
    if name:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    import tzlocal

    return tzlocal.get_localzone()


def build_plan(config: Config, catalog: Catalog) -> tuple[Plan, Catalog]:
    full = catalog.for_user(config.stretches.level, config.stretches.custom)
    eligible = full.eligible(config.stretches.postures, config.stretches.exclude)
    focus = [s.id for s in eligible if set(s.areas) & set(config.stretches.focus)]
    zone = resolve_zone(config.schedule.timezone)
    return Plan.from_config(config, zone, [s.id for s in eligible], focus), full


class Daemon(PromptEffects):
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
        self._today: Today = (
            StoredToday(ports.record, ports.day_counts)
            if ports.day_counts is not None
            else TallyToday(ports.record)
        )
        self._builtin = catalog
        self._lock = threading.RLock()
        self._timer_started = False  # the timer is armed once the tray is up (`start_timer`)
        self.config = config
        self.plan, self.catalog = build_plan(config, catalog)
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
        log.info("started: %s", views.headline(self.state, self.now(), self.plan, self.catalog))

    def stop(self) -> None:
        """Quit (`deskbreak quit`, a signal, the tray's Quit): no more firing, the prompt on screen
        withdrawn (its buttons would go nowhere), then the tray ends `run`; the assembly closes the
        rest, the notifier last."""
        if self.stopped.is_set():
            return
        self.stopped.set()
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
        moment, returned = senses.read(now, self.plan.late_limit, present=present)
        if returned is not None:
            if returned.length >= self.plan.late_limit:
                log.info("natural break of %s", returned.length)
                self._apply(core.natural_break(self.state, returned.began, returned.ended, self.plan))
            else:
                self._apply(core.credit_idle(self.state, returned.began, returned.ended, self.plan))
        return moment

    def command(self, name: str, arg: Any = None) -> dict[str, Any]:
        """Run one user command (from the tray, a notification button, the window or the CLI)."""
        with self._lock:
            now = self.now()
            self._guided(now)  # the window's prompt is still due: no timeout while it shows
            self._apply(core.tick(self.state, now, self.plan))
            self._recorded = []
            held, shown = _answer_arg(arg)
            handlers: dict[str, Callable[[], core.Transition | None]] = {
                "now": lambda: core.prompt_now(self.state, now, self.plan),
                "done": lambda: core.done(self.state, now, self.plan, held, shown),
                "snooze": lambda: core.snooze(self.state, now, self.plan, arg),
                "skip": lambda: core.skip(self.state, now, self.plan, shown),
                "another": lambda: core.another(self.state, now, self.plan),
                "pause": lambda: core.pause(self.state, now, self.plan, arg),
                "resume": lambda: core.resume(self.state, now, self.plan),
                "status": lambda: None,
                # The guided window (#6): the prompt (new, or the one shown) opens in the window.
                "show": lambda: self._asking_window(core.prompt_now(self.state, now, self.plan)),
            }
            if name == "pause" and isinstance(arg, str):  # the tray's spec: "30m", "tomorrow"...
                try:
                    arg = self.pause_until(arg, now)
                except ValueError as error:
                    return {"ok": False, "error": str(error), **self.status(now)}
            if name == "reload":
                return {**self.reload("command"), **self.status(now)}
            if name == "edit":  # the tray's "Edit schedule…": the config watcher applies the save
                return {**self.open_editor(), **self.status(now)}
            if name == "quit":
                threading.Thread(target=self.stop, name="deskbreak-quit", daemon=True).start()
                return {"ok": True}
            if name == "next":  # what this daemon will deal, for `deskbreak next`
                upcoming = forecast.upcoming_prompts(self.state, now, self.plan, arg or 5)
                return {"ok": True, "upcoming": views.next_lines(upcoming, self.catalog, self.plan.zone)}
            if name not in handlers:
                return {"ok": False, "error": f"unknown command {name!r}"}
            transition = handlers[name]()
            error = transition.error if transition else None
            if transition and not error:
                self._apply(transition)
            self._arm()
            reply = {"ok": error is None, **self.status(now)}
            if error:
                reply["error"] = error
            if self._recorded:
                reply["recorded"] = "; ".join(self._recorded)
            return reply

    def pause_until(self, spec: str, now: datetime) -> datetime | None:
        """When a pause given as a spec ("30m", "2h", "tomorrow", "forever") ends; ValueError if bad."""
        from ..core.protocol import parse_pause
        from ..core.schedule import windows_from

        plan = self.plan

        def first(day):
            return next((start for start, _end in windows_from(day, plan.schedule, plan.zone)), None)

        return parse_pause(spec, now, plan.zone, first)

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
        """Use a new, already validated config; the state carries over and the timer re-plans.
        The plan, zone and catalog are rebuilt here, the calendars re-read; the goal and the window
        policy are read from `self.config` where they are used."""
        with self._lock:
            old_zone, old_ics = self.plan.zone, self.config.calendar.ics
            self.config = config
            self.plan, self.catalog = build_plan(config, self._builtin)
            senses = self.ports.senses
            if senses is not None and (config.calendar.ics != old_ics or self.plan.zone != old_zone):
                senses.use_calendar(config.calendar.ics, self.plan.zone)
            self._arm()

    def _arm(self) -> None:
        """Re-arm the one timer for the core's next instant, capped by the heartbeat."""
        now = self.now()
        wake = core.next_wakeup(self.state, self.plan)
        in_window = window_at(now, self.plan) is not None and self.state.phase is not core.Phase.PAUSED
        beat = now + (HEARTBEAT_IN_WINDOW if in_window else self.off_hours_heartbeat)
        run_at = beat if wake is None else min(max(wake, now), beat)
        self._last_beat = run_at
        self.ports.tray.update(
            views.tray_view(self.state, now, self.plan, self.catalog, self.today_line(now))
        )
        if self._timer_started and self.ports.timer is not None:
            self.ports.timer.arm(run_at)

    # --- queries ---

    def today_line(self, now: datetime) -> str:
        """ "Today: 2 of 8 done": today in the zone in use, against the goal in use."""
        counts = self._today.counts(now, self.plan.zone)
        return today_line(counts, self.config.goals.daily_stretches)

    def status(self, now: datetime | None = None) -> dict[str, Any]:
        now = now or self.now()
        with self._lock:
            fields = views.status(self.state, now, self.plan, self.catalog)
            counts = self._today.counts(now, self.plan.zone)
            fields["today_line"] = today_line(counts, self.config.goals.daily_stretches)
            fields["today"] = counts_dict(counts)
            fields["notifier"] = self.ports.notifier.name
            fields["tray"] = self.ports.tray.name
            fields["idle_probe"] = self.ports.senses.probe_name if self.ports.senses else "none"
            fields["config"] = self.config.source
            fields["config_error"] = self.config_error
            return fields
