"""The daemon's parts, each opened or started the one way `assemble` uses: the history's recorder,
the synced folder, the guided window's launcher, the senses, the sleep and config watchers and the
control socket. Each imports its adapter only when called.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..adapters.choose import Choice
from ..core.config import Config
from ..i18n import _
from ..paths import Paths
from ..ports import Notice, Notifier, NotifierError
from .senses import Senses

if TYPE_CHECKING:
    from ..adapters.activity.base import ActivityProbe
    from ..store.recorder import Recorder
    from .control import ControlServer
    from .instance import InstanceLock
    from .late import LateDaemon
    from .service import Daemon
    from .sync import SharedRoutine

log = logging.getLogger("deskbreak")

# A history write waits this long for another process's lock; then the answer waits in the recorder.
HISTORY_BUSY_TIMEOUT = 0.25  # seconds


class CannotStart(Exception):
    """The daemon cannot run (one line for the log)."""


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
