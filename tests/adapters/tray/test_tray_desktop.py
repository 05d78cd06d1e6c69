"""End to end on a real desktop stack (Xvfb, D-Bus, dunst, trayer): the real `deskbreak run` daemon
with pystray's gtk and xorg backends. The icon docks (every launch, and again after the tray host
restarts), prompts reach dunst, its buttons and the tray menu drive the daemon, and a missing
notification server only means a logged fallback."""

from __future__ import annotations

import html
import signal
import subprocess
import time
from pathlib import Path

import pytest
from daemon_run import DaemonRun, private_env
from desktop_stack import need_gtk, wait_for

pytestmark = pytest.mark.desktop

OUTPUT = Path(__file__).resolve().parents[2] / "output"
ALL_DAY = '["00:00-24:00"]'
CONFIG = """[schedule]
interval_minutes = 60
min_minutes_before_end = 0
snooze_minutes = 1
snooze_choices = [1, 5, 10]
prompt_timeout_minutes = 30
""" + "".join(f"{day} = {ALL_DAY}\n" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


class Deskbreak(DaemonRun):
    """One `deskbreak run` subprocess on the desktop stack, and the CLI pointed at it."""

    def __init__(self, desktop, home: Path, backend: str) -> None:
        self.desktop, self.home, self.backend = desktop, home, backend
        super().__init__(
            private_env(desktop.env, home, {"PYSTRAY_BACKEND": backend, "DESKBREAK_IDLE_PROBE": "none"}),
            home / f"daemon-{backend}.log",
        )

    def wait_status(self, what: str, check, timeout: float = 10) -> dict:
        def ready():
            try:
                status = self.status()
            except AssertionError:
                return None
            return status if check(status) else None

        return wait_for(ready, what, timeout)

    def docked_icon(self, timeout: float = 10) -> int:
        """The icon's window once it is an XEmbed client of trayer (polled every ~50 ms)."""

        def docked():
            assert self.proc.poll() is None, f"the daemon exited:\n{self.log_text()[-2000:]}"
            return self.desktop.tray_clients()

        try:
            return wait_for(docked, f"the {self.backend} icon to dock in trayer", timeout)[0]
        except TimeoutError:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler writes every thread's stack to the log
            self.proc.wait(5)
            raise AssertionError(f"the icon did not dock:\n{self.log_text()[-6000:]}") from None

    def stop(self) -> None:
        if not super().stop():
            pytest.fail(f"the daemon ignored SIGTERM:\n{self.log_text()[-8000:]}")


@pytest.fixture
def home(tmp_path):
    (tmp_path / "cfg" / "deskbreak").mkdir(parents=True)
    (tmp_path / "cfg" / "deskbreak" / "config.toml").write_text(CONFIG)
    (tmp_path / "run").mkdir(mode=0o700)
    return tmp_path


@pytest.fixture
def launch(desktop, home):
    """launch(backend) -> a started Deskbreak; every one is stopped (SIGTERM) at the end."""
    started: list[Deskbreak] = []

    def start(backend: str = "gtk") -> Deskbreak:
        if backend in ("gtk", "appindicator"):
            need_gtk()
        daemon = Deskbreak(desktop, home, backend).start()
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        daemon.stop()
    desktop.dunstctl("close-all")


def geometry(desktop, window: int) -> tuple[int, int, int, int]:
    out = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", str(window)],
        env=desktop.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(line.split("=", 1) for line in out.split())
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def click(desktop, x: int, y: int, button: int) -> None:
    subprocess.run(
        ["xdotool", "mousemove", str(x), str(y), "click", str(button)], env=desktop.env, check=True
    )


def top_windows(desktop) -> dict[int, tuple[int, int, int, int]]:
    """Mapped children of the root: id -> (x, y, width, height)."""
    from Xlib import X
    from Xlib import error as xerror

    d = desktop._xdisplay()
    try:
        found = {}
        for child in d.screen().root.query_tree().children:
            try:
                if child.get_attributes().map_state == X.IsViewable:
                    g = child.get_geometry()
                    found[int(child.id)] = (g.x, g.y, g.width, g.height)
            except xerror.XError:
                pass
        return found
    finally:
        d.close()


def first_notification(desktop, timeout: float = 10) -> None:
    wait_for(lambda: desktop.dunst_displayed() > 0, "a notification on screen", timeout)


def prompt_now(desktop, daemon: Deskbreak) -> str:
    """`deskbreak now` on a started daemon with nothing else on screen; the stretch's name."""
    daemon.docked_icon()
    daemon.wait_log("started:")
    desktop.dunstctl("close-all")
    done = daemon.cli("now")
    assert done.returncode == 0, done.stderr
    first_notification(desktop)
    return daemon.status()["stretch"]["name"]


# --- docking ---


@pytest.mark.parametrize("backend", ["gtk", "xorg"])
def test_the_icon_docks_in_the_tray(launch, backend):
    daemon = launch(backend)
    daemon.docked_icon()
    # The icon is built before the control socket listens: a quick CLI can ask in between.
    wait_for(lambda: daemon.cli("status").returncode == 0, "the daemon to answer")
    assert daemon.status()["tray"] == backend
    menu = "yes" if backend == "gtk" else "no"
    daemon.wait_log(f"tray: {backend} (menu: {menu})")
    daemon.wait_log("tray icon docked")


def test_twenty_launches_in_a_row_all_dock(desktop, home):
    """Every launch docks (the watchdog re-asks a tray host that missed the request); < 3 s each."""
    need_gtk()
    times, redocks = [], 0
    for n in range(20):
        daemon = Deskbreak(desktop, home, ("gtk", "xorg")[n % 2])
        began = time.monotonic()
        daemon.start()
        try:
            daemon.docked_icon(timeout=10)
            times.append(time.monotonic() - began)
        finally:
            daemon.stop()
        wait_for(lambda: not desktop.tray_clients(), "the icon to leave the tray")
        redocks += daemon.log_text().count("not docked: asking the tray host again")
        daemon.log.rename(home / f"launch-{n:02d}-{daemon.backend}.log")
    print(
        f"\n20 launches: dock after {min(times):.2f}-{max(times):.2f} s from spawn, "
        f"{redocks} dock request(s) re-sent by the watchdog"
    )
    assert max(times) < 3.0, times


@pytest.mark.parametrize("backend", ["gtk", "xorg"])
def test_the_icon_docks_again_after_the_tray_host_restarts(desktop, launch, backend):
    daemon = launch(backend)
    first = daemon.docked_icon()
    desktop.restart_trayer()
    daemon.docked_icon()
    assert not desktop.toplevel_xembed_windows()
    assert daemon.proc.poll() is None
    if backend == "xorg":  # pystray's xorg backend does not re-dock by itself: the watchdog does
        daemon.wait_log("a new tray host appeared")
    assert first


def test_an_icon_started_before_the_tray_host_docks_when_it_comes(desktop, launch):
    desktop.stop_process("trayer")
    wait_for(lambda: not desktop.tray_owner(), "the tray selection to be released")
    try:
        daemon = launch("xorg")
        daemon.wait_log("no tray host")
    finally:
        desktop._start_trayer()
    daemon.docked_icon()


# --- prompts on the notification server ---


def test_a_prompt_reaches_dunst_and_its_done_button_records_the_stretch(desktop, launch):
    daemon = launch("gtk")
    stretch = prompt_now(desktop, daemon)
    OUTPUT.mkdir(exist_ok=True)
    desktop.screenshot(OUTPUT / "desktop.png")
    desktop.dunst_pick_action("done")
    status = daemon.wait_status("done counted today", lambda s: s["today"]["done"] == 1)
    assert status["state"] == "working"
    shown = [n for n in desktop.dunst_history() if n["summary"] == stretch]
    assert shown, desktop.dunst_history()
    # One line of what to do (every step is in the guided window), the hold, the caution.
    lines = html.unescape(shown[0]["body"]).splitlines()
    assert len(lines) == 4 and lines[1].startswith("Hold ") and lines[2].startswith("Caution: ")


def test_snooze_brings_the_same_stretch_back_after_a_minute(desktop, launch):
    """The one slow test (~60 s): the configured snooze is 1 minute."""
    daemon = launch("xorg")
    stretch = prompt_now(desktop, daemon)
    desktop.dunst_pick_action("snooze")
    daemon.wait_status("snoozed", lambda s: s["state"] == "snoozed")
    again = daemon.wait_status("the prompt back", lambda s: s["state"] == "due", timeout=90)
    assert again["stretch"]["name"] == stretch
    first_notification(desktop)
    assert any(n["summary"] == stretch for n in desktop.dunst_history()[:1])


def test_notification_server_killed_and_restarted(desktop, launch):
    daemon = launch("xorg")
    daemon.docked_icon()
    desktop.kill_dunst()
    try:
        assert daemon.cli("now").returncode == 0
        daemon.wait_log("using ")  # "notifications: ...; using log until it works again"
        assert daemon.proc.poll() is None
        daemon.cli("skip")
    finally:
        desktop._start_dunst()
    daemon.cli("now")
    daemon.wait_log("notifications: freedesktop works again")
    first_notification(desktop)
    assert daemon.status()["state"] == "due"


def test_no_notification_server_at_all(desktop, launch):
    desktop.kill_dunst()
    try:
        daemon = launch("xorg")
        daemon.docked_icon()
        assert daemon.cli("now").returncode == 0
        daemon.wait_log("using log until it works again")  # freedesktop and notify-send both failed
        stretch = daemon.status()["stretch"]["name"]
        daemon.wait_log(f"stretch time: {stretch}")  # the prompt, in the log
        assert daemon.proc.poll() is None
        assert daemon.status()["state"] == "due"
    finally:
        desktop._start_dunst()


# --- the menu and the default action ---


def test_a_gtk_menu_item_works(desktop, launch):
    daemon = launch("gtk")
    icon = daemon.docked_icon()
    daemon.wait_log("started:")
    desktop.dunstctl("close-all")  # nothing on screen but the tray
    x, y, width, height = geometry(desktop, icon)
    before = top_windows(desktop)

    def opened_menu():
        return [g for w, g in top_windows(desktop).items() if w not in before and g[3] > 100]

    # A click that lands while GTK is still settling the freshly docked icon can be lost (seen here
    # about once in fifty launches under load); a person would click again, and so does the test.
    for attempt in range(3):
        click(desktop, x + width // 2, y + height // 2, 3)
        try:
            menu = wait_for(opened_menu, "the tray menu to open", 4)[0]
            break
        except TimeoutError:
            if attempt == 2:
                raise
    OUTPUT.mkdir(exist_ok=True)
    desktop.screenshot(OUTPUT / "desktop-menu.png")
    click(desktop, menu[0] + 40, menu[1] + 16, 1)  # the first item: "Stretch now"
    daemon.wait_status("a prompt after Stretch now", lambda s: s["state"] == "due")
    daemon.wait_log("tray: show")  # the guided window, as prompt.window = "on_click" promises
    daemon.wait_log("guided window starting")
    guided = wait_for(
        lambda: subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--class", "^deskbreak$"],
            env=desktop.env,
            capture_output=True,
            text=True,
        ).stdout.split(),
        "the guided window",
    )
    for window in guided:  # its own process, in a session of its own: close its X connection
        subprocess.run(["xdotool", "windowkill", window], env=desktop.env, check=True)


def test_an_xorg_left_click_opens_the_actions_window(desktop, launch):
    daemon = launch("xorg")
    icon = daemon.docked_icon()
    x, y, width, height = geometry(desktop, icon)
    click(desktop, x + width // 2, y + height // 2, 1)
    daemon.wait_log("opening the actions window")
    found = wait_for(
        lambda: subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "deskbreak actions"],
            env=desktop.env,
            capture_output=True,
            text=True,
        ).stdout.split(),
        "the actions window",
    )
    window = found[0]
    OUTPUT.mkdir(exist_ok=True)
    desktop.screenshot(OUTPUT / "desktop-actions.png")
    subprocess.run(["xdotool", "windowfocus", "--sync", window], env=desktop.env, check=True)
    subprocess.run(["xdotool", "key", "p"], env=desktop.env, check=True)  # Pause 30 min
    status = daemon.wait_status("paused", lambda s: s["state"] == "paused")
    assert status["paused_until"]


