"""The guided window's launcher: its command line (no shell), one window at a time, and when the window
cannot open (no tkinter, no X display, Tk's own failure) it says why once and the notification stands in."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from desktop_stack import wait_for

from deskbreak.core import views
from deskbreak.daemon.window_launcher import WindowLauncher, window_argv


class FakeProcess:
    def __init__(self, argv, **kwargs):
        self.argv, self.kwargs = argv, kwargs
        self.returncode = None
        self.ended = threading.Event()

    def poll(self):
        return self.returncode

    def wait(self, timeout=None):
        self.ended.wait(timeout)
        return self.returncode

    def exit(self, code: int) -> None:
        self.returncode = code
        self.ended.set()


class FakePopen:
    def __init__(self):
        self.started: list[FakeProcess] = []

    def __call__(self, argv, **kwargs):
        proc = FakeProcess(argv, **kwargs)
        self.started.append(proc)
        return proc


X11 = {"DISPLAY": ":0"}
WAYLAND_ONLY = {"WAYLAND_DISPLAY": "wayland-1", "XDG_SESSION_TYPE": "wayland"}


def launcher(
    tk: bool = True, menu_less: bool = False, environ=X11, on_failed=None
) -> tuple[WindowLauncher, FakePopen]:
    popen = FakePopen()
    return WindowLauncher(
        Path("/run/db/control.sock"),
        menu_less=menu_less,
        config_path=lambda: Path("/home/u/.config/deskbreak/config.toml"),
        popen=popen,
        tk_available=lambda: tk,
        environ=environ,
        on_failed=on_failed,
    ), popen


def test_argv_runs_the_window_module_with_this_python():
    assert window_argv(
        "seated-twist", focus=True, menu_less=True, socket_path=Path("/s"), config_path=Path("/c.toml")
    ) == [
        sys.executable,
        "-m",
        "deskbreak.adapters.window.guided",
        "--stretch",
        "seated-twist",
        "--focus",
        "--menu-less",
        "--socket",
        "/s",
        "--config",
        "/c.toml",
    ]
    assert window_argv("standing-side-stretch", False, False) == [
        sys.executable,
        "-m",
        "deskbreak.adapters.window.guided",
        "--stretch",
        "standing-side-stretch",
    ]


def test_open_starts_a_detached_process_without_a_shell():
    win, popen = launcher(menu_less=True)
    assert win.open("seated-twist", focus=True)
    (proc,) = popen.started
    assert proc.argv[:5] == [
        sys.executable,
        "-m",
        "deskbreak.adapters.window.guided",
        "--stretch",
        "seated-twist",
    ]
    assert "--focus" in proc.argv and "--menu-less" in proc.argv
    assert proc.argv[proc.argv.index("--socket") + 1] == "/run/db/control.sock"
    assert proc.kwargs.get("shell", False) is False
    assert proc.kwargs["start_new_session"] is True
    assert proc.kwargs["stdin"] is subprocess.DEVNULL


def test_one_window_at_a_time():
    win, popen = launcher()
    assert win.open("seated-twist", focus=True)
    assert win.open("standing-side-stretch", focus=True)  # already open: no second window
    assert len(popen.started) == 1 and win.is_open()
    popen.started[0].returncode = 0  # the user closed it
    assert not win.is_open()
    assert win.open("standing-side-stretch", focus=False)
    assert len(popen.started) == 2 and "--focus" not in popen.started[1].argv


def test_for_prompt_by_config_and_request():
    win, popen = launcher()
    assert win.for_prompt("seated-twist", asked=False, with_prompt=False) is False  # on_click: notify
    assert popen.started == []
    assert win.for_prompt("seated-twist", asked=False, with_prompt=True) is False  # and a notification
    assert "--focus" not in popen.started[0].argv
    assert win.for_prompt("standing-side-stretch", asked=False, with_prompt=False) is True  # open: it follows
    popen.started[0].returncode = 0
    assert win.for_prompt("standing-side-stretch", asked=True, with_prompt=False) is True
    assert "--focus" in popen.started[1].argv


def test_without_tkinter_nothing_starts_and_it_is_logged_once(caplog):
    win, popen = launcher(tk=False)
    assert win.for_prompt("seated-twist", asked=True, with_prompt=False) is False
    assert win.open("seated-twist", focus=False) is False
    assert popen.started == []
    assert sum("tkinter is missing" in r.message for r in caplog.records) == 1


def test_a_failing_start_falls_back(caplog):
    def broken(argv, **kwargs):
        raise OSError("no such file")

    win = WindowLauncher(popen=broken, tk_available=lambda: True, environ=X11)
    assert win.open("seated-twist", focus=True) is False
    assert "it could not be started (no such file)" in caplog.text


def test_wayland_without_xwayland_says_why_once_and_starts_nothing(caplog):
    win, popen = launcher(environ=WAYLAND_ONLY)
    for _ in range(3):
        assert win.for_prompt("seated-twist", asked=True, with_prompt=False) is False
    assert popen.started == []
    warnings = [r.message for r in caplog.records if "no guided window" in r.message]
    assert warnings == [
        "no guided window: this Wayland session has no Xwayland for Tk "
        "(DISPLAY is unset); prompts stay notifications"
    ]
    assert win.can_open() is False  # so prompts do not offer a window


def test_a_window_process_that_cannot_open_calls_back_once(caplog):
    failed: list[tuple[str, str]] = []
    win, popen = launcher(on_failed=lambda sid, why: failed.append((sid, why)))
    assert win.open("seated-twist", focus=True)
    popen.started[0].exit(4)  # EXIT_NO_DISPLAY: Tk could not open the display
    wait_for(lambda: failed, "the watcher to call back")
    assert failed == [("seated-twist", "Tk could not open a window on this display")]
    assert win.can_open() is False  # prompts stop offering it; `show` still tries
    assert win.open("wall-slide", focus=True)
    popen.started[1].exit(0)  # a window the user closed is no failure
    popen.started[1].ended.wait(1)
    assert len(failed) == 1


# --- the daemon's side: `show`, `window = "with_prompt"` and the notification ---


class RecordingWindow:
    def __init__(self, covers: bool = True):
        self.calls: list[tuple[str, bool, bool]] = []
        self.covers = covers

    def can_open(self) -> bool:
        return self.covers

    def for_prompt(self, stretch_id: str, asked: bool, with_prompt: bool) -> bool:
        self.calls.append((stretch_id, asked, with_prompt))
        return self.covers and asked

    def is_open(self) -> bool:
        return False


def daemon_with(window, window_mode: str = "on_click"):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deskbreak.adapters.fakes import FakeClock, FakeNotifier
    from deskbreak.adapters.tray.headless import HeadlessTray
    from deskbreak.assets import builtin_catalog
    from deskbreak.core import config as config_model
    from deskbreak.daemon.service import Daemon, Ports

    config = config_model.loads(
        f'[schedule]\ntimezone = "Europe/Berlin"\n[prompt]\nwindow = "{window_mode}"\n'
    )
    clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    notifier = FakeNotifier()
    daemon = Daemon(
        config,
        builtin_catalog(),
        Ports(notifier=notifier, tray=HeadlessTray(), clock=clock, window=window),
        seed=1,
    )
    return daemon, notifier


def test_show_opens_the_window_with_focus_instead_of_a_notification():
    window = RecordingWindow()
    daemon, notifier = daemon_with(window)
    reply = daemon.command("show")
    assert reply["ok"] and reply["state"] == "due"
    assert window.calls == [(reply["stretch"]["id"], True, False)]
    assert notifier.shown == []
    daemon.command("show")  # the prompt already shown: the same stretch, in the window
    assert window.calls[-1] == (reply["stretch"]["id"], True, False)


def test_a_plain_prompt_notifies_and_with_prompt_also_opens_the_window():
    window = RecordingWindow()
    daemon, notifier = daemon_with(window)
    daemon.command("now")
    assert window.calls[-1][1:] == (False, False) and len(notifier.shown) == 1
    window = RecordingWindow()
    daemon, notifier = daemon_with(window, "with_prompt")
    daemon.command("now")
    assert window.calls[-1][1:] == (False, True) and len(notifier.shown) == 1


def test_show_without_a_window_falls_back_to_the_notification():
    window = RecordingWindow(covers=False)  # tkinter missing
    daemon, notifier = daemon_with(window)
    daemon.command("show")
    assert len(notifier.shown) == 1
    daemon.command("skip")
    daemon.command("now")
    assert window.calls[-1][1] is False  # a later prompt is not "asked" for


def test_where_no_window_opens_the_bubble_offers_the_terminal_and_no_click():
    window = RecordingWindow(covers=False)
    daemon, notifier = daemon_with(window)
    daemon.command("show")
    prompt = notifier.shown[-1]
    assert prompt.opens_window is False
    assert prompt.body.endswith(views.FULL_STEPS_IN_TERMINAL)
    assert "No guided window" not in prompt.body  # the reason is in the log and `doctor`
    assert prompt.body.splitlines()[0] == prompt.details.splitlines()[0].removeprefix("1. ")


def test_a_prompt_the_window_shows_takes_its_bubble_off_the_screen():
    window = RecordingWindow()
    daemon, notifier = daemon_with(window)
    daemon.command("now")  # a bubble, with a click that opens the window
    assert notifier.shown[-1].opens_window and notifier.shown[-1].body.endswith(views.FULL_STEPS)
    withdrawn = notifier.withdrawn
    daemon.command("show")  # the click: the window shows the stretch, the bubble goes
    assert notifier.withdrawn == withdrawn + 1
    assert len(notifier.shown) == 1


def test_window_failed_shows_the_notification_while_the_prompt_is_due():
    window = RecordingWindow(covers=True)
    daemon, notifier = daemon_with(window)
    reply = daemon.command("show")
    assert notifier.shown == []
    daemon.window_failed("some-other-stretch", "Tk could not open a window on this display")
    assert notifier.shown == []
    daemon.window_failed(reply["stretch"]["id"], "Tk could not open a window on this display")
    assert [p.stretch_id for p in notifier.shown] == [reply["stretch"]["id"]]
    daemon.command("done")
    daemon.window_failed(reply["stretch"]["id"], "late")  # answered meanwhile: nothing
    assert len(notifier.shown) == 1


def test_the_window_module_says_when_tkinter_is_missing():
    code = (
        "import sys; sys.modules['tkinter'] = None; from deskbreak.adapters.window.guided import main; "
        "sys.exit(main(['--stretch', 'seated-twist']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        "deskbreak: the guided window needs tkinter (Debian/Ubuntu: apt install python3-tk)"
    ]


def test_close_ends_an_open_window_process():
    started = []

    def sleeper(argv, **kwargs):  # a real process standing in for the window
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], **kwargs))
        return started[-1]

    win = WindowLauncher(popen=sleeper, tk_available=lambda: True, environ=X11)
    assert win.open("seated-twist", focus=True) and win.is_open()
    win.close()
    assert started[0].poll() is not None and not win.is_open()
    win.close()  # nothing open: nothing to do


def test_asked_for_while_open_the_window_is_raised_not_started_again(monkeypatch):
    import deskbreak.adapters.window.raise_x11 as raise_x11

    raised = threading.Event()
    calls: list[tuple[str, str | None]] = []

    def fake_raise(wm_class: str, display_name: str | None = None) -> bool:
        calls.append((wm_class, display_name))
        raised.set()
        return True

    monkeypatch.setattr(raise_x11, "raise_window", fake_raise)
    win, popen = launcher()
    assert win.for_prompt("seated-twist", asked=False, with_prompt=True) is False  # opened unfocused
    assert not raised.is_set()
    assert win.for_prompt("seated-twist", asked=True, with_prompt=True)  # the click on the prompt
    assert raised.wait(2) and calls == [("deskbreak", ":0")]
    assert len(popen.started) == 1
