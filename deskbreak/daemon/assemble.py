"""The composition root: builds the Daemon once, with every port complete, and hands each resource
to one `contextlib.ExitStack` that closes them in order on exit. The only place that knows every
adapter; nothing sets anything on the daemon after it is built.

Some parts need the daemon before it exists (the notifier's buttons, the tray's menu, the timer, the
window's failure, resume signals). They get `LateDaemon`'s methods, which hand each event to the
daemon once it is bound (events before that are dropped: nothing was shown yet to answer).

The stack unwinds in the reverse of this order, so the notifier closes last, after the daemon's
`stop` withdrew the prompt on screen: notifier, window launcher, recorder (the history), sleep
watcher, senses, timer, config watcher, control server, tray, and the daemon's stop.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Collection, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..adapters.choose import Choice
from ..core.catalog import Catalog
from ..core.config import Config
from ..core.sync import SharedRecord
from ..i18n import N_, _
from ..paths import Paths
from ..ports import DISMISSED, Notice, Notifier, NotifierError, Tray
from .facts import SessionChoices
from .senses import Senses
from .service import HEARTBEAT_OFF_HOURS, HEARTBEAT_OFF_HOURS_WITH_RESUME_SIGNAL, Daemon, Ports
from .today import RecordedToday

if TYPE_CHECKING:
    from ..adapters.activity.base import ActivityProbe
    from ..adapters.memory import Heap
    from ..store.recorder import Recorder
    from .control import ControlServer
    from .instance import InstanceLock
    from .sync import SharedRoutine

log = logging.getLogger("deskbreak")

# A notification button's action -> the daemon command it runs (the same words). A prompt closed
# without an answer goes to `Daemon.prompt_closed` (a snooze).
ACTION_COMMANDS = {"done": "done", "snooze": "snooze", "skip": "skip", "show": "show"}
# A history write waits this long for another process's lock before the answer waits instead...
HISTORY_BUSY_TIMEOUT = 0.25  # seconds
# ...and an answer waits this long at most for its write, so its reply can say why it is not saved.
ANSWER_SETTLE = 0.5  # seconds


class CannotStart(Exception):
    """The daemon cannot run (one line for the log)."""


class LateDaemon:
    """The daemon's entry points, handed out before the daemon is built; `bind` it once built.

    Events from other parts' threads (a notification signal, a menu click, a resume) run on a thread
    of their own, so the caller's loop never waits for the daemon's lock."""

    def __init__(self, after_event: Callable[[], None] = lambda: None) -> None:
        self._daemon: Daemon | None = None
        self._after_event = after_event  # once an event is handled: the heap's trim

    def bind(self, daemon: Daemon) -> None:
        self._daemon = daemon

    def _later(self, name: str, target: Callable[..., object], *args: object) -> None:
        threading.Thread(target=target, args=args, name=name, daemon=True).start()

    def _then_trim(self, target: Callable[..., object]) -> Callable[..., None]:
        def run(*args: object) -> None:
            try:
                target(*args)
            finally:
                self._after_event()

        return run

    def on_action(self, action: str, argument: int | None) -> None:
        daemon = self._daemon
        if daemon is not None and action in ACTION_COMMANDS:
            self._later(
                "deskbreak-action", self._then_trim(daemon.command), ACTION_COMMANDS[action], argument
            )
        elif daemon is not None and action == DISMISSED:
            self._later("deskbreak-action", self._then_trim(daemon.prompt_closed))

    def on_command(self, name: str, argument: object | None) -> None:
        if self._daemon is not None:
            self._later("deskbreak-command", self._daemon.command, name, argument)

    def on_timer(self) -> None:  # on the timer's own worker thread already
        if self._daemon is not None:
            try:
                self._daemon.on_timer()
            finally:
                self._after_event()  # a prompt shown, a heartbeat: what it allocated and freed goes back

    def stretch_ids(self) -> tuple[str, ...]:
        """The ids of the daemon's catalog (built-in and the user's own); none before it is built."""
        return self._daemon.catalog.ids() if self._daemon is not None else ()

    def window_failed(self, stretch_id: str, reason: str) -> None:  # on the window's watcher thread
        if self._daemon is not None:
            self._daemon.window_failed(stretch_id, reason)

    def resumed(self) -> None:
        if self._daemon is not None:
            self._later("deskbreak-resume", self._daemon.resumed)

    def shared_records(self, records: Sequence[SharedRecord]) -> None:  # on the folder watcher's thread
        if self._daemon is not None:
            self._daemon.shared_records(records)

    def close_shared(self, opened_at_start: SharedRoutine | None) -> None:
        """Close the synced folder in use: the daemon's, or the one opened for it when it was never built."""
        if self._daemon is not None:
            self._daemon.sync.close()
        elif opened_at_start is not None:
            opened_at_start.close()

    def reload(self, reason: str) -> None:  # on the config watcher's thread
        if self._daemon is not None:
            self._daemon.reload(reason)

    def reload_later(self, reason: str) -> None:  # from a signal handler: never wait there
        if self._daemon is not None:
            self._later("deskbreak-reload", self._daemon.reload, reason)


