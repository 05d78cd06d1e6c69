"""The desktop test stack: Xvfb, a private D-Bus session bus, dunst and trayer (a pytest plugin).

Registered in tests/conftest.py with ``pytest_plugins = ["desktop_stack"]``. Tests that use the
session-scoped ``desktop`` fixture carry ``@pytest.mark.desktop``.

Nothing here touches the user's display or session bus: Xvfb picks a free display itself
(``-displayfd``), and the bus has its own config with no service directories, so a killed dunst stays
dead (no D-Bus activation) until ``restart_dunst()``. Every wait polls a condition with a deadline.

If a program is missing the fixture skips, unless ``DESKBREAK_REQUIRE_DESKTOP=1`` (CI), then it fails.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

# program -> Debian package
PROGRAMS = {
    "Xvfb": "xvfb",
    "xdpyinfo": "x11-utils",
    "xwininfo": "x11-utils",
    "xprop": "x11-utils",
    "dbus-daemon": "dbus-daemon",
    "dbus-send": "dbus-bin",
    "dunst": "dunst",
    "dunstctl": "dunst",
    "trayer": "trayer",
    "xdotool": "xdotool",
    "import": "imagemagick",
}
START_TIMEOUT = 10.0

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# Notifications never expire on their own (urgency timeouts 0) unless the sender sets a timeout;
# the context menu ("dunstctl context") goes through DUNST_PICKER instead of dmenu.
DUNSTRC = """[global]
    width = 360
    height = 300
    origin = top-right
    offset = 10x40
    font = Monospace 9
    format = "<b>%s</b>\\n%b"
    markup = full
    show_indicators = yes
    sticky_history = yes
    history_length = 100
    idle_threshold = 0
    ignore_dbusclose = false
    dmenu = {picker}
    mouse_left_click = do_action, close_current
    mouse_middle_click = context
    mouse_right_click = close_current
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
"""

# dunst's context menu: it writes one line per action to our stdin, we answer the line whose action
# key (the text after the last comma in "... [id,key]" or the line itself) matches the "pick" file.
PICKER = """#!/bin/sh
menu=$(cat)
printf '%s\\n' "$menu" > "{dir}/picker-menu.txt"
pick=$(cat "{dir}/pick" 2>/dev/null)
printf '%s\\n' "$menu" | grep -F -- "$pick" | head -n 1
"""


def missing_programs() -> list[str]:
    return [f"{p} (apt package {pkg})" for p, pkg in PROGRAMS.items() if shutil.which(p) is None]


def wait_for(condition: Callable[[], object], what: str, timeout: float = START_TIMEOUT):
    """Poll `condition` until it returns something truthy; TimeoutError naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _read_line(fd: int, timeout: float, what: str) -> str:
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError(f"timed out waiting for {what}")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise RuntimeError(f"{what}: the program exited before answering")
        data += chunk
    return data.decode().strip()


class Processes:
    """The programs a stack started, by name, with a log file each (`_procs`, `_logs`)."""

    _procs: dict[str, subprocess.Popen]
    _logs: dict[str, Path]

    def _stop(self, name: str, timeout: float = 5.0) -> None:
        proc = self._procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)

    def log_tail(self, name: str, lines: int = 20) -> str:
        try:
            return "\n".join(self._logs[name].read_text(errors="replace").splitlines()[-lines:])
        except (KeyError, OSError):
            return ""


def session_stack(stack, missing: list[str], what: str):
    """The body of a session fixture: skip (or fail in CI) when programs are missing, start the
    stack (stopping what started if that fails), yield it, stop it."""
    if missing:
        skip_or_fail(f"{what}: missing " + ", ".join(missing))
    try:
        stack.start()
    except BaseException:
        stack.stop()
        raise
    try:
        yield stack
    finally:
        stack.stop()


