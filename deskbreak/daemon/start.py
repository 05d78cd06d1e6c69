"""`deskbreak run`: the named steps that assemble and run the daemon, errors turned into exit codes."""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import sys
import threading
from pathlib import Path

from ..paths import Paths, default_paths

log = logging.getLogger("deskbreak")

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
MARKER = "safety-note-shown"


def setup_logging(paths: Paths, verbose: bool) -> None:
    """Log to stderr and to a rotating file in the state directory."""
    level = logging.DEBUG if verbose else logging.INFO
    root = logging.getLogger()
    root.setLevel(level)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("deskbreak: %(message)s"))
    root.addHandler(console)
    try:
        paths.state_dir.mkdir(parents=True, exist_ok=True)
        file = logging.handlers.RotatingFileHandler(
            paths.log_file, maxBytes=512 * 1024, backupCount=3, encoding="utf-8"
        )
        file.setFormatter(fmt)
        root.addHandler(file)
    except OSError as error:
        log.warning("not logging to %s: %s", paths.log_file, error)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def choose_notifier(on_action, icon_path: str | None):
    from ..adapters.notify import choose_notifier as choose
    from ..adapters.notify.worker import NotifierWorker

    return NotifierWorker(choose(on_action, icon_path))  # a hung server never holds the daemon


def icon_path() -> str | None:
    from ..assets import asset_path

    path = asset_path("icon.png")
    return str(path) if path else None


def stretch_picture(stretch_id: str) -> str | None:
    """The stretch's picture for its notification (a small variant that reads at ~48 px), if shipped."""
    from ..assets import stretch_thumbnail

    path = stretch_thumbnail(stretch_id)
    return str(path) if path else None


def start_config_watch(daemon, config_path: Path):
    """Live config edits: the file watcher and SIGHUP both reload (on a thread of their own)."""
    from .config_watch import watch_config

    daemon.config_path = Path(config_path)

    def reload(reason: str) -> None:
        threading.Thread(target=daemon.reload, args=(reason,), name="deskbreak-reload", daemon=True).start()

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda signum, frame: reload("SIGHUP"))
    try:
        watcher = watch_config(daemon.config_path, lambda: daemon.reload("file changed"))
    except OSError as error:
        log.warning("not watching %s for changes (%s): use `deskbreak reload`", config_path, error)
        return None
    log.debug("watching %s (%s)", config_path, watcher.name)
    return watcher


def acquire_instance(paths: Paths):
    """The single-instance lock, or None after saying why on stderr (another daemon, a bad dir)."""
    from .control import AlreadyRunning, ControlError, InstanceLock

    try:
        return InstanceLock(paths.runtime_dir).acquire()
    except AlreadyRunning as error:
        print(error, file=sys.stderr)
    except (ControlError, OSError) as error:
        print(f"deskbreak: cannot start: {error}", file=sys.stderr)
    return None


def start_control(daemon, paths: Paths, instance):
    """The control socket (`deskbreak status` & co.), or None after logging why."""
    from .control import AlreadyRunning, ControlError
    from .remote import serve

    try:
        return serve(daemon, paths.socket_file, instance)
    except (AlreadyRunning, ControlError, OSError) as error:
        log.error("cannot start: %s", error)
        return None


def open_history(paths: Paths, zone, on_problem=lambda line: None, known_stretch_ids=None):
    """The recorder: answers kept in memory and a journal at once, written to the history by a
    thread of its own; never fails (a problem shows in `recorder.problem()` and `on_problem`).
    `known_stretch_ids()`: the catalog's ids; done/skip naming another are refused."""
    from ..store.recorder import Recorder

    return Recorder(
        paths.history_file, zone=zone, on_problem=on_problem, known_stretch_ids=known_stretch_ids
    ).start()


def history_ports(history, config, zone) -> dict:
    """The daemon's record / today-line ports backed by the recorder (same numbers as `stats`,
    plus the answers still waiting). Today's counts are in memory: `status` never reads the disk.
    `zone` is the recorder's own (kept in the signature for the caller)."""
    from ..core.stats import today_line

    if history is None:
        return {}
    return {
        "record": history.record,
        "today_line": lambda now: today_line(history.today_counts(now), config.goals.daily_stretches),
        "today_counts": lambda now: _counts_dict(history.today_counts(now)),
    }


def _counts_dict(counts) -> dict:
    names = ("done", "snoozed", "skipped", "ignored", "natural_breaks")
    return {name: getattr(counts, name, 0) if counts else 0 for name in names}


def start_senses(config, zone):
    """The idle probe and calendars, or None when they cannot be had (timing by the clock)."""
    from .senses import build_senses

    if os.environ.get("DESKBREAK_IDLE_PROBE") == "none" and not config.calendar.ics:
        return None
    try:
        return build_senses(config.calendar.ics, zone)
    except Exception as error:  # a probe that fails at start must not stop the daemon
        log.warning("no activity detection (%s): timing by the clock", error)
        return None


def window_launcher(paths: Paths, tray, config_path: Path, on_failed=None):
    """The guided stretch window (#6), started in its own process; it carries Pause/Resume when the
    tray has no menu. `on_failed(stretch_id, reason)`: it started but could not open."""
    from .window_launcher import WindowLauncher

    return WindowLauncher(
        paths.socket_file,
        menu_less=not tray.has_menu,
        config_path=lambda: config_path if config_path.exists() else None,
        on_failed=on_failed,
    )


