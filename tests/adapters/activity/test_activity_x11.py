"""The real X11 probe on its own Xvfb + openbox (+ a private session bus with a fake screen saver).

Skips when a program is missing, unless DESKBREAK_REQUIRE_DESKTOP=1 (then it fails). Waits poll the
probe with deadlines; nothing sleeps longer than the condition needs.
"""

from __future__ import annotations

import importlib.util
import os
import select
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deskbreak.adapters.activity import choose_activity_probe, pick_activity_probe, x11_wire
from deskbreak.adapters.activity.base import ActivitySample
from deskbreak.adapters.activity.x11 import XorgIdleProbe

pytestmark = pytest.mark.desktop

PROGRAMS = {
    "Xvfb": "xvfb",
    "openbox": "openbox",
    "xdotool": "xdotool",
    "wmctrl": "wmctrl",
    "xprop": "x11-utils",
    "xwininfo": "x11-utils",
    "dbus-daemon": "dbus-daemon",
}
TIMEOUT = 10.0


def wait_for(condition: Callable[[], object], what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return result


def _need_programs() -> None:
    missing = [f"{p} (apt package {pkg})" for p, pkg in PROGRAMS.items() if not shutil.which(p)]
    if importlib.util.find_spec("tkinter") is None:
        missing.append("tkinter (apt package python3-tk)")
    if missing:
        message = "desktop test programs missing: " + ", ".join(missing)
        if os.environ.get("DESKBREAK_REQUIRE_DESKTOP") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _read_line(fd: int, what: str) -> str:
    deadline, data = time.monotonic() + TIMEOUT, b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError(f"timed out waiting for {what}")
        if not (chunk := os.read(fd, 256)):
            raise RuntimeError(f"{what}: the program exited first")
        data += chunk
    return data.decode().strip()


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class FakeScreenSaver(threading.Thread):
    """Owns org.freedesktop.ScreenSaver and org.freedesktop.Notifications on the private bus."""

    def __init__(self, address: str) -> None:
        super().__init__(daemon=True)
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.active, self.inhibited = False, False
        self.conn = open_dbus_connection(address)
        for name in ("org.freedesktop.ScreenSaver", "org.freedesktop.Notifications"):
            self.conn.send_and_get_reply(message_bus.RequestName(name), timeout=TIMEOUT)

    def run(self) -> None:
        from jeepney import MessageType, new_method_return

        while True:
            try:
                msg = self.conn.receive()
            except Exception:
                return
            if msg.header.message_type != MessageType.method_call:
                continue
            member = msg.header.fields.get(3)  # HeaderFields.member
            if member == "GetActive":
                self.conn.send_message(new_method_return(msg, "b", (self.active,)))
            elif member == "Get" and msg.body[1] == "Inhibited":
                self.conn.send_message(new_method_return(msg, "v", (("b", self.inhibited),)))


@pytest.fixture(scope="module")
def xsession(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    _need_programs()
    workdir = tmp_path_factory.mktemp("x11")
    procs: list[subprocess.Popen] = []
    read_fd, write_fd = os.pipe()
    try:
        procs.append(
            subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                pass_fds=[write_fd],
                stdout=subprocess.DEVNULL,
                stderr=open(workdir / "xvfb.log", "wb"),
            )
        )
        os.close(write_fd)
        display = ":" + _read_line(read_fd, "Xvfb to choose a display")
        os.close(read_fd)
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1", f"--address=unix:dir={workdir}"],
            stdout=subprocess.PIPE,
            stderr=open(workdir / "dbus.log", "wb"),
        )
        procs.append(bus)
        address = _read_line(bus.stdout.fileno(), "dbus-daemon's address")
        env = {
            **os.environ,
            "DISPLAY": display,
            "DBUS_SESSION_BUS_ADDRESS": address,
            "XDG_SESSION_TYPE": "x11",
        }
        env.pop("WAYLAND_DISPLAY", None)
        env.pop("DESKBREAK_IDLE_PROBE", None)
        procs.append(
            subprocess.Popen(
                ["openbox", "--sm-disable"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(workdir / "openbox.log", "wb"),
            )
        )
        wait_for(
            lambda: (
                "_NET_SUPPORTING_WM_CHECK(WINDOW)"
                in subprocess.run(
                    ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env, capture_output=True, text=True
                ).stdout
            ),
            "openbox to manage the screen",
        )
        yield env
    finally:
        for proc in reversed(procs):
            _stop(proc)


@pytest.fixture
def probe(xsession: dict[str, str]) -> Iterator[XorgIdleProbe]:
    probe = XorgIdleProbe(xsession)
    yield probe
    probe.close()


def xdotool(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        ["xdotool", *args], env=env, check=True, capture_output=True, text=True, timeout=TIMEOUT
    ).stdout.strip()


def idle(probe: XorgIdleProbe) -> float:
    value = probe.sample().idle_seconds
    assert value is not None
    return value


def test_picker_chooses_x11_and_names_it(xsession: dict[str, str]) -> None:
    probe = choose_activity_probe(xsession, "linux")
    try:
        assert probe.name == "x11"
    finally:
        probe.close()


def test_idle_grows_without_input(probe: XorgIdleProbe) -> None:
    start = idle(probe)
    wait_for(lambda: idle(probe) >= start + 1.5, "idle time to grow by 1.5 s", timeout=5)
    readings = [idle(probe) for _ in range(5)]
    assert readings == sorted(readings)


@pytest.mark.parametrize("action", [("mousemove", "{x}", "{x}"), ("key", "shift")])
def test_input_resets_idle(probe: XorgIdleProbe, xsession: dict[str, str], action: tuple) -> None:
    wait_for(lambda: idle(probe) >= 1.5, "1.5 s without input", timeout=5)
    x = str(100 + int(time.monotonic() * 1000) % 500)  # a new position each time: a real motion
    xdotool(xsession, *(a.format(x=x) for a in action))
    wait_for(lambda: idle(probe) < 0.5, f"xdotool {action[0]} to reset the idle time", timeout=3)


@pytest.fixture
def tk_window(xsession: dict[str, str]) -> Iterator[Callable[..., str]]:
    windows: list[subprocess.Popen] = []

    def open_window(title: str, fullscreen: bool = False) -> str:
        script = (
            f"import tkinter as tk\nr = tk.Tk()\nr.title({title!r})\nr.geometry('320x200+40+40')\n"
            f"r.attributes('-fullscreen', {fullscreen})\nr.mainloop()\n"
        )
        windows.append(subprocess.Popen([sys.executable, "-c", script], env=xsession))
        wid = wait_for(
            lambda: subprocess.run(
                ["xdotool", "search", "--name", f"^{title}$"], env=xsession, capture_output=True, text=True
            ).stdout.split(),
            f"the Tk window {title!r}",
        )[0]
        xdotool(xsession, "windowactivate", "--sync", wid)
        return wid

    yield open_window
    for proc in windows:
        _stop(proc)


def test_fullscreen_window_is_detected(probe: XorgIdleProbe, xsession, tk_window) -> None:
    wid = tk_window("deskbreak-normal")
    wait_for(lambda: probe.sample().fullscreen is False, "a normal focused window")
    subprocess.run(["wmctrl", "-i", "-r", wid, "-b", "add,fullscreen"], env=xsession, check=True)
    wait_for(lambda: probe.sample().fullscreen is True, "the window to be fullscreen")
    subprocess.run(["wmctrl", "-i", "-r", wid, "-b", "remove,fullscreen"], env=xsession, check=True)
    wait_for(lambda: probe.sample().fullscreen is False, "the window to leave fullscreen")


def test_tk_fullscreen_attribute_then_focus_elsewhere(probe: XorgIdleProbe, xsession, tk_window) -> None:
    full = tk_window("deskbreak-full", fullscreen=True)
    wait_for(lambda: probe.sample().fullscreen is True, "Tk's -fullscreen window")
    tk_window("deskbreak-other")  # the focus moves to a normal window: not a bad moment any more
    wait_for(lambda: probe.sample().fullscreen is False, "focus on the normal window")
    xdotool(xsession, "windowactivate", "--sync", full)
    wait_for(lambda: probe.sample().fullscreen is True, "focus back on the fullscreen window")


def test_lock_and_do_not_disturb_come_from_the_session_bus(xsession: dict[str, str]) -> None:
    service = FakeScreenSaver(xsession["DBUS_SESSION_BUS_ADDRESS"])
    service.start()
    probe = XorgIdleProbe(xsession)
    try:
        sample = probe.sample()
        assert (sample.locked, sample.notifications_inhibited) == (False, False)
        service.active, service.inhibited = True, True
        sample = probe.sample()
        assert (sample.locked, sample.notifications_inhibited) == (True, True)
        assert sample.idle_seconds is not None
    finally:
        probe.close()
        service.conn.close()


def test_without_a_session_bus_lock_is_unknown(xsession: dict[str, str]) -> None:
    env = {**xsession, "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}
    probe = XorgIdleProbe(env)
    try:
        sample = probe.sample()
        assert isinstance(sample, ActivitySample)
        assert (sample.locked, sample.notifications_inhibited) == (None, None)
    finally:
        probe.close()


def test_a_dead_x_server_gives_none_not_an_exception(tmp_path: Path) -> None:
    _need_programs()
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp"],
        pass_fds=[write_fd],
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        display = ":" + _read_line(read_fd, "Xvfb")
        probe = XorgIdleProbe({"DISPLAY": display}, bus=None)
        assert probe.sample().idle_seconds is not None
        assert probe.sample().fullscreen is None  # no window manager: cannot tell
    finally:
        os.close(read_fd)
        _stop(xvfb)
    assert probe.sample() == ActivitySample(None, None, None, None)
    probe.close()


COOKIE = "5ca1ab1e" * 4


@pytest.fixture
def guarded_xvfb(tmp_path: Path) -> Iterator[int]:
    """An Xvfb that admits only clients with COOKIE (its -auth file), listening on TCP too."""
    _need_programs()
    if not shutil.which("xauth"):
        pytest.skip("xauth (apt package xauth) missing")
    server_auth = tmp_path / "server.auth"
    # The server loads every cookie in its file, whatever display number the entry names.
    subprocess.run(
        ["xauth", "-f", str(server_auth), "add", ":0", ".", COOKIE], check=True, capture_output=True
    )
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-noreset", "-auth", str(server_auth), "-listen", "tcp"],
        pass_fds=[write_fd],
        stderr=open(tmp_path / "xvfb.log", "wb"),
    )
    os.close(write_fd)
    try:
        yield int(_read_line(read_fd, "Xvfb to choose a display"))
    finally:
        os.close(read_fd)
        _stop(xvfb)


def client_auth(tmp_path: Path, number: int, cookie: str) -> str:
    path = tmp_path / f"client-{cookie[:8]}.auth"
    subprocess.run(
        ["xauth", "-f", str(path), "add", f":{number}", ".", cookie], check=True, capture_output=True
    )
    return str(path)


@pytest.mark.parametrize(
    "display",
    [
        ":{number}",
        # xauth stored the cookie for this host's unix socket; localhost:N finds it as Xlib does (ssh -X).
        "127.0.0.1:{number}",
    ],
)
def test_the_cookie_from_xauthority_lets_the_probe_in(
    guarded_xvfb: int, tmp_path: Path, display: str
) -> None:
    env = {
        "DISPLAY": display.format(number=guarded_xvfb),
        "XAUTHORITY": client_auth(tmp_path, guarded_xvfb, COOKIE),
    }
    probe = XorgIdleProbe(env, bus=None)
    try:
        assert probe.sample().idle_seconds is not None
    finally:
        probe.close()


@pytest.mark.parametrize("cookie", ["0badc0de" * 4, None])
def test_a_wrong_or_missing_cookie_is_one_clear_line(
    guarded_xvfb: int, tmp_path: Path, cookie: str | None
) -> None:
    auth = client_auth(tmp_path, guarded_xvfb, cookie) if cookie else str(tmp_path / "no-such-file")
    with pytest.raises(OSError) as caught:
        XorgIdleProbe({"DISPLAY": f":{guarded_xvfb}", "XAUTHORITY": auth}, bus=None)
    message = str(caught.value)
    assert message.startswith(f'X display ":{guarded_xvfb}" refused the connection: ')
    assert "\n" not in message and message.endswith(("key", "specified"))


def test_a_display_that_does_not_exist_is_one_clear_line(tmp_path: Path) -> None:
    number = next(n for n in range(59000, 59500) if not os.path.exists(f"/tmp/.X11-unix/X{n}"))
    env = {"DISPLAY": f":{number}", "XAUTHORITY": str(tmp_path / "none")}
    with pytest.raises(OSError) as caught:
        XorgIdleProbe(env, bus=None)
    assert str(caught.value).startswith(f'cannot connect to X display ":{number}": [Errno ')
    assert "\n" not in str(caught.value)
    choice = pick_activity_probe({**env, "DESKBREAK_IDLE_PROBE": "x11"}, "linux")
    assert choice.name == "none" and choice.failures[0].why.startswith("XError: cannot connect to X display")


TWO_SCREENS = ("-screen", "0", "640x480x24", "-screen", "1", "800x600x24")


def test_the_screen_number_in_display_is_honoured(tmp_path: Path) -> None:
    _need_programs()
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        # -noreset: each client here is the last to leave; a reset would drop the next one.
        ["Xvfb", "-displayfd", str(write_fd), "-noreset", "-nolisten", "tcp", *TWO_SCREENS],
        pass_fds=[write_fd],
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        display = ":" + _read_line(read_fd, "Xvfb")
        for screen in ("0", "1"):
            env = {"DISPLAY": f"{display}.{screen}", "XAUTHORITY": str(tmp_path / "none")}
            info = subprocess.run(["xwininfo", "-root"], env=env, check=True, capture_output=True, text=True)
            root = int(info.stdout.split("Window id: ")[1].split()[0], 16)
            connection = x11_wire.XConnection(env)
            try:
                assert connection.root == root
            finally:
                connection.close()
            probe = XorgIdleProbe(env, bus=None)
            assert probe.sample().idle_seconds is not None
            probe.close()
    finally:
        os.close(read_fd)
        _stop(xvfb)


def test_an_active_window_that_no_longer_exists_is_not_fullscreen(tmp_path: Path) -> None:
    """The BadWindow path on a real server: the root names a window that is gone."""
    _need_programs()
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-noreset", "-nolisten", "tcp"],
        pass_fds=[write_fd],
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        env = {"DISPLAY": ":" + _read_line(read_fd, "Xvfb"), "XAUTHORITY": str(tmp_path / "none")}
        probe = XorgIdleProbe(env, bus=None)
        try:
            assert probe.fullscreen() is None  # no window manager: cannot tell
            set_active = ["xprop", "-root", "-f", "_NET_ACTIVE_WINDOW", "32x", "-set", "_NET_ACTIVE_WINDOW"]
            subprocess.run([*set_active, "0x7fff01"], env=env, check=True)  # no such window
            assert probe.fullscreen() is False
            assert probe.sample().idle_seconds is not None  # the connection is still in step
            subprocess.run([*set_active, "0"], env=env, check=True)
            assert probe.fullscreen() is False  # nothing focused
        finally:
            probe.close()
    finally:
        os.close(read_fd)
        _stop(xvfb)
