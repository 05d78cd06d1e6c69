"""The daemon as `deskbreak run` assembles it (daemon/assemble.py), driven through its control socket
on an injected clock: a reload reaches every part, and quitting withdraws the prompt before the
notifier closes, with every resource closed by the one ExitStack."""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from daemon_run import EVERY_DAY

from deskbreak.adapters.choose import Choice
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.assets import builtin_catalog
from deskbreak.core import config as config_model
from deskbreak.daemon.assemble import assemble
from deskbreak.daemon.control import ControlClient
from deskbreak.daemon.late import LateDaemon
from deskbreak.paths import Paths
from deskbreak.store.history import History

# 10:00 UTC is already Tuesday in Kiritimati (UTC+14) and still Sunday in Pago Pago (UTC-11).
START = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)  # far ahead of the real clock: the real timer stays quiet


def config_text(zone: str, goal: int, ics: Path | None = None) -> str:
    calendar = f'[calendar]\nics = ["{ics}"]\n' if ics else ""
    return (
        f'[schedule]\ntimezone = "{zone}"\ninterval_minutes = 30\nmin_minutes_before_end = 0\n{EVERY_DAY}\n'
        f"[goals]\ndaily_stretches = {goal}\n{calendar}"
    )


def busy_ics(path: Path, start: datetime, end: datetime) -> Path:
    stamp = "%Y%m%dT%H%M%SZ"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//deskbreak//tests//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:standup\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:{start.strftime(stamp)}\r\n"
        f"DTEND:{end.strftime(stamp)}\r\nSUMMARY:Review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