def first_run(state_dir: Path) -> bool:
    """True the first time it is called for `state_dir` (a marker file remembers it)."""
    marker = Path(state_dir) / MARKER
    if marker.exists():
        return False
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("the safety note was shown\n", encoding="utf-8")
    except OSError as error:  # an unwritable state dir: show the note every run rather than never
        log.debug("cannot write %s: %s", marker, error)
    return True


def safety_note_on_first_run(paths: Paths, notifier, icon: str | None) -> None:
    """The first time deskbreak runs: the short safety note in the log and as a notice."""
    from ..core.safety import SAFETY_NOTE
    from ..ports import NotifierError, Prompt

    if not first_run(paths.state_dir):
        return
    log.warning("safety: %s", SAFETY_NOTE)

    def show() -> None:  # off the main thread: a slow notification server must not hold up the tray
        try:
            notifier.show(Prompt("", "Stretch safely", SAFETY_NOTE, 0, icon, 0, kind="message"))
        except NotifierError as error:
            log.debug("safety note not shown as a notice: %s", error)

    threading.Thread(target=show, name="deskbreak-safety-note", daemon=True).start()


def start_sleep_watch(daemon):
    """Resume-from-suspend signals; with them the off-hours heartbeat can sleep for 30 minutes."""
    from ..adapters.sleep import watch_sleep
    from .service import HEARTBEAT_OFF_HOURS_WITH_RESUME_SIGNAL

    def on_resume() -> None:
        threading.Thread(target=daemon.resumed, name="deskbreak-resume", daemon=True).start()

    watcher = watch_sleep(on_resume)
    if watcher is not None:
        daemon.off_hours_heartbeat = HEARTBEAT_OFF_HOURS_WITH_RESUME_SIGNAL
    return watcher


def run_daemon(config_path: Path, explicit: bool, verbose: bool = False) -> int:
    from .. import ports
    from ..adapters.tray import choose_tray
    from ..assets import builtin_catalog
    from ..core.catalog import CatalogError
    from ..core.config import ConfigError
    from ..store.config_file import load_config
    from .service import Daemon, Ports

    paths = default_paths()
    try:
        config = load_config(config_path, explicit)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    instance = acquire_instance(paths)
    if instance is None:
        return EXIT_FAILURE
    # Load APScheduler now, on the main thread before any other thread exists: its asyncio-free
    # loading swaps a stub into sys.modules for a moment, which no other thread may observe.
    from .timer import load as load_apscheduler

    load_apscheduler()
    setup_logging(paths, verbose)
    if config.source == "<defaults>":
        log.info("no config at %s: using the built-in defaults", config_path)
    try:
        catalog = builtin_catalog()
    except CatalogError as error:
        log.error("the built-in stretch catalog is broken: %s", error)
        return EXIT_FAILURE

    daemon: Daemon | None = None

    def on_action(action: str, argument: int | None) -> None:
        # Notification signals arrive on the notifier's thread: answer on another one.
        names = {ports.DONE: "done", ports.SNOOZE: "snooze", ports.SKIP: "skip", ports.SHOW: "show"}
        if daemon is not None and action in names:
            threading.Thread(target=daemon.command, args=(names[action], argument), daemon=True).start()

    def on_command(name: str, argument: object | None) -> None:
        if daemon is not None:
            threading.Thread(target=daemon.command, args=(name, argument), daemon=True).start()

    icon = icon_path()
    notifier = choose_notifier(on_action, icon)
    tray = choose_tray(on_command)
    from .service import resolve_zone

    zone = resolve_zone(config.schedule.timezone)
    history = open_history(paths, zone)
    senses = start_senses(config, zone)
    from .wall_clock import JumpClock, watch_wall_clock

    clock = JumpClock()
    daemon = Daemon(
        config,
        catalog,
        Ports(
            notifier=notifier,
            tray=tray,
            icon_path=icon,
            senses=senses,
            picture=stretch_picture,
            clock=clock.now,
            clock_jump=clock.take_jump,
            **history_ports(history, config, zone),
        ),
    )
    log.info(
        "config: %s · tray: %s (menu: %s) · notifications: %s",
        config.source,
        tray.name,
        "yes" if tray.has_menu else "no",
        notifier.name,
    )
    daemon.ports.window = window_launcher(paths, tray, config_path, on_failed=daemon.window_failed)
    safety_note_on_first_run(paths, notifier, icon)

    def on_signal(signum, frame) -> None:
        log.info("stopping (%s)", signal.Signals(signum).name)
        daemon.stop()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    control = start_control(daemon, paths, instance)
    if control is None:
        daemon.stop()
        return EXIT_FAILURE
    watcher = start_config_watch(daemon, config_path)
    sleep_watcher = start_sleep_watch(daemon)
    clock_watcher = watch_wall_clock(daemon)
    try:
        tray.run(on_ready=daemon.start_timer)
    finally:
        daemon.stop()
        daemon.ports.window.close()
        control.stop()
        if watcher is not None:
            watcher.stop()
        if senses is not None:
            senses.close()
        if sleep_watcher is not None:
            sleep_watcher.stop()
        clock_watcher.stop()
        if history is not None:
            history.close()
    log.info("stopped")
    return EXIT_OK
