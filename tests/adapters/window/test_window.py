"""The guided window under Xvfb, in-process: a real Daemon behind a real control socket, a real
History in tmp_path, and a fake clock for the countdown (advanced by hand, never slept on)."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from desktop_stack import wait_for

from deskbreak import i18n
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.adapters.window import theme as window_theme
from deskbreak.assets import builtin_catalog
from deskbreak.core import config as config_model
from deskbreak.core import guide
from deskbreak.core.catalog import Catalog
from deskbreak.core.outcomes import DONE, SKIPPED
from deskbreak.daemon.control import ControlClient
from deskbreak.daemon.remote import serve
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.store.history import History

tk = pytest.importorskip("tkinter")
from deskbreak.adapters.window.guided import NOT_RUNNING, GuideWindow  # noqa: E402

pytestmark = pytest.mark.desktop

BERLIN = ZoneInfo("Europe/Berlin")
OUTPUT = Path(__file__).resolve().parents[2] / "output"
BUILTIN = builtin_catalog()
TWIST = BUILTIN.get("seated-twist")


@pytest.fixture
def rundir():
    top = Path(tempfile.mkdtemp(prefix="dbw", dir="/tmp"))  # AF_UNIX paths are short
    yield top / "run"
    shutil.rmtree(top, ignore_errors=True)


class Rig:
    """A daemon answering on a socket, with its history; `open()` makes the window."""

    def __init__(self, desktop, rundir: Path, tmp_path: Path, stretch_ids: tuple[str, ...]):
        self.desktop = desktop
        self.daemon_clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN))  # a Monday
        self.clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))  # the window's countdown
        config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\n')
        self.history = History.open(tmp_path / "history.sqlite3", zone=BERLIN)
        catalog = Catalog(tuple(BUILTIN.get(i) for i in stretch_ids))
        self.daemon = Daemon(
            config,
            catalog,
            Ports(
                notifier=FakeNotifier(),
                tray=HeadlessTray(),
                clock=self.daemon_clock,
                record=self.history.record,
            ),
            seed=1,
        )
        self.server = serve(self.daemon, rundir / "control.sock")
        self.client = ControlClient(rundir / "control.sock")
        self.window: GuideWindow | None = None

    def open(self, stretch=TWIST, client="daemon", **kw) -> GuideWindow:
        root = tk.Tk(screenName=self.desktop.display, className="deskbreak")
        self.window = GuideWindow(
            root,
            stretch,
            BUILTIN,
            self.client if client == "daemon" else client,
            clock=self.clock,
            palette=kw.pop("palette", window_theme.LIGHT),
            **kw,
        )
        wait_for(lambda: self.pump() or root.winfo_viewable(), "the window to map")
        return self.window

    def pump(self) -> None:
        if self.window is not None and not self.window.closed:
            self.window.root.update()

    def step(self, seconds: float) -> str:
        """Move the countdown on, let the window tick, and return what it shows."""
        self.clock.advance(seconds=seconds)
        self.window.tick()
        self.pump()
        return f"{self.window.view.count.cget('text')} | {self.window.view.phase.cget('text')}"

    def key(self, keysym: str) -> None:
        root = self.window.root
        root.focus_force()
        root.update()
        root.event_generate(f"<{keysym}>", when="now")
        self.pump()

    def outcomes(self):
        return self.history.outcomes_between(
            datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
        )

    def close(self) -> None:
        if self.window is not None and not self.window.closed:
            self.window.close()
        self.server.stop()
        self.history.close()


@pytest.fixture
def rig(desktop, rundir, tmp_path):
    made = []

    def make(*stretch_ids: str) -> Rig:
        made.append(Rig(desktop, rundir, tmp_path, stretch_ids or ("seated-twist",)))
        return made[-1]

    yield make
    for r in made:
        r.close()


def xdotool(desktop, *args: str) -> str:
    done = subprocess.run(["xdotool", *args], env=desktop.env, capture_output=True, text=True, timeout=10)
    return done.stdout.strip()


def screenshot(desktop, window: GuideWindow, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    wait_for(lambda: window.root.update() or not window.view.flashing, "the cue's flash to end")
    path = OUTPUT / name
    frame = str(window_theme.wrapper_id(window.root.winfo_id(), desktop.display))
    subprocess.run(
        ["import", "-window", frame, str(path)], env=desktop.env, check=True, timeout=20, capture_output=True
    )
    return path


def test_the_window_opens_with_class_and_title(rig, desktop):
    r = rig()
    r.daemon.command("now")
    window = r.open(focus=False)
    ids = wait_for(lambda: xdotool(desktop, "search", "--class", "deskbreak").split(), "a deskbreak window")
    assert "Seated spinal twist" in [xdotool(desktop, "getwindowname", i) for i in ids]
    frame = str(window_theme.wrapper_id(window.root.winfo_id(), desktop.display))
    props = subprocess.run(
        ["xprop", "-id", frame, "WM_CLASS", "_NET_WM_USER_TIME", "_NET_WM_STATE"],
        env=desktop.env,
        capture_output=True,
        text=True,
    ).stdout
    assert '"deskbreak"' in props
    assert "_NET_WM_USER_TIME(CARDINAL) = 0" in props  # opened on its own: no focus on map
    assert window.root.attributes("-topmost")
    view = window.view
    assert view.title.cget("text") == "Seated spinal twist"
    assert view.phase.cget("text") == "Press Start when you are in position"  # not counting on its own
    assert view.caution.cget("text").startswith("Caution: ")
    assert "numbness, tingling or weakness" in view.footer.cget("text").lower()
    steps = [w.cget("text") for w in view.steps.winfo_children()]
    assert steps[:2] == ["1.", TWIST.steps[0]]


def test_the_countdown_walks_reps_and_sides_and_done_records_the_held_time(rig, desktop):
    r = rig()
    assert r.daemon.command("now")["stretch"]["id"] == "seated-twist"
    window = r.open(focus=True)
    assert r.step(0) == f"{guide.LEAD_IN} | Get into position · right side"
    assert r.step(guide.LEAD_IN) == "20 | Hold 20 s · rep 1 of 2 · right side"
    assert r.step(5) == "15 | Hold 20 s · rep 1 of 2 · right side"
    screenshot(desktop, window, "window-seated-twist.png")
    assert r.step(15) == f"{guide.SWITCH_SECONDS} | Switch to the left side"
    step_text = [w.cget("text") for w in window.view.steps.winfo_children()]
    assert "backrest at your left side" in step_text[1]  # the steps mirror for the second side
    assert r.step(guide.SWITCH_SECONDS) == "20 | Hold 20 s · rep 1 of 2 · left side"
    r.key("space")  # pause the timer: the countdown stands still
    assert r.step(60) == "20 | Hold 20 s · rep 1 of 2 · left side"
    r.key("space")
    assert r.step(20) == f"{guide.REST_SECONDS} | Relax · next: rep 2 of 2 · right side"
    assert r.step(guide.REST_SECONDS) == "20 | Hold 20 s · rep 2 of 2 · right side"
    assert r.step(20 + guide.SWITCH_SECONDS) == "20 | Hold 20 s · rep 2 of 2 · left side"
    assert r.step(20) == "Done | Finished · held 80 s in all"
    r.key("Return")
    assert window.closed
    (row,) = r.outcomes()
    assert (row.stretch_id, row.outcome, row.held_seconds) == ("seated-twist", DONE, 80)
    assert r.client.request("status")["state"] != "due"


def test_escape_records_a_skip_and_closing_is_not_done(rig):
    r = rig()
    r.daemon.command("now")
    window = r.open(focus=True)
    r.step(guide.LEAD_IN + 3)
    r.key("Escape")
    assert window.closed
    assert [(o.stretch_id, o.outcome) for o in r.outcomes()] == [("seated-twist", SKIPPED)]
    r.daemon.command("now")
    window = r.open(focus=True)
    window.close()  # the window manager's close button
    assert len(r.outcomes()) == 1 and r.client.request("status")["state"] == "due"


class Crossed(gettext.NullTranslations):
    """A language no English word survives in: every letter outside a placeholder reads x."""

    def gettext(self, message: str) -> str:
        return re.sub(r"\{[^}]*\}|%\(\w+\)\w|[A-Za-z]", lambda m: m[0] if len(m[0]) > 1 else "x", message)


def test_escape_with_no_prompt_due_just_closes_whatever_the_language(rig, monkeypatch):
    # The daemon refuses the skip in the user's language; the window asks its state, not its words.
    monkeypatch.setattr(i18n._Chosen, "translations", Crossed())
    r = rig()
    window = r.open(focus=True)
    r.step(guide.LEAD_IN + 3)
    r.key("Escape")
    assert window.closed
    assert r.outcomes() == []


def test_another_stretch_comes_from_the_daemon(rig):
    r = rig("seated-twist", "seated-side-bend")
    first = r.daemon.command("now")["stretch"]["id"]
    window = r.open(BUILTIN.get(first), focus=True)
    r.step(1)  # keys count from half a second after the window maps
    r.key("n")
    now_shown = r.client.request("status")["stretch"]["id"]
    assert now_shown != first
    assert window.stretch.id == now_shown
    assert window.root.title() == BUILTIN.get(now_shown).name
    assert window.state.phase == guide.READY


def test_snooze_and_the_menu_less_line(rig):
    r = rig()
    r.daemon.command("now")
    window = r.open(focus=True, menu_less=True)
    assert window.view.reminders.winfo_ismapped()
    assert window.view.next_line.cget("text").startswith("Stretch due")
    window.pause_reminders()
    r.pump()
    assert r.client.request("status")["state"] == "paused"
    assert window.view.pause_button.cget("text") == "Resume reminders"
    window.pause_reminders()
    assert r.client.request("status")["state"] != "paused"
    r.daemon.command("now")
    r.step(1)
    r.key("s")
    assert window.closed and r.client.request("status")["state"] == "snoozed"


def test_without_a_daemon_it_is_a_guide_only(rig, desktop, rundir):
    r = rig()
    window = r.open(
        client=ControlClient(rundir / "nobody.sock"), focus=True, menu_less=True, palette=window_theme.DARK
    )
    assert window.view.message.cget("text") == NOT_RUNNING
    assert window.view.pause_button.cget("state") == "disabled"
    r.step(guide.LEAD_IN + 20 + 2)  # on the second side: the picture and the steps are mirrored
    screenshot(desktop, window, "window-seated-twist-dark.png")
    r.key("n")  # another one, picked here
    assert window.stretch.id != "seated-twist"
    r.key("Return")
    assert window.closed and r.outcomes() == []


def test_the_window_process_starts_on_its_own(desktop, rundir, monkeypatch):
    from deskbreak.daemon.window_launcher import WindowLauncher

    monkeypatch.setenv("DISPLAY", desktop.display)
    monkeypatch.setenv("DESKBREAK_THEME", "light")
    before = set(xdotool(desktop, "search", "--class", "deskbreak").split())
    launcher = WindowLauncher(rundir / "nobody.sock")
    assert launcher.open("seated-twist", focus=True)
    proc = launcher._proc
    try:
        ids = wait_for(
            lambda: (
                set(xdotool(desktop, "search", "--class", "deskbreak").split()) - before
                if proc.poll() is None
                else "exited"
            ),
            "the window process's window",
            timeout=30,
        )
        assert ids != "exited", proc.returncode
        assert "Seated spinal twist" in [xdotool(desktop, "getwindowname", i) for i in ids]
        assert launcher.open("standing-side-stretch", focus=True) and launcher._proc is proc  # one at a time
    finally:
        proc.terminate()
        proc.wait(10)


# --- issue 15: the window records the stretch on its screen ---


def test_done_in_the_window_records_its_stretch_not_the_daemons_next(rig):
    r = rig("seated-twist", "standing-side-stretch")
    r.daemon.command("now")
    due = r.daemon.status()["stretch"]["id"]
    other = BUILTIN.get("standing-side-stretch" if due == "seated-twist" else "seated-twist")
    r.daemon.command("skip")  # the prompt went away; the window still shows the other stretch
    window = r.open(other, focus=True)
    r.step(3)
    r.key("Return")
    assert window.closed
    assert [(o.stretch_id, o.outcome) for o in r.outcomes()][-1] == (other.id, DONE)
    assert window.sent[-1][0] == "done" and window.sent[-1][1]["stretch"] == other.id


def test_pausing_from_the_window_is_no_skip_and_done_still_records_the_stretch(rig):
    r = rig("seated-twist")
    r.daemon.command("now")
    window = r.open(TWIST, menu_less=True)
    window.pause_reminders()
    r.pump()
    assert r.daemon.status()["state"] == "paused" and r.outcomes() == []
    window._close_if_answered_elsewhere()
    assert not window.closed  # paused here: the stretch stays on screen
    window.done()
    assert [(o.stretch_id, o.outcome) for o in r.outcomes()] == [("seated-twist", DONE)]
    assert r.daemon.status()["state"] == "paused"


# --- a key meant for another program does not answer the prompt ---


def test_a_key_in_the_first_half_second_is_ignored(rig, desktop):
    r = rig()
    r.daemon.command("now")
    window = r.open(focus=True)
    wait_for(lambda: r.pump() or window.root.focus_get() is not None, "the keyboard focus")
    xdotool(desktop, "key", "Return")  # a real key press, right after the window mapped
    wait_for(lambda: r.pump() or window.ignored_keys, "the key to reach the window")
    assert not window.closed and r.outcomes() == [] and r.client.request("status")["state"] == "due"
    r.clock.advance(seconds=0.4)
    xdotool(desktop, "key", "Return")  # a held key repeats: the half second starts again
    wait_for(lambda: r.pump() or window.ignored_keys == 2, "the second key to reach the window")
    r.clock.advance(seconds=0.4)  # 0.8 s after the map, 0.4 s after the last key
    r.key("Return")
    assert window.ignored_keys == 3 and not window.closed and r.outcomes() == []
    r.clock.advance(seconds=0.6)
    xdotool(desktop, "key", "Return")
    wait_for(lambda: r.pump() or window.closed, "Enter to answer Done")
    assert [(o.stretch_id, o.outcome) for o in r.outcomes()] == [("seated-twist", DONE)]
