"""The control socket with a real server in a temporary runtime dir and the real Daemon with fakes."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskbreak import __version__
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import config as config_model
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.core.stats import Counts
from deskbreak.daemon.control import (
    AlreadyRunning,
    ControlClient,
    ControlError,
    ControlServer,
    InstanceLock,
    NotRunning,
    ensure_private_dir,
)
from deskbreak.daemon.remote import RemoteCommands, serve
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.store import config_file as config_file_store

BERLIN = ZoneInfo("Europe/Berlin")
STATUS_KEYS = {
    "schema",
    "state",
    "headline",
    "next_prompt_at",
    "stretch",
    "snoozed_until",
    "paused_until",
    "today",
    "pid",
    "version",
    "config",
    "notifier",
    "tray",
}


def stretch(sid: str) -> Stretch:
    return Stretch(
        sid,
        sid.title(),
        "seated",
        ("lower_back",),
        ("Sit tall.", "Turn."),
        20,
        2,
        False,
        "Stop at sharp pain.",
        "test",
    )


@pytest.fixture
def rundir():
    """A short private dir (AF_UNIX paths are limited to ~107 bytes; tmp_path can be longer)."""
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))
    yield top / "run"
    shutil.rmtree(top, ignore_errors=True)


@pytest.fixture
def rig(rundir, tmp_path):
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))  # a Monday morning
    config_file = tmp_path / "config.toml"
    config_file.write_text('[schedule]\ntimezone = "Europe/Berlin"\n')
    config = config_file_store.load(config_file)
    daemon = Daemon(
        config,
        Catalog((stretch("twist"), stretch("bend"))),
        Ports(notifier=FakeNotifier(), tray=HeadlessTray(), clock=clock),
        seed=1,
        config_path=config_file,
    )
    path = rundir / "control.sock"
    server = serve(daemon, path)
    server.client_timeout = 0.5
    yield daemon, clock, server, ControlClient(path)
    server.stop()


def raw(path: Path, data: bytes, replies: int = 1, half_close: bool = False) -> list[dict]:
    """Send raw bytes and read `replies` reply lines."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(path))
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        reader = sock.makefile("rb")
        return [json.loads(reader.readline()) for _ in range(replies)]


def test_every_command_round_trips(rig):
    daemon, _clock, _server, client = rig
    status = client.request("status")
    assert status["ok"] and status.keys() >= STATUS_KEYS
    assert status["schema"] == 1 and status["pid"] == os.getpid() and status["version"] == __version__
    assert status["state"] == "working" and status["next_prompt_at"] == "2026-11-23T09:45:00+01:00"
    assert status["today"] == {"done": 0, "snoozed": 0, "skipped": 0, "ignored": 0, "natural_breaks": 0}
    assert client.request("now")["state"] == "due"
    snoozed = client.request("snooze", 10)
    assert snoozed["state"] == "snoozed" and snoozed["snoozed_until"] == "2026-11-23T09:10:00+01:00"
    assert client.request("now")["state"] == "due"
    assert client.request("skip")["state"] == "working"
    client.request("now")
    done = client.request("done")
    assert done["state"] == "working" and done["today"]["done"] == 1 and done["today"]["skipped"] == 1
    assert done["today_line"].startswith("Today: 1 of 6 done")
    paused = client.request("pause", "30m")
    assert paused["state"] == "paused" and paused["paused_until"] == "2026-11-23T09:30:00+01:00"
    assert client.request("pause", "tomorrow")["paused_until"] == "2026-11-24T09:00:00+01:00"
    assert client.request("pause")["paused_until"] is None  # until resumed
    assert client.request("resume")["state"] == "working"
    refused = client.request("resume")
    assert refused == {**refused, "ok": False, "error": "not paused"}
    assert client.request("quit")["ok"]
    assert daemon.stopped.wait(5)


def test_reload_applies_a_good_config_and_reports_a_bad_one(rig):
    daemon, _clock, _server, client = rig
    daemon.config_path.write_text('[schedule]\ntimezone = "Europe/Berlin"\ninterval_minutes = 20\n')
    reply = client.request("reload")
    assert reply["ok"] and reply["next_prompt_at"] == "2026-11-23T09:20:00+01:00"
    daemon.config_path.write_text("[schedule]\ninterval_minutes = 0\n")
    reply = client.request("reload")
    assert not reply["ok"] and "schedule.interval_minutes" in reply["error"]
    assert client.request("status")["next_prompt_at"] == "2026-11-23T09:20:00+01:00"  # the last good one