@dataclass(frozen=True)
class Assembly:
    daemon: Daemon
    tray: Tray  # `run` owns the main thread
    notifier: Notifier  # the safety note goes through it
    icon_path: str | None


def assemble(
    config: Config,
    config_path: Path,
    catalog: Catalog,
    paths: Paths,
    instance: InstanceLock | None,
    stack: ExitStack,
    clock: Callable[[], datetime] | None = None,
    heap: Heap | None = None,
) -> Assembly:
    """Build and start everything but the tray's loop; every resource is on `stack`. `instance`: the
    single-instance lock the control socket keeps (None: it takes one itself). `clock`: a wall clock
    for tests; by default the real one, which also notices when the wall clock is set. `heap`: trimmed
    after each timer event and answer (none: left as it is)."""
    from ..adapters.notify import pick_notifier
    from ..adapters.notify.worker import NotifierWorker
    from ..adapters.tray import pick_tray
    from .timer import Timer
    from .wall_clock import JumpClock, watch_wall_clock

    late = LateDaemon(heap.trim if heap is not None else lambda: None)
    clock_jump: Callable[[], timedelta] = lambda: timedelta(0)  # noqa: E731 (a test's clock never jumps)
    if clock is None:
        jump_clock = JumpClock()
        clock, clock_jump = jump_clock.now, jump_clock.take_jump
        stack.callback(watch_wall_clock(late).stop)
    icon = icon_path()
    # From a worker of its own: a hung notification server never holds the daemon's lock.
    notifications = pick_notifier(late.on_action, icon)
    notifier = stack.enter_context(closing(NotifierWorker(notifications.adapter)))
    tray_choice = pick_tray(late.on_command)
    tray: Tray = tray_choice.adapter
    window = stack.enter_context(
        closing(window_launcher(paths, tray.has_menu, config_path, late.window_failed))
    )
    recorder = stack.enter_context(
        closing(open_recorder(paths, clock, late.stretch_ids, HistoryNotice(notifier, icon)))
    )
    resume = start_sleep_watch(late.resumed)
    sleep_watcher = resume.adapter
    if sleep_watcher is not None:
        stack.callback(sleep_watcher.stop)
    idle_probe = pick_idle_probe()
    senses = stack.enter_context(closing(start_senses(idle_probe.adapter, clock)))
    # What `doctor` reports: the choosers' decisions, kept, and the notifier the chain uses now.
    session = SessionChoices(notifications, tray_choice, idle_probe, resume, lambda: notifier.name)
    timer = stack.enter_context(closing(Timer(late.on_timer)))
    shared = open_shared_routine(config, paths, late, clock)
    stack.callback(late.close_shared, shared)  # the folder in use then, after reloads too
    daemon = Daemon(
        config,
        catalog,
        Ports(
            notifier=notifier,
            tray=tray,
            clock=clock,
            clock_jump=clock_jump,
            today=RecordedToday(recorder, settle=ANSWER_SETTLE),
            icon_path=icon,
            senses=senses,
            window=window,
            picture=stretch_picture,
            timer=timer,
            facts=session.facts,
            shared=shared,
            open_shared=lambda changed: open_shared_routine(changed, paths, late, clock),
        ),
        config_path=config_path,
        off_hours_heartbeat=(
            HEARTBEAT_OFF_HOURS if sleep_watcher is None else HEARTBEAT_OFF_HOURS_WITH_RESUME_SIGNAL
        ),
    )
    late.bind(daemon)
    log.info(
        "config: %s · tray: %s (menu: %s) · notifications: %s",
        config.source,
        tray.name,
        "yes" if tray.has_menu else "no",
        notifier.name,
    )
    log.info("%s", where_prompts_appear(notifier.name, tray.name), extra={"console": True})
    watcher = start_config_watch(late, config_path)
    if watcher is not None:
        stack.callback(watcher.stop)
    stack.callback(start_control(daemon, paths, instance).stop)
    stack.callback(tray.stop)
    stack.callback(daemon.stop)
    return Assembly(daemon, tray, notifier, icon)


