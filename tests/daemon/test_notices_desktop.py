"""A real `deskbreak run` against real notification servers (dunst, mako, xfce4-notifyd): the safety
note and the "config not applied" notice carry no buttons, a stretch prompt carries them, and quitting
with a prompt on screen takes it off the screen."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from daemon_run import DaemonRun, private_env
from desktop_stack import wait_for

pytestmark = pytest.mark.desktop

SAFETY = "Stretch safely"
CONFIG_ERROR = "deskbreak: config not applied"
BUTTONS = {"done", "snooze", "skip"}
BAD_CONFIG = "[schedule]\ninterval_minutes = 0\n"


@contextmanager
def first_run(stack_env: dict[str, str], home: Path, unset: tuple[str, ...] = ()) -> Iterator[DaemonRun]:
    """A daemon's very first run (the safety note is due), with the freedesktop notifier chosen."""
    env = private_env(
        stack_env, home, {"DESKBREAK_TRAY": "headless", "DESKBREAK_NOTIFIER": "freedesktop"}, unset
    )
    daemon = DaemonRun(env, home / "daemon.log", verbose=True).start()
    try:
        daemon.wait_answering()
        yield daemon
    finally:
        daemon.stop()


def reject_a_config(daemon: DaemonRun, home: Path) -> None:
    config = home / "cfg" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(BAD_CONFIG)
    # The config watcher rejects the new file by itself, with a notice of its own: wait for it before
    # the reload, or (with a quick CLI) it lands later, among what a test counts on screen.
    wait_for(lambda: daemon.status()["config_error"], "the watcher to reject the config")
    assert daemon.cli("reload").returncode != 0
    wait_for(lambda: daemon.status()["config_error"], "the daemon to reject the config")


def quit_daemon(daemon: DaemonRun) -> None:
    assert daemon.cli("quit").returncode == 0
    daemon.proc.wait(10)
    assert daemon.proc.returncode == 0, daemon.log_text()[-2000:]


class BusMonitor:
    """`busctl monitor` on the private session bus: the Notify calls (summary, actions), the ids the
    server gave them, and the notifications it closed."""

    def __init__(self, bus_address: str, log: Path) -> None:
        self.log = log
        out = open(log, "wb")
        self.proc = subprocess.Popen(
            ["busctl", f"--address={bus_address}", "monitor", "--json=short"],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        out.close()

    def messages(self) -> list[dict]:
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a line still being written
        return found

    def notified(self) -> list[dict]:
        """Each Notify call: {"summary", "actions", "id"} (id None until the server answered)."""
        messages = self.messages()
        replies = {
            (m.get("destination"), m.get("reply_cookie")): m
            for m in messages
            if m.get("type") == "method_return"
        }  # cookies count per sender
        calls = []
        for m in messages:
            if m.get("type") == "method_call" and m.get("member") == "Notify":
                args = m["payload"]["data"]
                reply = replies.get((m.get("sender"), m.get("cookie")))
                calls.append(
                    {
                        "summary": args[3],
                        "actions": args[5],
                        "id": reply["payload"]["data"][0] if reply else None,
                    }
                )
        return calls

    def closed(self) -> set[int]:
        return {
            m["payload"]["data"][0]
            for m in self.messages()
            if m.get("type") == "signal" and m.get("member") == "NotificationClosed"
        }

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


@contextmanager
def watching(bus_address: str, home: Path) -> Iterator[BusMonitor]:
    monitor = BusMonitor(bus_address, home / "bus.json")
    try:
        wait_for(
            lambda: "Monitoring bus message stream" in monitor.log.read_text(), "the bus monitor to start"
        )
        yield monitor
    finally:
        monitor.stop()


def notices_then_a_prompt(daemon: DaemonRun, home: Path, monitor: BusMonitor) -> dict:
    """The safety note (a first run) and a rejected config go out without actions; a prompt goes out
    with its buttons. Returns the prompt's Notify call (its id, once the server answered)."""
    wait_for(lambda: any(c["summary"] == SAFETY for c in monitor.notified()), "the safety note")
    reject_a_config(daemon, home)
    wait_for(lambda: any(c["summary"] == CONFIG_ERROR for c in monitor.notified()), "the config notice")
    assert daemon.cli("now").returncode == 0
    prompt = wait_for(
        lambda: next((c for c in monitor.notified() if c["actions"] and c["id"]), None), "the prompt"
    )
    notices = [c for c in monitor.notified() if c["summary"] in (SAFETY, CONFIG_ERROR)]
    assert notices and all(c["actions"] == [] for c in notices), notices
    assert set(prompt["actions"][::2]) >= BUTTONS  # keys and labels alternate
    return prompt


def test_dunst_notices_have_no_buttons_prompts_do_and_quit_withdraws(desktop, tmp_path):
    desktop.dunstctl("close-all")
    with watching(desktop.bus_address, tmp_path) as monitor, first_run(desktop.env, tmp_path) as daemon:
        notices_then_a_prompt(daemon, tmp_path, monitor)
        desktop.dunstctl("close-all")  # the notices: only the prompt is left to withdraw
        assert daemon.cli("now").returncode == 0  # shown again (it replaces itself)
        wait_for(lambda: desktop.dunst_displayed() == 1, "the prompt on screen")
        quit_daemon(daemon)
        assert desktop.dunst_displayed() == 0, "quitting took the prompt off the screen"


def mako_deskbreak(wayland) -> list[dict]:
    return [n for n in wayland.mako_list() if n["app-name"] == "deskbreak"]


def test_mako_notices_have_no_buttons_prompts_do_and_quit_withdraws(wayland, tmp_path):
    wayland.makoctl("dismiss", "--all")
    with (
        watching(wayland.bus_address, tmp_path) as monitor,
        first_run(wayland.env, tmp_path, unset=("DISPLAY",)) as daemon,
    ):
        prompt = notices_then_a_prompt(daemon, tmp_path, monitor)
        listed = {n["summary"]: n for n in mako_deskbreak(wayland)}
        assert not listed[SAFETY]["actions"] and not listed[CONFIG_ERROR]["actions"]
        assert set(next(n for n in listed.values() if n["id"] == prompt["id"])["actions"]) >= BUTTONS
        quit_daemon(daemon)
        assert prompt["id"] not in {n["id"] for n in mako_deskbreak(wayland)}, "withdrawn on quit"
        assert {n["summary"] for n in mako_deskbreak(wayland)} == {SAFETY, CONFIG_ERROR}, "notices stay"
    wayland.makoctl("dismiss", "--all")


def test_xfce4_notifyd_notices_have_no_buttons_prompts_do_and_quit_withdraws(
    desktop, xfce4_notifyd, tmp_path
):
    with watching(desktop.bus_address, tmp_path) as monitor, first_run(desktop.env, tmp_path) as daemon:
        prompt = notices_then_a_prompt(daemon, tmp_path, monitor)
        quit_daemon(daemon)
        wait_for(lambda: prompt["id"] in monitor.closed(), "xfce4-notifyd to close the prompt on quit")
