"""The composition root: builds the Daemon once, with every port complete, and hands each resource
to one `contextlib.ExitStack` that closes them in order on exit. The only place that knows every
adapter; nothing sets anything on the daemon after it is built.

Some parts need the daemon before it exists (the notifier's buttons, the tray's menu, the timer, the
window's failure, resume signals). They get `LateDaemon`'s methods, which hand each event to the
daemon once it is bound (events before that are dropped: nothing was shown yet to answer).

The stack unwinds in the reverse of this order, so the notifier closes last, after the daemon's
`stop` withdrew the prompt on screen: notifier, window launcher, history, sleep watcher, senses,
timer, config watcher, control server, tray, and the daemon's stop.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.catalog import Catalog
from ..core.config import Config
from ..paths import Paths
from ..ports import Notifier, Tray
from .senses import Senses
from .service import HEARTBEAT_OFF_HOURS, HEARTBEAT_OFF_HOURS_WITH_RESUME_SIGNAL, Daemon, Ports

if TYPE_CHECKING:
    from ..store.history import History
    from .control import ControlServer
    from .instance import InstanceLock

log = logging.getLogger("deskbreak")

# A notification button's action -> the daemon command it runs (the same words).
ACTION_COMMANDS = {"done": "done", "snooze": "snooze", "skip": "skip", "show": "show"}


class CannotStart(Exception):
    """The daemon cannot run (one line for the log)."""


class LateDaemon:
    """The daemon's entry points, handed out before the daemon is built; `bind` it once built.

    Events from other parts' threads (a notification signal, a menu click, a resume) run on a thread
    of their own, so the caller's loop never waits for the daemon's lock."""

    def __init__(self) -> None:
        self._daemon: Daemon | None = None

    def bind(self, daemon: Daemon) -> None:
        self._daemon = daemon

    def _later(self, name: str, target: Callable[..., object], *args: object) -> None:
        threading.Thread(target=target, args=args, name=name, daemon=True).start()

    def on_action(self, action: str, argument: int | None) -> None:
        daemon = self._daemon
        if daemon is not None and action in ACTION_COMMANDS:
            self._later("deskbreak-action", daemon.command, ACTION_COMMANDS[action], argument)

    def on_command(self, name: str, argument: object | None) -> None:
        if self._daemon is not None:
            self._later("deskbreak-command", self._daemon.command, name, argument)

    def on_timer(self) -> None:  # on the timer's own worker thread already
        if self._daemon is not None:
            self._daemon.on_timer()

    def window_failed(self, stretch_id: str, reason: str) -> None:  # on the window's watcher thread
        if self._daemon is not None:
            self._daemon.window_failed(stretch_id, reason)

    def resumed(self) -> None:
        if self._daemon is not None:
            self._later("deskbreak-resume", self._daemon.resumed)

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
) -> Assembly:
    """Build and start everything but the tray's loop; every resource is on `stack`. `instance`: the
    single-instance lock the control socket keeps (None: it takes one itself). `clock`: a wall clock
    for tests; by default the real one, which also notices when the wall clock is set."""
    from ..adapters.notify import choose_notifier
    from ..adapters.notify.worker import NotifierWorker
    from ..adapters.tray import choose_tray
    from .timer import Timer
    from .wall_clock import JumpClock, watch_wall_clock

    late = LateDaemon()
    clock_jump: Callable[[], timedelta] = lambda: timedelta(0)  # noqa: E731 (a test's clock never jumps)
    if clock is None:
        jump_clock = JumpClock()
        clock, clock_jump = jump_clock.now, jump_clock.take_jump
        stack.callback(watch_wall_clock(late).stop)
    icon = icon_path()
    # From a worker of its own: a hung notification server never holds the daemon's lock.
    notifier = stack.enter_context(closing(NotifierWorker(choose_notifier(late.on_action, icon))))
    tray: Tray = choose_tray(late.on_command)
    window = stack.enter_context(
        closing(window_launcher(paths, tray.has_menu, config_path, late.window_failed))
    )
    history = open_history(paths)
    if history is not None:
        stack.enter_context(closing(history))
    sleep_watcher = start_sleep_watch(late.resumed)
    if sleep_watcher is not None:
        stack.callback(sleep_watcher.stop)
    senses = stack.enter_context(closing(start_senses(clock)))
    timer = stack.enter_context(closing(Timer(late.on_timer)))
    daemon = Daemon(
        config,
        catalog,
        Ports(
            notifier=notifier,
            tray=tray,
            clock=clock,
            clock_jump=clock_jump,
            record=history.record if history is not None else lambda outcome: None,
            day_counts=history.day_counts if history is not None else None,
            icon_path=icon,
            senses=senses,
            window=window,
            picture=stretch_picture,
            timer=timer,
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
    watcher = start_config_watch(late, config_path)
    if watcher is not None:
        stack.callback(watcher.stop)
    stack.callback(start_control(daemon, paths, instance).stop)
    stack.callback(tray.stop)
    stack.callback(daemon.stop)
    return Assembly(daemon, tray, notifier, icon)


def icon_path() -> str | None:
    from ..assets import asset_path

    path = asset_path("icon.png")
    return str(path) if path else None


def stretch_picture(stretch_id: str) -> str | None:
    """The stretch's illustration (assets/stretches/<id>.png) for its notification, if shipped."""
    from ..assets import asset_path

    path = asset_path(f"stretches/{stretch_id}.png")
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


def open_history(paths: Paths) -> History | None:
    """The history store, or None (prompts go on; the reason is logged in one line). Opened without
    a zone: the daemon records each prompt in the zone in use then, which a reload may change."""
    from ..store.history import History, HistoryError

    try:
        history = History.open(paths.history_file)
    except HistoryError as error:
        log.error("%s; prompts go on but are not recorded", error)
        return None
    if history.set_aside is not None:
        log.warning("the history file was damaged: kept as %s, a new one started", history.set_aside)
    return history


def start_senses(clock: Callable[[], datetime]) -> Senses:
    """The idle probe, which knows nothing when it cannot be had (timing by the clock), the call
    sense (asked only when a prompt is due or held, or the user is quiet) and GNOME's break
    reminders where the shell has them. The daemon gives it the config's calendars, when built and
    whenever a config is applied."""
    from ..adapters.activity import choose_activity_probe
    from ..adapters.activity.base import NullProbe
    from ..adapters.calls import choose_call_sense
    from ..adapters.gnome_breaks import follow_gnome_breaks

    try:
        probe = choose_activity_probe()
    except Exception as error:  # a probe that fails at start must not stop the daemon
        log.warning("no activity detection (%s): timing by the clock", error)
        probe = NullProbe(str(error))
    return Senses(probe, calls=choose_call_sense(), desktop_breaks=follow_gnome_breaks(clock=clock))


def start_sleep_watch(on_resume: Callable[[], None]) -> Any:
    """Resume-from-suspend signals, or None (the off-hours heartbeat then wakes every 5 minutes)."""
    from ..adapters.sleep import watch_sleep

    return watch_sleep(on_resume)


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
