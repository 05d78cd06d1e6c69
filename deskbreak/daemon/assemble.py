"""The composition root: builds the Daemon once, with every port complete, and hands each resource
to one `contextlib.ExitStack` that closes them in order on exit. The only place that knows every
adapter; nothing sets anything on the daemon after it is built.

Some parts need the daemon before it exists (the notifier's buttons, the tray's menu, the timer, the
window's failure, resume signals). They get `LateDaemon`'s methods (late.py), which hand each event
to the daemon once it is bound (events before that are dropped: nothing was shown yet to answer).
Each part is opened or started by its function in parts.py.

The stack unwinds in the reverse of this order, so the notifier closes last, after the daemon's
`stop` withdrew the prompt on screen: notifier, window launcher, recorder (the history), sleep
watcher, senses, timer, config watcher, control server, tray, and the daemon's stop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.catalog import Catalog
from ..core.config import Config
from ..i18n import N_, _
from ..paths import Paths
from ..ports import Notifier, Tray
from .facts import SessionChoices
from .late import LateDaemon
from .parts import (
    HistoryNotice,
    icon_path,
    open_recorder,
    open_shared_routine,
    pick_idle_probe,
    start_config_watch,
    start_control,
    start_senses,
    start_sleep_watch,
    stretch_picture,
    window_launcher,
)
from .service import HEARTBEAT_OFF_HOURS, HEARTBEAT_OFF_HOURS_WITH_RESUME_SIGNAL, Daemon, Ports
from .today import RecordedToday

if TYPE_CHECKING:
    from ..adapters.memory import Heap
    from .instance import InstanceLock

log = logging.getLogger("deskbreak")

# An answer waits this long at most for its write (after parts.HISTORY_BUSY_TIMEOUT for another
# process's lock), so its reply can say why it is not saved.
ANSWER_SETTLE = 0.5  # seconds


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
