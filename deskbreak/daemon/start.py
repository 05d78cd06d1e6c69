"""`deskbreak run`: the named steps that assemble and run the daemon, errors turned into exit codes."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters.locale import adopt_language
from ..adapters.memory import heap_for_platform, load_only_used_x_extensions
from ..i18n import _
from ..paths import Paths, default_paths
from ..ports import Notice, Notifier, NotifierError
from ..store.private import PrivateRotatingFileHandler, private_dir, tighten_file, write_private_text

if TYPE_CHECKING:
    from .instance import InstanceLock

log = logging.getLogger("deskbreak")

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
MARKER = "safety-note-shown"
LOG_BACKUPS = 3


# A log record with this attribute set (`extra=CONSOLE`) is for the user at the terminal too.
CONSOLE = {"console": True}


class ConsoleFilter(logging.Filter):
    """Without `-v` the terminal gets only what a user needs at start (where prompts appear, when
    the first comes, the safety note) and errors; the rest (probe fallbacks, migrations, library
    chatter) is in the log file, and on the terminal with `-v`."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        return self.verbose or record.levelno >= logging.ERROR or getattr(record, "console", False)


class ConsoleFormatter(logging.Formatter):
    """`deskbreak: message`, once: a message that names deskbreak itself gets no second prefix."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if text.startswith("deskbreak") else f"deskbreak: {text}"


def setup_logging(paths: Paths, verbose: bool) -> None:
    """Log to a rotating file in the state directory, and to stderr what `ConsoleFilter` lets by.
    The log says when the user was at their desk, so it and its folder are private (0600 in 0700),
    an older run's tightened."""

    level = logging.DEBUG if verbose else logging.INFO
    root = logging.getLogger()
    root.setLevel(level)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(ConsoleFormatter("%(message)s"))
    console.addFilter(ConsoleFilter(verbose))
    root.addHandler(console)
    try:
        private_dir(paths.state_dir)
        file = PrivateRotatingFileHandler(paths.log_file, max_bytes=512 * 1024, backup_count=LOG_BACKUPS)
        file.setFormatter(fmt)
        root.addHandler(file)
    except OSError as error:
        log.warning("not logging to %s: %s", paths.log_file, error)
    for number in range(1, LOG_BACKUPS + 1):  # rotated by an older version, with the umask's mode
        tighten_file(Path(f"{paths.log_file}.{number}"))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def acquire_instance(paths: Paths) -> InstanceLock | None:
    """The single-instance lock, or None after saying why on stderr (another daemon, a bad dir)."""
    from .instance import AlreadyRunning, ControlError, InstanceLock

    try:
        return InstanceLock(paths.runtime_dir).acquire()
    except AlreadyRunning as error:
        print(error, file=sys.stderr)
    except (ControlError, OSError) as error:
        print(_("deskbreak: cannot start: {reason}").format(reason=error), file=sys.stderr)
    return None


def first_run(state_dir: Path) -> bool:
    """True the first time it is called for `state_dir` (a marker file remembers it)."""
    marker = Path(state_dir) / MARKER
    if marker.exists():
        return False
    try:
        write_private_text(marker, "the safety note was shown\n")
    except OSError as error:  # an unwritable state dir: show the note every run rather than never
        log.debug("cannot write %s: %s", marker, error)
    return True


def safety_note_on_first_run(paths: Paths, notifier: Notifier, icon: str | None) -> None:
    """The first time deskbreak runs: the short safety note in the log and as a notice."""
    from ..core.safety import SAFETY_NOTE

    if not first_run(paths.state_dir):
        return
    # In the log file only: the notice is its one showing (a bubble, or this terminal when the
    # notifications fall back to it), so a terminal never gets it twice.
    log.warning("safety: %s", SAFETY_NOTE)

    def show() -> None:  # off the main thread: a slow notification server must not hold up the tray
        try:
            notifier.notify(Notice(_("Stretch safely"), _(SAFETY_NOTE), icon))
        except NotifierError as error:
            log.debug("safety note not shown as a notice: %s", error)

    threading.Thread(target=show, name="deskbreak-safety-note", daemon=True).start()


def start_plainly(argv: list[str], config: str | None, verbose: bool) -> int:
    """`deskbreak [run] [-v] [--config FILE]` as the CLI runs it, without building its parser (the
    console script's entry recognises these command lines): argparse would otherwise stay in the
    daemon's memory for its whole life (about 0.5 MB)."""
    from ..adapters.locale.configured import adopt_command_language
    from ..assets import use_desktop_locale_formats

    use_desktop_locale_formats()
    adopt_command_language(argv)
    path = Path(config) if config is not None else default_paths().config_file
    try:
        return run_daemon(path, config is not None, verbose=verbose)
    except KeyboardInterrupt:
        return 0


def run_daemon(config_path: Path, explicit: bool, verbose: bool = False) -> int:
    from ..assets import builtin_catalog
    from ..core.catalog import CatalogError
    from ..core.config_checks import ConfigError
    from ..store.config_file import load_config
    from .assemble import assemble
    from .parts import CannotStart

    heap = heap_for_platform()
    heap.limit_arenas()  # before any thread starts: each would otherwise get an arena of its own
    load_only_used_x_extensions()
    paths = default_paths()
    try:
        config = load_config(config_path, explicit)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    adopt_language(config.interface.language)
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
    with contextlib.ExitStack() as stack:
        try:
            assembly = assemble(config, Path(config_path), catalog, paths, instance, stack, heap=heap)
        except CannotStart as error:
            log.error("cannot start: %s", error)
            return EXIT_FAILURE
        daemon = assembly.daemon
        safety_note_on_first_run(paths, assembly.notifier, assembly.icon_path)

        def on_signal(signum: int, frame: object) -> None:
            log.info("stopping (%s)", signal.Signals(signum).name)
            daemon.stop()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)

        def on_ready() -> None:
            daemon.start_timer()
            heap.trim()  # what start-up allocated and freed (config parsing, imports, the first tick)

        assembly.tray.run(on_ready=on_ready)
    log.info("stopped")
    return EXIT_OK