@pytest.mark.parametrize(
    "data, error",
    [
        (b"\x00\xff\x13garbage\x80\n", "request is not UTF-8"),
        (b"}{\n", "request is not JSON"),
        (b'{"cmd": "snooze", "arg": "ten"}\n', "snooze minutes must be"),
        (b'{"cmd": ["status"]}\n', 'request needs "cmd"'),
        (b'{"cmd": "rm -rf /"}\n', "unknown command"),
        (b'{"cmd": "pause", "arg": "until 99:99"}\n', "not a time of day"),
        (b'{"cmd": "status", "arg": null, "cmd2": 1}\n', None),
    ],
)
def test_malformed_requests_get_error_replies_and_the_daemon_carries_on(rig, data, error):
    _daemon, _clock, server, client = rig
    (reply,) = raw(server.path, data)
    if error is None:
        assert reply["ok"]
    else:
        assert reply["ok"] is False and error in reply["error"]
    assert client.request("status")["ok"]


def test_random_bytes_in_many_lines(rig):
    _daemon, _clock, server, _client = rig
    noise = os.urandom(4096).replace(b"\n", b"") + b"\n"
    replies = raw(server.path, noise * 3 + b'{"cmd":"status"}\n', replies=4)
    assert [r["ok"] for r in replies] == [False, False, False, True]


def test_a_truncated_line_gets_an_error_and_a_complete_last_line_is_answered(rig):
    _daemon, _clock, server, client = rig
    (reply,) = raw(server.path, b'{"cmd": "sta', half_close=True)
    assert reply["ok"] is False and "not JSON" in reply["error"]
    (reply,) = raw(server.path, b'{"cmd": "status"}', half_close=True)
    assert reply["ok"] is True
    assert client.request("status")["ok"]


def test_a_one_mebibyte_line_is_refused(rig):
    _daemon, _clock, server, client = rig
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(server.path))
        sender = threading.Thread(target=lambda: _send_quietly(sock, b"x" * (1 << 20) + b"\n"))
        sender.start()
        reply = json.loads(sock.makefile("rb").readline())
        sender.join(5)
    assert reply["ok"] is False and "too long" in reply["error"]
    assert client.request("status")["ok"]


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:  # the server hangs up after refusing the line
        pass


def test_a_thousand_requests_in_a_burst(rig):
    _daemon, _clock, server, _client = rig
    replies = raw(server.path, b'{"cmd":"status"}\n' * 1000, replies=1000)
    assert all(r["ok"] for r in replies)
    failures: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(50):
                assert ControlClient(server.path).request("status", timeout=10)["ok"]
        except BaseException as error:  # collected for the main thread
            failures.append(error)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []


def test_stalled_clients_do_not_block_status(rig):
    _daemon, _clock, server, client = rig
    stalled = []
    for _ in range(3):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(server.path))
        sock.sendall(b'{"cmd": "sta')  # and then nothing
        stalled.append(sock)
    try:
        assert client.request("status", timeout=2)["ok"]
    finally:
        for sock in stalled:
            sock.close()


def test_too_many_clients_are_told_busy_and_status_answers_after(rundir):
    release = threading.Event()
    serving = threading.Semaphore(0)  # released once per request the handler is holding

    def hold(cmd, arg):
        serving.release()
        return {"ok": release.wait(5)}

    server = ControlServer(rundir / "c.sock", hold, client_timeout=5, max_clients=2).start()
    try:
        held = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(2)]
        for sock in held:
            sock.connect(str(server.path))
            sock.sendall(b'{"cmd": "status"}\n')  # handled, and held by the handler
        # Both slots are taken only once the server is inside the handler for both clients.
        assert all(serving.acquire(timeout=10) for _ in held)
        reply = ControlClient(server.path).request("status")
        assert reply == {"ok": False, "error": "busy: too many clients, try again"}
        release.set()
        for sock in held:
            assert json.loads(sock.makefile("rb").readline())["ok"]
            sock.close()
    finally:
        release.set()
        server.stop()


def test_a_failing_handler_is_an_error_reply(rundir):
    def handler(cmd, arg):
        if cmd == "now":
            raise RuntimeError("boom")
        return {"ok": True}

    server = ControlServer(rundir / "c.sock", handler).start()
    try:
        client = ControlClient(server.path)
        assert client.request("now") == {"ok": False, "error": "internal error: RuntimeError: boom"}
        assert client.request("status") == {"ok": True}
    finally:
        server.stop()


