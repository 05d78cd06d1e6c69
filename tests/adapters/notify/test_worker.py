"""The notifier worker: calls return at once, run in order, a stuck server is given up on (logged
once), the queue is bounded, and with a real dunst stopped by SIGSTOP the control socket answers."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskbreak.adapters.fakes import FakeClock
from deskbreak.adapters.notify.freedesktop import FreedesktopNotifier
from deskbreak.adapters.notify.worker import NotifierWorker
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.daemon.control import ControlClient
from deskbreak.daemon.remote import serve
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.ports import NotifierError, Prompt
from deskbreak.store import config_file as config_file_store

PROMPT = Prompt("twist", "Seated twist", "Turn.", 10)


class GatedNotifier:
    """Records calls; each call waits until the test opens the gate (a hung server until then)."""

    name = "gated"
    has_actions = True

    def __init__(self, open_gate: bool = False) -> None:
        self.gate = threading.Event()
        if open_gate:
            self.gate.set()
        self.calls: list[str] = []
        self.started = threading.Semaphore(0)
        self.fail = False

    def _call(self, what: str) -> None:
        self.calls.append(what)
        self.started.release()
        self.gate.wait(30)
        if self.fail:
            raise NotifierError("server said no")

    def show(self, prompt: Prompt) -> None:
        self._call(f"show {prompt.stretch_id}")

    def withdraw(self) -> None:
        self._call("withdraw")

    def close(self) -> None:
        self._call("close")


def test_calls_return_at_once_and_run_in_order():
    inner = GatedNotifier()
    worker = NotifierWorker(inner, timeout=30)
    try:
        worker.show(PROMPT)  # the server hangs: the caller is not held
        worker.withdraw()
        assert inner.started.acquire(timeout=5) and inner.calls == ["show twist"]
        inner.gate.set()
        assert worker.wait_idle(5)
        assert inner.calls == ["show twist", "withdraw"]
        assert worker.name == "gated" and worker.has_actions
    finally:
        inner.gate.set()
        worker.close()


def test_a_stuck_call_is_given_up_on_logged_once_and_the_next_one_runs(caplog):
    inner = GatedNotifier()
    worker = NotifierWorker(inner, timeout=0.2, max_abandoned=5)
    caplog.set_level(logging.INFO, logger="deskbreak.adapters.notify.worker")
    try:
        worker.show(PROMPT)
        worker.show(Prompt("bend", "Bend", "Bend.", 10))
        assert worker.wait_idle(5)  # both given up on, neither waited for past its timeout
        assert inner.calls == ["show twist", "show bend"]
        stalls = [r for r in caplog.records if "did not answer within 0.2 s" in r.getMessage()]
        assert len(stalls) == 1
        inner.gate.set()  # the server wakes up: the next call succeeds in time
        worker.withdraw()
        assert worker.wait_idle(5)
        assert any("answers again" in r.getMessage() for r in caplog.records)
    finally:
        inner.gate.set()
        worker.close()


def test_a_server_that_never_answers_cannot_pile_up_threads():
    inner = GatedNotifier()
    worker = NotifierWorker(inner, timeout=0.1, max_abandoned=2)
    try:
        for _ in range(6):
            worker.show(PROMPT)
            assert worker.wait_idle(5)
        assert len(inner.calls) == 2  # two stuck calls left running; the rest dropped
        inner.gate.set()
        assert worker.wait_idle(5)
    finally:
        inner.gate.set()
        worker.close()


def test_the_queue_keeps_the_latest_calls():
    inner = GatedNotifier()
    worker = NotifierWorker(inner, timeout=30, capacity=2)
    try:
        worker.show(Prompt("first", "First", "", 10))
        assert inner.started.acquire(timeout=5)  # running: the queue is empty again
        for sid in ("a", "b", "c", "d"):
            worker.show(Prompt(sid, sid, "", 10))
        inner.gate.set()
        assert worker.wait_idle(5)
        assert inner.calls == ["show first", "show c", "show d"]
    finally:
        inner.gate.set()
        worker.close()


def test_a_failed_show_is_logged_with_the_stretch(caplog):
    inner = GatedNotifier(open_gate=True)
    inner.fail = True
    worker = NotifierWorker(inner, timeout=5)
    caplog.set_level(logging.WARNING, logger="deskbreak.adapters.notify.worker")
    worker.show(PROMPT)
    assert worker.wait_idle(5)
    assert "prompt for Seated twist not shown: server said no" in caplog.text
    worker.close()


def test_close_does_not_wait_for_a_hung_server():
    inner = GatedNotifier()
    worker = NotifierWorker(inner, timeout=0.2)
    worker.show(PROMPT)
    assert inner.started.acquire(timeout=5)
    closed = threading.Event()
    threading.Thread(target=lambda: (worker.close(), closed.set()), daemon=True).start()
    assert closed.wait(5)
    inner.gate.set()


# --- a real notification server, stopped ---------------------------------------------------------


def stretch(sid: str) -> Stretch:
    return Stretch(sid, sid.title(), "seated", ("lower_back",), ("Sit.", "Turn."), 20, 2, False, "Stop.", "t")


@pytest.fixture
def short_dir():
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))  # AF_UNIX paths are short
    yield top
    shutil.rmtree(top, ignore_errors=True)


def test_status_answers_within_a_second_while_dunst_is_stopped(desktop, short_dir, tmp_path):
    config_path = tmp_path / "config.toml"
    config_path.write_text('[schedule]\ntimezone = "Europe/Berlin"\ninterval_minutes = 1\n')
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))  # a Monday
    notifier = NotifierWorker(FreedesktopNotifier(lambda a, n: None, bus_address=desktop.bus_address))
    daemon = Daemon(
        config_file_store.load(config_path),
        Catalog((stretch("twist"), stretch("bend"))),
        Ports(notifier=notifier, tray=HeadlessTray(), clock=clock),
        seed=1,
    )
    server = serve(daemon, short_dir / "run" / "control.sock")
    client = ControlClient(server.path)
    dunst = desktop._procs["dunst"].pid
    assert client.request("status")["state"] == "working"
    os.kill(dunst, signal.SIGSTOP)
    try:
        clock.advance(minutes=1, seconds=1)  # the prompt falls due; the timer fires
        timer = threading.Thread(target=daemon.on_timer, daemon=True)
        timer.start()
        timer.join(1.0)
        assert not timer.is_alive(), "the timer held the daemon while the server hung"
        reply = client.request("status", timeout=1.0)
        assert reply["ok"] and reply["state"] == "due"
        assert client.request("snooze", timeout=1.0)["state"] == "snoozed"  # withdraws: queued too
    finally:
        os.kill(dunst, signal.SIGCONT)
        server.stop()
        daemon.stop()
    assert notifier.wait_idle(15)