class Recorder(FakeNotifier):
    """A notifier that also notes the order of withdraw and close."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []

    def withdraw(self) -> None:
        super().withdraw()
        self.events.append("withdraw")

    def close(self) -> None:
        super().close()
        self.events.append("close")


@pytest.fixture
def home(monkeypatch):
    """Private folders (a short path: AF_UNIX), a headless tray, no idle probe, a recording notifier."""
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))
    for name, value in (("DESKBREAK_TRAY", "headless"), ("DESKBREAK_IDLE_PROBE", "none")):
        monkeypatch.setenv(name, value)
    notifier = Recorder()
    monkeypatch.setattr(
        "deskbreak.adapters.notify.pick_notifier",
        lambda on_action, icon: Choice("notifications", notifier.name, notifier),
    )
    hup = signal.getsignal(signal.SIGHUP)
    paths = Paths(top / "cfg" / "config.toml", top / "data", top / "state", top / "run")
    paths.config_file.parent.mkdir(parents=True)
    yield paths, notifier
    signal.signal(signal.SIGHUP, hup)
    shutil.rmtree(top, ignore_errors=True)


@pytest.fixture
def running(home):
    """The assembled daemon with its tray loop on a thread; yields (assembly, clock, client, paths, notifier)."""
    paths, notifier = home
    paths.config_file.write_text(config_text("Pacific/Kiritimati", 6))
    from deskbreak.store.config_file import load

    clock = FakeClock(START)
    with ExitStack() as stack:
        assembly = assemble(
            load(paths.config_file), paths.config_file, builtin_catalog(), paths, None, stack, clock
        )
        runner = threading.Thread(target=assembly.tray.run, args=(assembly.daemon.start_timer,))
        runner.start()
        yield assembly, clock, ControlClient(paths.socket_file), paths, notifier
        assembly.daemon.stop()
        runner.join(5)
        assert not runner.is_alive()
    assert notifier.closed


def test_a_reload_reaches_the_goal_the_zone_and_the_calendar(running):
    assembly, clock, client, paths, notifier = running
    tray = assembly.tray
    assert client.request("now")["ok"]
    done = client.request("done")
    assert done["recorded"].endswith("1 of 6 today")
    assert client.request("status")["today_line"] == "Today: 1 of 6 done" == tray.view.today_line

    paths.config_file.write_text(config_text("Pacific/Kiritimati", 8))
    assert client.request("reload")["ok"]
    status = client.request("status")
    assert status["today_line"] == "Today: 1 of 8 done" == tray.view.today_line
    clock.advance(minutes=1)
    assert client.request("now")["ok"]
    assert client.request("done")["recorded"].endswith("2 of 8 today")

    # Another zone: today is another local day there, in the status and in the stored rows.
    meeting = busy_ics(paths.config_file.parent / "work.ics", START, START.replace(hour=13))
    paths.config_file.write_text(config_text("Pacific/Pago_Pago", 8, meeting))
    assert client.request("reload")["ok"]
    status = client.request("status")
    assert status["today_line"] == "Today: no stretches yet" == tray.view.today_line
    assert status["today"]["done"] == 0
    assert client.request("now")["ok"]
    assert client.request("done")["recorded"].endswith("1 of 8 today")
    with History.open(paths.history_file) as history:
        days = {counts.day: counts.done for counts in history.day_counts(date(2031, 3, 1), date(2031, 3, 5))}
    assert days == {date(2031, 3, 4): 2, date(2031, 3, 2): 1}  # Kiritimati's Tuesday, Pago Pago's Sunday

    # The new calendar: the next prompt falls due in the meeting and waits for its end.
    shown = len(notifier.shown)
    for _ in range(31):  # the heartbeat, minute by minute, as the armed timer fires it
        clock.advance(minutes=1)
        assembly.daemon.on_timer()
    status = client.request("status")
    assert status["held"]["reason"] == "meeting"
    assert len(notifier.shown) == shown, "no prompt during the meeting"


def test_quitting_withdraws_the_prompt_then_the_stack_closes_thenotifier_last(home):
    paths, notifier = home
    paths.config_file.write_text(config_text("Europe/Berlin", 6))
    from deskbreak.store.config_file import load

    with ExitStack() as stack:
        assembly = assemble(
            load(paths.config_file),
            paths.config_file,
            builtin_catalog(),
            paths,
            None,
            stack,
            FakeClock(START),
        )
        runner = threading.Thread(target=assembly.tray.run, args=(assembly.daemon.start_timer,))
        runner.start()
        client = ControlClient(paths.socket_file)
        assert client.request("now")["state"] == "due"
        assert assembly.notifier.wait_idle(5), "the notifier's worker shows the prompt"
        assert len(notifier.shown) == 1
        assert client.request("quit")["ok"]
        runner.join(5)
        assert not runner.is_alive(), "the tray's loop ended"
        assert assembly.notifier.wait_idle(5), "the notifier's worker ran the withdrawal"
        assert notifier.events == ["withdraw"], "withdrawn while the notifier is still open"
    assert notifier.events == ["withdraw", "close"]
    assert not paths.socket_file.exists(), "the control socket closed with the stack"


def test_events_before_the_daemon_is_bound_are_dropped_and_after_it_reach_it():
    class Daemon:
        def __init__(self) -> None:
            self.fired = threading.Event()
            self.failed: list[tuple[str, str]] = []

        def on_timer(self) -> None:
            self.fired.set()

        def window_failed(self, stretch_id: str, reason: str) -> None:
            self.failed.append((stretch_id, reason))

    late, daemon = LateDaemon(), Daemon()
    late.on_timer()
    late.window_failed("twist", "no display")
    assert not daemon.fired.is_set() and daemon.failed == []
    late.bind(daemon)  # type: ignore[arg-type]
    late.on_timer()
    late.window_failed("twist", "no display")
    assert daemon.fired.is_set() and daemon.failed == [("twist", "no display")]


def test_the_heap_is_trimmed_after_each_timer_event_and_answer_even_when_it_fails():
    from desktop_stack import wait_for

    trims = []

    class Daemon:
        def on_timer(self) -> None:
            raise RuntimeError("the tick failed")

        def command(self, name: str, argument: object) -> None:
            pass

    late = LateDaemon(after_event=lambda: trims.append("trim"))
    late.on_timer()  # nothing bound: nothing handled, nothing to trim
    assert trims == []
    late.bind(Daemon())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        late.on_timer()
    assert trims == ["trim"]
    late.on_action("done", None)  # on a thread of its own
    wait_for(lambda: trims == ["trim", "trim"], "the trim after the answer")


def test_the_calendar_of_the_starting_config_defers_prompts(home):
    paths, notifier = home
    meeting = busy_ics(paths.config_file.parent / "work.ics", START, START.replace(hour=13))
    paths.config_file.write_text(config_text("Europe/Berlin", 6, meeting))
    from deskbreak.store.config_file import load

    clock = FakeClock(START)
    with ExitStack() as stack:
        assembly = assemble(
            load(paths.config_file), paths.config_file, builtin_catalog(), paths, None, stack, clock
        )
        for _ in range(31):
            clock.advance(minutes=1)
            assembly.daemon.on_timer()
        assert assembly.daemon.status()["held"]["reason"] == "meeting" and notifier.shown == []


def test_a_prompt_closed_without_an_answer_is_snoozed_for_the_configured_minutes():
    from zoneinfo import ZoneInfo

    from desktop_stack import wait_for

    from deskbreak.adapters.tray.headless import HeadlessTray
    from deskbreak.daemon.service import Daemon, Ports
    from deskbreak.ports import DISMISSED

    config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\nsnooze_minutes = 15\n')
    clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    recorded: list = []
    ports = Ports(notifier=FakeNotifier(), tray=HeadlessTray(), clock=clock, record=recorded.append)
    late, daemon = LateDaemon(), Daemon(config, builtin_catalog(), ports, seed=1)
    late.bind(daemon)
    name = daemon.command("now")["stretch"]["name"]
    late.on_action(DISMISSED, None)  # the server says the user closed it (dunst: a left click)
    status = wait_for(lambda: (s := daemon.status())["state"] == "snoozed" and s, "the prompt to be snoozed")
    assert status["headline"] == f"Snoozed until 10:15 · {name}"  # the tooltip and `status` say so
    assert [o.outcome for o in recorded] == ["snoozed"]


def test_a_bubble_closed_while_the_guided_window_shows_the_stretch_leaves_it_due():
    from zoneinfo import ZoneInfo

    from deskbreak.adapters.tray.headless import HeadlessTray
    from deskbreak.daemon.service import Daemon, Ports

    class OpenWindow:
        def for_prompt(self, stretch_id: str, asked: bool, with_prompt: bool) -> bool:
            return False

        def can_open(self) -> bool:
            return True

        def is_open(self) -> bool:
            return True

        def close(self) -> None:
            pass

    config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\n')
    clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    ports = Ports(notifier=FakeNotifier(), tray=HeadlessTray(), clock=clock, window=OpenWindow())
    daemon = Daemon(config, builtin_catalog(), ports, seed=1)
    daemon.command("now")
    daemon.prompt_closed()  # with the window open, "with_prompt": the user follows the window
    assert daemon.status()["state"] == "due"
