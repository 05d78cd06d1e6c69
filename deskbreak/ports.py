"""The small interfaces between the daemon and the outside world, and the values they carry.

Each adapter module (in `deskbreak.adapters`) implements one of these for one library or platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .core.calls import AskCalls
    from .core.presence import Returned
    from .core.schedule import Moment

# Actions a user can take on a prompt, wherever it is shown (notification button, tray, window, CLI).
DONE = "done"
SNOOZE = "snooze"
SKIP = "skip"
SHOW = "show"  # open the guided-stretch window
DISMISSED = "dismissed"  # the user closed the notification without choosing: snoozed (default minutes)


@dataclass(frozen=True)
class Prompt:
    """What a prompt says: built by the daemon from the stretch, shown by a Notifier."""

    stretch_id: str
    title: str  # the stretch name
    body: str  # the first steps, then hold and reps
    snooze_minutes: int
    icon_path: str | None = None
    timeout_seconds: int = 0  # 0: the notifier's default
    details: str = ""  # the whole text for a terminal (every step, how to answer); "" = the body
    opens_window: bool = True  # a click on the body opens the guided window (else it offers none)


@dataclass(frozen=True)
class Notice:
    """A plain message for the user (the safety note, a config that was not applied, a test): it
    carries no actions, and showing one never replaces or withdraws the prompt on screen."""

    title: str
    body: str
    icon_path: str | None = None
    timeout_seconds: int = 0  # 0: the notifier's default


# (action, argument) -> None. The argument is the snooze minutes for SNOOZE, else None.
ActionHandler = Callable[[str, "int | None"], None]


class Notifier(Protocol):
    """Shows prompts (with their actions) and notices (without any) to the user.

    Called from the daemon's worker threads, never from the tray loop; `show` and `notify` may block
    briefly (a D-Bus round trip) but never wait for the user. Failures raise NotifierError; the
    daemon then falls back to the next notifier in its chain.
    """

    @property
    def name(self) -> str:
        """The backend in use, e.g. "freedesktop", "plyer", "log"."""

    @property
    def has_actions(self) -> bool:
        """Whether prompts get buttons."""

    def show(self, prompt: Prompt) -> None: ...

    def notify(self, notice: Notice) -> None:
        """Show a notice: no buttons, no default action; the prompt on screen stays."""

    def withdraw(self) -> None:
        """Remove the prompt shown last, if the platform allows it (answered elsewhere)."""

    def close(self) -> None:
        """Release resources (connections, threads)."""


class NotifierError(RuntimeError):
    """A notification could not be shown."""


# (command, argument) -> None: a command of `core.commands.COMMANDS` (the one table of names the tray,
# the window, the socket and the CLI share) and its argument; called from the tray's loop thread:
# must not block.
CommandHandler = Callable[[str, "object | None"], None]


@dataclass(frozen=True)
class TrayView:
    """Everything the tray shows, computed by the daemon from the core's state (no logic in the tray)."""

    phase: str  # "working" | "due" | "snoozed" | "paused" | "off"
    progress: float  # 0..1: how near the next prompt is (the icon's ring)
    title: str  # tooltip, e.g. "Next stretch 14:30 · Seated twist"
    today_line: str  # "Today: 4 done, 1 skipped"
    snooze_choices: tuple[int, ...]
    can_stretch_now: bool
    can_answer: bool  # Done / Snooze / Skip
    can_pause: bool
    can_resume: bool


class Tray(Protocol):
    """The tray icon and its menu.

    `run` owns the calling (main) thread until `stop`; `update` and `stop` may be called from any
    thread and never block. Menu clicks call the CommandHandler given at construction, on the
    tray's loop thread.
    """

    name: str  # the backend, e.g. "gtk", "xorg", "appindicator", "headless"
    has_menu: bool

    def run(self, on_ready: Callable[[], None]) -> None: ...

    def update(self, view: TrayView) -> None: ...

    def stop(self) -> None: ...


class Senses(Protocol):
    """What the daemon knows about the user's moment (idle probe, calendar, presence).

    Called only under the daemon's lock, from its worker or heartbeat thread; `read` may block for
    one probe round trip (~100 ms) and never raises.
    """

    @property
    def probe_name(self) -> str: ...

    @property
    def call_sense_name(self) -> str: ...

    def read(
        self, now: datetime, natural_break: timedelta, present: bool = False, ask_calls: AskCalls = ...
    ) -> tuple[Moment, Returned | None]:
        """`present`: the user follows the guided window (no break runs, none is reported);
        `ask_calls`: when the call sense is worth asking (core.calls.ask_calls; default: never)."""

    def use_calendar(self, ics: tuple[str, ...], zone: tzinfo) -> None:
        """Read the calendars of a newly applied config (`[calendar] ics`, in the schedule's zone)."""

    def close(self) -> None: ...


class GuidedWindow(Protocol):
    """The guided-stretch window, in a process of its own. Called from the daemon's threads; never blocks.

    `for_prompt` is told each prompt that is due to be shown and returns True when the window stands in
    for the notification (the user asked for it, or one is already open). `can_open` says whether a
    window may open here at all (a prompt offers it only then).
    """

    def for_prompt(self, stretch_id: str, asked: bool, with_prompt: bool) -> bool: ...

    def can_open(self) -> bool: ...

    def close(self) -> None:
        """Close an open window (the daemon is stopping); may wait up to ~2 s."""

    def is_open(self) -> bool:
        """Whether the window is on screen (its prompt stays due, its user present)."""
