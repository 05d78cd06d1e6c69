"""The event stream: the hub's queues, and the real Daemon (with fakes) publishing through the real
control socket to `events` and `follow` readers."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskbreak.adapters.activity.fake import FakeActivityProbe
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import protocol
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.daemon.control import ControlClient, ControlServer
from deskbreak.daemon.events import EventHub, Subscription
from deskbreak.daemon.remote import RemoteCommands, serve
from deskbreak.daemon.senses import Senses
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.store import config_file as config_file_store

BERLIN = ZoneInfo("Europe/Berlin")
GOOD_CONFIG = '[schedule]\ntimezone = "Europe/Berlin"\n'


def stretch(sid: str) -> Stretch:
    return Stretch(sid, sid.title(), "seated", ("lower_back",), ("Sit.", "Turn."), 20, 2, False, "Stop.", "t")


@dataclass
class Rig:
    daemon: Daemon
    clock: FakeClock
    probe: FakeActivityProbe
    server: ControlServer
    path: Path
    config_file: Path

    def beat(self, minutes: int) -> None:
        """Minutes pass with the timer firing every minute, as the armed heartbeat would."""
        for _ in range(minutes):
            self.clock.advance(minutes=1)
            self.daemon.on_timer()


@pytest.fixture
def rundir() -> Iterator[Path]:
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))  # AF_UNIX paths are short
    yield top / "run"
    shutil.rmtree(top, ignore_errors=True)


def make_rig(rundir: Path, tmp_path: Path, hub: EventHub, max_clients: int | None = None) -> Rig:
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))  # a Monday morning
    config_file = tmp_path / "config.toml"
    config_file.write_text(GOOD_CONFIG)
    probe = FakeActivityProbe()
    daemon = Daemon(
        config_file_store.load(config_file),
        Catalog((stretch("twist"), stretch("bend"))),
        Ports(notifier=FakeNotifier(), tray=HeadlessTray(), clock=clock, senses=Senses(probe), events=hub),
        seed=1,
        config_path=config_file,
    )
    path = rundir / "control.sock"
    if max_clients is None:
        server = serve(daemon, path)
    else:
        remote = RemoteCommands(daemon)
        server = ControlServer(path, remote, max_clients=max_clients, streams=remote).start()
    return Rig(daemon, clock, probe, server, path, config_file)


@pytest.fixture
def rig(rundir, tmp_path) -> Iterator[Rig]:
    rig = make_rig(rundir, tmp_path, EventHub())
    yield rig
    rig.server.stop()


class Reader:
    """A raw stream reader on the socket: its reply first, then its lines."""

    def __init__(self, path: Path, cmd: str):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(str(path))
        self.sock.sendall(protocol.encode_request(cmd))
        self.file = self.sock.makefile("rb")
        self.reply = self.line()

    def line(self) -> dict:
        raw = self.file.readline()
        assert raw, "the stream ended"
        return json.loads(raw)

    def rest(self) -> list[dict]:
        """Every line until the daemon hangs up."""
        return [json.loads(raw) for raw in self.file]

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def test_each_event_kind_reaches_two_readers_once_in_order(rig):
    readers = [Reader(rig.path, "events"), Reader(rig.path, "events")]
    assert all(reader.reply == {"ok": True, "schema": protocol.EVENTS_SCHEMA} for reader in readers)
    daemon = rig.daemon
    daemon.start_timer()
    daemon.command("now")
    daemon.command("done", 20)
    daemon.command("now")
    daemon.command("snooze", 5)
    rig.beat(5)  # the snoozed prompt comes back
    daemon.command("skip")
    daemon.command("now")
    rig.beat(11)  # unanswered past the 10-minute timeout
    rig.probe.set(fullscreen=True)
    rig.beat(46)  # due, but a full-screen window holds it back
    rig.probe.set(fullscreen=False)
    rig.beat(1)
    daemon.command("done")
    rig.probe.set(idle=1.0)
    rig.beat(1)
    for minute in range(1, 8):  # away for 7 minutes, then back
        rig.probe.set(idle=minute * 60.0)
        rig.beat(1)
    rig.probe.set(idle=2.0)
    rig.beat(1)
    daemon.command("pause", "30m")
    daemon.command("resume")
    rig.config_file.write_text("[schedule]\ninterval_minutes = -3\n")
    daemon.reload("test")
    rig.config_file.write_text(GOOD_CONFIG.replace("\n", "\ninterval_minutes = 50\n", 1))
    daemon.reload("test")
    daemon.stop()
    rig.server.stop()
    streams = [reader.rest() for reader in readers]
    assert streams[0] == streams[1], "both readers get the same lines"
    names = [line["event"] for line in streams[0]]
    assert names == [
        "daemon_started",
        "prompt_shown",
        "done",
        "prompt_shown",
        "snoozed",
        "prompt_shown",
        "skipped",
        "prompt_shown",
        "ignored",
        "held",
        "released",
        "prompt_shown",
        "done",
        "natural_break",
        "paused",
        "resumed",
        "config_rejected",
        "config_applied",
        "daemon_stopping",
    ]
    by_name = {line["event"]: line for line in reversed(streams[0])}  # the first of each name
    assert all(line["schema"] == 1 and datetime.fromisoformat(line["time"]).tzinfo for line in streams[0])
    assert by_name["daemon_started"]["time"] == "2026-11-23T09:00:00+01:00"
    assert by_name["done"]["held_seconds"] == 20 and by_name["done"]["stretch"]["name"] in ("Twist", "Bend")
    assert by_name["snoozed"]["until"] == "2026-11-23T09:05:00+01:00"
    assert by_name["prompt_shown"]["again"] is False and streams[0][5]["again"] is True
    assert by_name["held"]["reason"] == "fullscreen" and by_name["released"]["reason"] == "fullscreen"
    assert by_name["natural_break"]["ended"] > by_name["natural_break"]["began"]
    assert by_name["paused"]["until"].endswith("+01:00")
    assert "interval_minutes" in by_name["config_rejected"]["error"]
    assert any("interval" in change for change in by_name["config_applied"]["changed"])


def test_a_reader_that_never_reads_does_not_delay_the_daemon_and_is_told_what_it_lost(rundir, tmp_path):
    rig = make_rig(rundir, tmp_path, EventHub(queue_lines=8))
    try:
        stuck = Reader(rig.path, "events")  # reads its reply, then nothing more
        hub, zone = rig.daemon.ports.events, rig.daemon.plan.zone
        for n in range(200):  # 800 KB: more than its socket buffer and its queue hold
            hub.publish("config_rejected", rig.clock.now, zone, error="x" * 4000, n=n)
        client = ControlClient(rig.path)
        for _ in range(20):  # commands publish to the stuck reader as they run
            began = time.monotonic()
            assert client.request("now", timeout=1.0)["state"] == "due"
            assert client.request("skip", timeout=1.0)["state"] == "working"
            assert client.request("status", timeout=1.0)["ok"]
            assert time.monotonic() - began < 1.0
        dropped = next(line for line in iter(stuck.line, None) if line["event"] == "dropped")
        assert dropped["count"] > 0 and dropped["schema"] == 1
        stuck.close()
    finally:
        rig.server.stop()


def test_followers_use_their_own_limit_not_the_request_slots(rundir, tmp_path):
    rig = make_rig(rundir, tmp_path, EventHub(max_subscribers=4), max_clients=2)
    try:
        followers = [Reader(rig.path, "follow") for _ in range(4)]
        assert all(f.reply["ok"] and f.reply["state"] == "working" for f in followers)
        client = ControlClient(rig.path)
        for _ in range(5):  # both request slots are free for status
            assert client.request("status", timeout=1.0)["state"] == "working"
        extra = Reader(rig.path, "follow")
        assert extra.reply == {"ok": False, "error": "busy: too many readers of follow, try again"}
        followers[0].close()  # its place comes free once the server sees it gone
        rig.daemon.command("now")
        deadline = time.monotonic() + 5
        while (reply := Reader(rig.path, "events").reply) != {"ok": True, "schema": 1}:
            assert time.monotonic() < deadline, reply
            time.sleep(0.05)
    finally:
        rig.server.stop()


def test_a_follower_gets_the_status_at_once_then_each_change_and_the_stop(rig):
    follower = Reader(rig.path, "follow")
    first = follower.reply
    assert first["ok"] and first["state"] == "working" and first["schema"] == 1 and "pid" in first
    rig.daemon.command("status")  # nothing changed: no line
    rig.daemon.command("now")
    due = follower.line()
    assert due["state"] == "due" and "ok" not in due and due["schema"] == 1 and "version" in due
    rig.daemon.command("pause")
    assert follower.line()["state"] == "paused"
    rig.config_file.write_text("[schedule]\ninterval_minutes = -3\n")
    rig.daemon.reload("test")
    assert "interval_minutes" in follower.line()["config_error"]
    rig.daemon.stop()
    rig.server.stop()
    assert follower.rest() == []


def test_progress_alone_reaches_followers_at_most_once_a_minute(rig):
    follower = Reader(rig.path, "follow")
    rig.daemon.start_timer()
    for _ in range(4):
        rig.clock.advance(seconds=20)  # progress moves every 20 s
        rig.daemon.command("status")
    rig.daemon.command("now")
    lines = [follower.line(), follower.line()]
    assert [line["state"] for line in lines] == ["working", "due"], "one progress line in 80 s"
    assert 0 < lines[0]["progress"] < 1


def test_a_reader_that_comes_after_the_start_hears_of_it_first(rig):
    rig.daemon.start_timer()
    rig.daemon.command("now")
    late = Reader(rig.path, "events")
    rig.daemon.command("skip")
    started, skipped = late.line(), late.line()
    assert started["event"] == "daemon_started" and started["time"] == "2026-11-23T09:00:00+01:00"
    assert skipped["event"] == "skipped", "what happened before it came is not replayed"


# --- the queue alone ---


def test_a_full_queue_drops_its_oldest_lines_and_says_how_many_first():
    queue = Subscription("events", limit=3)
    for n in range(5):
        queue.offer({"event": "done", "time": f"t{n}", "n": n})
    lines = queue.take(0)
    assert lines[0] == {"schema": 1, "event": "dropped", "time": "t1", "count": 2}
    assert [line["n"] for line in lines[1:]] == [2, 3, 4]
    assert queue.take(0) == []
    queue.close()
    assert queue.take(0) is None


def test_the_hub_computes_nothing_for_nobody():
    hub = EventHub()
    asked: list[object] = []
    hub.status(object(), lambda look: asked.append(look) or {})  # type: ignore[arg-type]
    assert asked == []