@pytest.mark.parametrize("backend", ["gtk", "xorg"])
def test_an_icon_pulled_out_of_the_tray_is_docked_again(desktop, launch, backend):
    """As if the tray host had missed the dock request: the watchdog sends it again."""
    daemon = launch(backend)
    icon = daemon.docked_icon()
    daemon.wait_log("tray icon docked")
    root = subprocess.run(
        ["xdotool", "search", "--maxdepth", "0", "--name", ""],
        env=desktop.env,
        capture_output=True,
        text=True,
    ).stdout.split()
    subprocess.run(["xdotool", "windowreparent", str(icon), root[0] if root else "root"], env=desktop.env)
    daemon.wait_log("the icon was reparented")
    daemon.docked_icon()
    if backend == "xorg":  # GTK's plug finds its way back by itself; pystray's xorg window does not
        daemon.wait_log("asking the tray host again")


@pytest.mark.parametrize("backend", ["gtk", "xorg"])
def test_ctrl_c_stops_the_daemon_cleanly(desktop, launch, backend):
    daemon = launch(backend)
    daemon.docked_icon()
    daemon.wait_log("started:")
    daemon.proc.send_signal(signal.SIGINT)
    assert daemon.proc.wait(10) == 0
    assert "stopped" in daemon.log_text()
    assert not (daemon.home / "run" / "deskbreak" / "control.sock").exists()