def test_socket_is_0600_in_a_0700_directory(rig):
    _daemon, _clock, server, _client = rig
    assert stat.S_IMODE(os.stat(server.path).st_mode) == 0o600
    assert stat.S_ISSOCK(os.stat(server.path).st_mode)
    assert stat.S_IMODE(os.stat(server.path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(server.path.parent / "deskbreak.lock").st_mode) == 0o600


def test_a_directory_open_to_others_or_not_ours_is_refused(rundir):
    rundir.mkdir(mode=0o755)
    os.chmod(rundir, 0o755)
    with pytest.raises(ControlError, match=r"open to other users \(mode 755\).*chmod 700"):
        ControlServer(rundir / "c.sock", lambda c, a: {"ok": True}).start()
    assert not (rundir / "c.sock").exists()
    if os.getuid() == 0:
        os.chmod(rundir, 0o700)
        os.chown(rundir, 65534, 65534)
        with pytest.raises(ControlError, match="belongs to uid 65534"):
            ensure_private_dir(rundir)


def test_a_second_server_is_already_running_with_the_pid(rig):
    _daemon, _clock, server, client = rig
    with pytest.raises(AlreadyRunning) as caught:
        ControlServer(server.path, lambda c, a: {"ok": True}).start()
    assert caught.value.pid == os.getpid()
    assert str(caught.value) == f"deskbreak is already running (pid {os.getpid()})"
    with pytest.raises(AlreadyRunning):
        InstanceLock(server.path.parent).acquire()
    assert client.request("status")["ok"]  # the first one is untouched


def test_a_stale_socket_and_lock_from_a_crashed_daemon_are_cleaned_up(rundir):
    ensure_private_dir(rundir)
    path = rundir / "control.sock"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # the file stays, nobody listens: what a SIGKILLed daemon leaves
    (rundir / "deskbreak.lock").write_text("999999\n")
    with pytest.raises(NotRunning):
        ControlClient(path).request("status")
    server = ControlServer(path, lambda c, a: {"ok": True, "cmd": c}).start()
    try:
        assert ControlClient(path).request("status") == {"ok": True, "cmd": "status"}
        assert (rundir / "deskbreak.lock").read_text() == f"{os.getpid()}\n"
    finally:
        server.stop()
    assert not path.exists()
    with pytest.raises(NotRunning):
        ControlClient(path).request("status")


def test_a_stopped_server_releases_the_lock(rundir):
    first = ControlServer(rundir / "c.sock", lambda c, a: {"ok": True}).start()
    first.stop()
    second = ControlServer(rundir / "c.sock", lambda c, a: {"ok": True}).start()
    second.stop()


def test_no_socket_is_not_running(rundir):
    with pytest.raises(NotRunning):
        ControlClient(rundir / "control.sock").request("status")


def test_a_peer_of_another_uid_is_refused(rundir):
    server = ControlServer(rundir / "c.sock", lambda c, a: {"ok": True}, uid=os.getuid() + 1).start()
    try:
        assert ControlClient(server.path).request("status") == {"ok": False, "error": "permission denied"}
    finally:
        server.stop()


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to become another user")
def test_another_user_cannot_reach_the_socket(rig):
    _daemon, _clock, server, _client = rig
    child = os.fork()
    if child == 0:  # only socket calls here: safe after fork in a threaded process
        code = 0
        try:
            os.setgid(65534)
            os.setuid(65534)
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(str(server.path))
        except OSError as error:
            code = error.errno or 1
        os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 13  # EACCES: the 0700 directory keeps them out


def test_the_loopback_variant_speaks_the_same_protocol_with_a_token(rundir):
    server = ControlServer(rundir / "c.port", lambda c, a: {"ok": True, "cmd": c, "arg": a}, tcp=True).start()
    try:
        assert stat.S_IMODE(os.stat(server.path).st_mode) == 0o600
        client = ControlClient(server.path, tcp=True)
        assert client.request("snooze", 5) == {"ok": True, "cmd": "snooze", "arg": 5}
        assert client.request("fly")["error"].startswith("unknown command 'fly'")
        port = json.loads(server.path.read_text())["port"]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b'wrong-token\n{"cmd": "status"}\n')
            assert json.loads(sock.makefile("rb").readline()) == {"ok": False, "error": "permission denied"}
    finally:
        server.stop()
    with pytest.raises(NotRunning):
        ControlClient(rundir / "c.port", tcp=True).request("status")


def test_remote_commands_validate_before_the_daemon_sees_anything(rig):
    daemon, _clock, _server, _client = rig
    commands = RemoteCommands(daemon)
    assert commands("snooze", "5")["ok"] is False
    assert commands("dance")["error"] == "unknown command 'dance'"
    assert commands("pause", "sometime")["error"].startswith("pause: got 'sometime'")


def test_today_comes_from_the_history_port_when_there_is_one(rundir):
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    ports = Ports(
        notifier=FakeNotifier(),
        tray=HeadlessTray(),
        clock=clock,
        day_counts=lambda first, last: [Counts(done=7, skipped=1)],
    )
    daemon = Daemon(config_model.defaults(), Catalog((stretch("twist"),)), ports, seed=1)
    server = serve(daemon, rundir / "control.sock")
    try:
        today = ControlClient(server.path).request("status")["today"]
        assert today == {"done": 7, "snoozed": 0, "skipped": 1, "ignored": 0, "natural_breaks": 0}
    finally:
        server.stop()