# Where prompts appear, said once at start: (the notifier's kind, whether the tray has a menu) -> the
# line. Whole sentences, so each language orders its own; plyer cannot ask whether a notification
# server is there (its chain learns at the first prompt), so the terminal is named too.
PROMPTS_APPEAR = {
    # Translators: said at start; `deskbreak done|snooze|skip` are commands, typed as written.
    ("log", True): N_(
        "prompts appear on this terminal; answer in the tray icon's menu, with deskbreak done|snooze|skip"
    ),
    # Translators: said at start; `deskbreak done|snooze|skip` are commands, typed as written.
    ("log", False): N_("prompts appear on this terminal; answer with deskbreak done|snooze|skip"),
    # Translators: said at start; {notifier} names the notification backend ("plyer").
    ("plyer", True): N_(
        "prompts appear as desktop notifications ({notifier}), or on this terminal if none can be shown; "
        "answer in the tray icon's menu, with deskbreak done|snooze|skip"
    ),
    # Translators: said at start; {notifier} names the notification backend ("plyer").
    ("plyer", False): N_(
        "prompts appear as desktop notifications ({notifier}), or on this terminal if none can be shown; "
        "answer with deskbreak done|snooze|skip"
    ),
    # Translators: said at start; {notifier} names the notification backend ("freedesktop").
    ("desktop", True): N_(
        "prompts appear as desktop notifications ({notifier}); answer in the tray icon's menu, "
        "with deskbreak done|snooze|skip"
    ),
    # Translators: said at start; {notifier} names the notification backend ("freedesktop").
    ("desktop", False): N_(
        "prompts appear as desktop notifications ({notifier}); answer with deskbreak done|snooze|skip"
    ),
}


def where_prompts_appear(notifier: str, tray: str) -> str:
    """One line for the terminal at start, in the user's language: where prompts appear and are answered."""
    kind = notifier if notifier in ("log", "plyer") else "desktop"
    return _(PROMPTS_APPEAR[kind, tray != "headless"]).format(notifier=notifier)


def icon_path() -> str | None:
    from ..assets import asset_path

    path = asset_path("icon.png")
    return str(path) if path else None


def stretch_picture(stretch_id: str) -> str | None:
    """The stretch's picture for its notification (a small variant that reads at ~48 px), if shipped."""
    from ..assets import stretch_thumbnail

    path = stretch_thumbnail(stretch_id)
    return str(path) if path else None


def window_launcher(
    paths: Paths, tray_has_menu: bool, config_path: Path, on_failed: Callable[[str, str], None]
) -> Any:
    """The guided stretch window, started in its own process; it carries Pause/Resume when the tray
    has no menu. `on_failed(stretch_id, reason)`: it started but could not open."""
    from .window_launcher import WindowLauncher

    return WindowLauncher(
        paths.socket_file,
        menu_less=not tray_has_menu,
        config_path=lambda: config_path if config_path.exists() else None,
        on_failed=on_failed,
    )


def open_shared_routine(
    config: Config, paths: Paths, late: LateDaemon, clock: Callable[[], datetime]
) -> SharedRoutine | None:
    """The synced folder, when `[sync] folder` names one (at start and on a reload): this machine's
    id (kept in the state folder) and name (the host name unless the config names it)."""
    if not config.sync.folder:
        return None
    import socket

    from ..store.sync_folder import machine_id
    from .sync import SharedRoutine

    try:
        machine = machine_id(paths.state_dir)
    except OSError as error:
        log.warning("not sharing through %s: no machine id (%s)", config.sync.folder, error)
        return None
    name = config.sync.machine_name or socket.gethostname()
    log.info("sharing the routine through %s as %s", config.sync.folder, name)
    return SharedRoutine(Path(config.sync.folder), machine, name, late.shared_records, clock).start()