class DesktopStack(Processes):
    """Xvfb + private session bus + dunst + trayer, started in `workdir`."""

    SCREEN = "1280x800x24"  # Xvfb's screen: a subclass sets another size (e.g. a 1366x768 laptop)

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.display = ""
        self.bus_address = ""
        self.env: dict[str, str] = {}
        self._procs: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, Path] = {}

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self, attempts: int = 3) -> DesktopStack:
        """Start everything; on failure stop what started and try again (a busy shared machine can
        lose a fresh display to a concurrent X server start), then raise the last error."""
        for attempt in range(1, attempts + 1):
            try:
                return self._start()
            except (RuntimeError, TimeoutError, OSError) as exc:
                self.stop()
                if attempt == attempts:
                    raise
                print(f"desktop stack: start attempt {attempt} failed: {exc}".splitlines()[0])
        raise AssertionError("unreachable")

    def _start(self) -> DesktopStack:
        self._start_xvfb()
        self._start_bus()
        self.env = {
            **os.environ,
            "DISPLAY": self.display,
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "NO_AT_BRIDGE": "1",  # GTK programs: no accessibility bus
        }
        self.env.pop("WAYLAND_DISPLAY", None)
        self._start_dunst()
        self._start_trayer()
        return self

    def stop(self) -> None:
        for name in reversed(list(self._procs)):
            self._stop(name)

    def _spawn(self, name: str, argv: list[str], **kw) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        self._logs[name] = log
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True, **kw
            )
        self._procs[name] = proc
        return proc

    def _alive(self, name: str) -> None:
        proc = self._procs.get(name)
        if proc is None or proc.poll() is not None:
            xvfb = self._procs.get("xvfb")
            x_state = "running" if xvfb is not None and xvfb.poll() is None else "gone"
            raise RuntimeError(
                f"{name} exited early (DISPLAY={self.display}, Xvfb {x_state}):\n{self.log_tail(name)}"
            )

    # -- Xvfb -----------------------------------------------------------------------------------
    def _start_xvfb(self) -> None:
        r, w = os.pipe()
        try:
            self._spawn(
                "xvfb",
                ["Xvfb", "-displayfd", str(w), "-screen", "0", self.SCREEN, "-nolisten", "tcp"],
                pass_fds=(w,),
            )
            os.close(w)
            w = -1
            self.display = ":" + _read_line(r, START_TIMEOUT, "Xvfb's display number")
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)
        env = {**os.environ, "DISPLAY": self.display}
        wait_for(
            lambda: subprocess.run(["xdpyinfo"], env=env, capture_output=True).returncode == 0,
            f"X display {self.display}",
        )

    # -- D-Bus --------------------------------------------------------------------------------
    def _start_bus(self) -> None:
        self.bus_address = self.start_bus("dbus", self.workdir / "bus")

    def start_bus(self, name: str, directory: Path) -> str:
        """Start a private dbus-daemon as process `name` (stop it with stop_process); its address."""
        directory.mkdir(parents=True, exist_ok=True)
        conf = directory / "bus.conf"
        conf.write_text(BUS_CONFIG.format(dir=directory))
        r, w = os.pipe()
        try:
            self._spawn(
                name,
                ["dbus-daemon", f"--config-file={conf}", "--nofork", f"--print-address={w}"],
                pass_fds=(w,),
            )
            os.close(w)
            w = -1
            return _read_line(r, START_TIMEOUT, f"the address of D-Bus {name}")
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)

    def stop_process(self, name: str) -> None:
        self._stop(name)

    def bus_name_owner(self, name: str) -> str | None:
        """The unique name owning `name` on the private bus, or None."""
        from jeepney import DBus, MessageType
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(self.bus_address) as conn:
            reply = conn.send_and_get_reply(DBus().GetNameOwner(name), timeout=2)
            return None if reply.header.message_type == MessageType.error else reply.body[0]

    # -- dunst ----------------------------------------------------------------------------------
    def _start_dunst(self) -> None:
        picker = self.workdir / "dunst-picker.sh"
        picker.write_text(PICKER.format(dir=self.workdir))
        picker.chmod(0o755)
        rc = self.workdir / "dunstrc"
        rc.write_text(DUNSTRC.format(picker=picker))
        self._spawn("dunst", ["dunst", "-config", str(rc)], env=self.env)
        wait_for(
            lambda: self._alive("dunst") or self.bus_name_owner("org.freedesktop.Notifications"),
            "dunst to own org.freedesktop.Notifications",
        )

    def start_dunst(self) -> None:
        """Start dunst (after kill_dunst) and wait until it owns the notification name."""
        self._start_dunst()

    def kill_dunst(self) -> None:
        """Stop dunst and wait until the notification name is free."""
        self._stop("dunst")
        wait_for(
            lambda: self.bus_name_owner("org.freedesktop.Notifications") is None,
            "org.freedesktop.Notifications to be released",
        )

    def restart_dunst(self) -> None:
        self.kill_dunst()
        self._start_dunst()

    def dunstctl(self, *args: str, timeout: float = 5.0) -> str:
        done = subprocess.run(
            ["dunstctl", *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"dunstctl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def dunst_history(self) -> list[dict]:
        """Close everything shown (dunst only lists closed notifications), then return the history,
        newest first, as plain dicts ({"id": 3, "summary": "...", "body": "...", "appname": ...})."""
        self.dunstctl("close-all")
        raw = json.loads(self.dunstctl("history"))
        return [{k: v.get("data") for k, v in n.items()} for n in raw["data"][0]]

    def dunst_displayed(self) -> int:
        return int(self.dunstctl("count", "displayed").strip())

    def dunst_pick_action(self, action_key: str, notification_id: int | None = None) -> None:
        """Invoke action `action_key` (of notification `notification_id`, else of the first one
        that has it) through dunst's context menu: dunst emits ActionInvoked as for a user's choice.
        dunst lists every displayed notification's actions to the menu program as
        "#Label (summary) [id,key]"; our picker answers the line containing "[id,key]"."""
        pattern = f"[{notification_id},{action_key}]" if notification_id else f",{action_key}]"
        (self.workdir / "pick").write_text(pattern)
        self.dunstctl("context")

    def dunst_default_action(self) -> None:
        """What a click on the newest notification's body does: invoke its "default" action."""
        self.dunstctl("action", "0")

    # -- trayer ---------------------------------------------------------------------------------
    def _start_trayer(self) -> None:
        self._spawn(
            "trayer",
            [
                "trayer",
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "32",
                "--transparent",
                "false",
                "--tint",
                "0x334455",
            ],
            env=self.env,
        )
        wait_for(lambda: self._alive("trayer") or self.tray_owner(), "trayer to own the tray selection")

    def start_trayer(self) -> None:
        """Start trayer (after stop_trayer) and wait until it owns the tray selection."""
        self._start_trayer()

    def stop_trayer(self) -> None:
        """Stop trayer and wait until the tray selection is free (docked icons lose their host)."""
        self._stop("trayer")
        wait_for(lambda: not self.tray_owner(), "the tray selection to be released")

    def restart_trayer(self) -> None:
        self.stop_trayer()
        self._start_trayer()

    def xdisplay(self):
        """A new python-xlib Display on the test display (close it when done)."""
        return self._xdisplay()

    def _xdisplay(self):
        from Xlib import display as xdisplay

        return xdisplay.Display(self.display)

    def tray_owner(self) -> int:
        """The window owning _NET_SYSTEM_TRAY_S0 (the XEmbed tray host), or 0."""
        d = self._xdisplay()
        try:
            owner = d.get_selection_owner(d.intern_atom("_NET_SYSTEM_TRAY_S0"))
            return int(owner.id) if owner else 0
        finally:
            d.close()

    def tray_clients(self) -> list[int]:
        """XEmbed client windows docked in a tray: windows with _XEMBED_INFO that were reparented
        away from the root window (an icon that failed to dock stays a top-level child of root)."""
        from Xlib import error as xerror

        d = self._xdisplay()
        try:
            root = d.screen().root
            xembed = d.intern_atom("_XEMBED_INFO")
            found: list[int] = []

            def walk(win, depth: int) -> None:
                try:
                    children = win.query_tree().children
                except xerror.XError:
                    return
                for child in children:
                    try:
                        if depth > 0 and child.get_full_property(xembed, 0) is not None:
                            found.append(int(child.id))
                    except xerror.XError:
                        continue
                    walk(child, depth + 1)

            walk(root, 0)
            return found
        finally:
            d.close()

    def toplevel_xembed_windows(self) -> list[int]:
        """Windows with _XEMBED_INFO still sitting directly on the root: icons that did not dock."""
        from Xlib import error as xerror

        d = self._xdisplay()
        try:
            xembed = d.intern_atom("_XEMBED_INFO")
            out = []
            for child in d.screen().root.query_tree().children:
                try:
                    if child.get_full_property(xembed, 0) is not None:
                        out.append(int(child.id))
                except xerror.XError:
                    pass
            return out
        finally:
            d.close()

    # -- pictures -----------------------------------------------------------------------------
    def screenshot(self, path: str | os.PathLike) -> Path:
        subprocess.run(
            ["import", "-window", "root", str(path)],
            env=self.env,
            check=True,
            timeout=20,
            capture_output=True,
        )
        return Path(path)


def skip_or_fail(reason: str) -> None:
    """Skip a desktop test that cannot run here, or fail it under DESKBREAK_REQUIRE_DESKTOP=1 (CI)."""
    if os.environ.get("DESKBREAK_REQUIRE_DESKTOP") == "1":
        pytest.fail(reason + " (DESKBREAK_REQUIRE_DESKTOP=1)", pytrace=False)
    pytest.skip(reason)


def need_gtk() -> None:
    """The menu-capable tray backends need PyGObject (pip install "pygobject<3.51"; .ci/run does)."""
    try:
        import gi

        gi.require_version("Gtk", "3.0")
        from gi.repository import Gtk  # noqa: F401
    except (ImportError, ValueError) as error:
        skip_or_fail(f"the gtk tray backend needs PyGObject with GTK 3 ({error})")


@pytest.fixture(scope="session")
def desktop(tmp_path_factory: pytest.TempPathFactory):
    """A running desktop stack for the whole session (see DesktopStack)."""
    yield from session_stack(
        DesktopStack(tmp_path_factory.mktemp("desktop")), missing_programs(), "desktop stack"
    )