def test_the_tally_starts_a_new_local_day_from_zero():
    from deskbreak.core.outcomes import PromptOutcome
    from deskbreak.daemon.today import TallyToday, counts_dict

    tally = TallyToday()
    late = datetime(2026, 11, 23, 23, 50, tzinfo=BERLIN)
    tally.record(PromptOutcome(late, "twist", "done"), BERLIN)
    tally.record(PromptOutcome(late, None, "missed_while_asleep"), BERLIN)
    assert counts_dict(tally.counts(late, BERLIN))["done"] == 1
    after_midnight = datetime(2026, 11, 24, 0, 10, tzinfo=BERLIN)
    assert counts_dict(tally.counts(after_midnight, BERLIN))["done"] == 0
    tally.record(PromptOutcome(after_midnight, "twist", "skipped"), BERLIN)
    tally.record(PromptOutcome(late, "twist", "done"), BERLIN)  # yesterday's, answered late: not today's
    assert counts_dict(tally.counts(after_midnight, BERLIN)) == {
        "done": 0,
        "snoozed": 0,
        "skipped": 1,
        "ignored": 0,
        "natural_breaks": 0,
    }


def silent_clients(path: Path, count: int) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(path))
        socks.append(sock)
    return socks


def test_silent_clients_filling_every_slot_do_not_keep_status_out(rig):
    _daemon, _clock, server, client = rig
    server.client_timeout = 30  # far longer than the wait below: room is made, not waited for
    held = silent_clients(server.path, 16)  # MAX_CLIENTS, all silent
    try:
        for _ in range(3):  # and again, while the flood keeps its slots
            held += silent_clients(server.path, 4)
            assert client.request("status", timeout=1.0)["ok"]
    finally:
        for sock in held:
            sock.close()


def test_a_client_trickling_one_byte_at_a_time_is_dropped_at_the_request_deadline(rundir):
    server = ControlServer(rundir / "c.sock", lambda c, a: {"ok": True}, client_timeout=1.0).start()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(server.path))
            request = b'{"cmd": "status"}'  # 17 bytes at one per 0.25 s: 4 s, each read well in time
            hung_up = threading.Event()

            def watch() -> None:
                sock.settimeout(10)
                try:
                    hung_up.set() if sock.recv(1) == b"" else None
                except OSError:
                    hung_up.set()

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            sent = 0
            for byte in request:
                if hung_up.wait(0.25):
                    break
                try:
                    sock.send(bytes([byte]))
                except OSError:
                    break
                sent += 1
            assert hung_up.wait(5), "the trickling client kept its slot"
            assert sent < len(request)  # dropped before its (never finished) request was whole
    finally:
        server.stop()


def test_busy_is_answered_only_when_every_slot_runs_a_command(rundir):
    release = threading.Event()
    serving = threading.Semaphore(0)

    def hold(cmd, arg):
        serving.release()
        return {"ok": release.wait(5)}

    server = ControlServer(rundir / "c.sock", hold, client_timeout=30, max_clients=2).start()
    try:
        silent = silent_clients(server.path, 1)
        running = silent_clients(server.path, 1)
        running[0].sendall(b'{"cmd": "status"}\n')
        assert serving.acquire(timeout=10)
        # The silent client is hung up to make room; this request takes its slot and runs.
        taker = silent_clients(server.path, 1)
        taker[0].sendall(b'{"cmd": "status"}\n')
        assert serving.acquire(timeout=10)
        assert silent[0].recv(1) == b""
        assert ControlClient(server.path).request("status") == {
            "ok": False,
            "error": "busy: too many clients, try again",
        }
        release.set()
        for sock in running + taker:
            assert json.loads(sock.makefile("rb").readline())["ok"]
        for sock in silent + running + taker:
            sock.close()
    finally:
        release.set()
        server.stop()


def test_a_symlinked_runtime_folder_is_refused_by_server_and_client(rundir):
    real = rundir.parent / "real"
    real.mkdir(mode=0o700)
    rundir.symlink_to(real)
    with pytest.raises(ControlError, match="is a symbolic link: refusing to follow it"):
        ControlServer(rundir / "c.sock", lambda c, a: {"ok": True}).start()
    with pytest.raises(ControlError, match="is a symbolic link: refusing to use the control socket"):
        ControlClient(rundir / "c.sock").request("status")
    assert list(real.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_the_client_refuses_a_socket_folder_of_another_user(rig):
    _daemon, _clock, server, client = rig
    os.chown(server.path.parent, 65534, 65534)
    try:
        with pytest.raises(ControlError, match="belongs to uid 65534, not to you"):
            client.request("status")
    finally:
        os.chown(server.path.parent, os.getuid(), os.getgid())