def open_recorder(
    paths: Paths,
    clock: Callable[[], datetime],
    stretch_ids: Callable[[], Collection[str]],
    on_problem: Callable[[str | None], None],
) -> Recorder:
    """The history, behind the recorder that keeps every answer (store/recorder.py); it never
    fails to start: a history it cannot use shows in `status` and `on_problem`. Without a zone: the
    daemon records each answer in the zone in use then, which a reload may change."""
    from ..store.recorder import Recorder

    return Recorder(
        paths.history_file,
        clock=clock,
        known_stretch_ids=stretch_ids,
        on_problem=on_problem,
        busy_timeout=HISTORY_BUSY_TIMEOUT,
    ).start()


class HistoryNotice:
    """One notice per new history problem (the recorder calls it on its own thread when the
    line changes); the line stays in `deskbreak status` until the problem is gone."""

    def __init__(self, notifier: Notifier, icon: str | None) -> None:
        self._notifier = notifier
        self._icon = icon
        self._last: str | None = None  # a problem that clears and comes back is not news

    def __call__(self, line: str | None) -> None:
        if line is None:
            log.info("history: answers are saved again")
            return
        if line == self._last:
            return
        self._last = line
        try:  # the notifier worker returns at once: the recorder's thread never waits on a server
            self._notifier.notify(Notice(_("deskbreak: history problem"), line, self._icon))
        except NotifierError as error:
            log.warning("history problem not shown as a notice: %s", error)


def pick_idle_probe() -> Choice[ActivityProbe]:
    """The idle probe (for the daemon's senses), which knows nothing when it cannot be had (timing by
    the clock). The daemon gives the senses the config's calendars, when built and whenever a config
    is applied."""
    from ..adapters.activity import pick_activity_probe
    from ..adapters.activity.base import NullProbe
    from ..adapters.choose import Failure, why_not

    try:
        return pick_activity_probe()
    except Exception as error:  # a probe that fails at start must not stop the daemon
        log.warning("no activity detection (%s): timing by the clock", error)
        failure = Failure("chooser", why_not(error))
        return Choice("idle probe", "none", NullProbe(str(error)), "", (failure,))


def start_senses(probe: ActivityProbe, clock: Callable[[], datetime]) -> Senses:
    """The idle probe, the call sense (asked only when a prompt is due or held, or the user is
    quiet) and GNOME's break reminders where the shell has them. The daemon gives the senses the
    config's calendars, when built and whenever a config is applied."""
    from ..adapters.calls import choose_call_sense
    from ..adapters.gnome_breaks import follow_gnome_breaks

    return Senses(probe, calls=choose_call_sense(), desktop_breaks=follow_gnome_breaks(clock=clock))


def start_sleep_watch(on_resume: Callable[[], None]) -> Choice[Any]:
    """Resume-from-suspend signals; its adapter is None where there are none (the off-hours
    heartbeat then wakes every 5 minutes)."""
    from ..adapters.sleep import pick_sleep_watcher

    return pick_sleep_watcher(on_resume)


def start_config_watch(late: LateDaemon, config_path: Path) -> Any:
    """Live config edits: the file watcher (on its thread) and SIGHUP (on a thread of its own) reload."""
    from .config_watch import watch_config

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda signum, frame: late.reload_later("SIGHUP"))
    try:
        watcher = watch_config(config_path, lambda: late.reload("file changed"))
    except OSError as error:
        log.warning("not watching %s for changes (%s): use `deskbreak reload`", config_path, error)
        return None
    log.debug("watching %s (%s)", config_path, watcher.name)
    return watcher


def start_control(daemon: Daemon, paths: Paths, instance: InstanceLock | None) -> ControlServer:
    """The control socket (`deskbreak status` & co.); CannotStart says why not."""
    from .instance import AlreadyRunning, ControlError
    from .remote import serve

    try:
        return serve(daemon, paths.socket_file, instance)
    except (AlreadyRunning, ControlError, OSError) as error:
        raise CannotStart(str(error)) from None
