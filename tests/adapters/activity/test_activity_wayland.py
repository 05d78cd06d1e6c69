"""The Wayland idle probe against real headless sway 1.7 (org_kde_kwin_idle): idle after the timeout,
input from a virtual pointer (zwlr_virtual_pointer_v1, the way wayvnc injects input) resumes it."""

from __future__ import annotations

import pytest
from desktop_stack import wait_for

from deskbreak.adapters.activity import choose_activity_probe, pick_activity_probe
from deskbreak.adapters.activity.wayland import WaylandIdleProbe
from deskbreak.adapters.activity.wayland_wire import WaylandConnection, WaylandError, decode, encode

pytestmark = pytest.mark.desktop


class VirtualPointer:
    """Real input for the compositor: a virtual pointer device on the seat."""

    def __init__(self, environ) -> None:
        self.conn = WaylandConnection(environ)
        seat = self.conn.bind("wl_seat", 1)
        manager = self.conn.bind("zwlr_virtual_pointer_manager_v1", 1)
        self.pointer = self.conn.new_id()
        self.conn.request(manager, 0, "on", seat, self.pointer)  # create_virtual_pointer(seat, id)
        self.conn.roundtrip()
        self.time = 0

    def nudge(self) -> None:
        self.time += 10
        self.conn.request(self.pointer, 0, "uff", self.time, 3.0, 2.0)  # motion(time, dx, dy)
        self.conn.request(self.pointer, 4)  # frame
        self.conn.roundtrip()

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def probe(wayland):
    p = WaylandIdleProbe(wayland.env, quiet_seconds=0.5)
    yield p
    p.close()


def test_sway_offers_the_kde_idle_protocol(wayland):
    conn = WaylandConnection(wayland.env)
    try:
        assert "org_kde_kwin_idle" in conn.globals and "wl_seat" in conn.globals
    finally:
        conn.close()


def test_idle_after_the_timeout_then_input_resumes(wayland, probe):
    assert probe.protocol == "org_kde_kwin_idle"
    pointer = VirtualPointer(wayland.env)
    try:
        pointer.nudge()
        wait_for(lambda: probe.sample().idle_seconds == 0.0, "the probe to see input")
        idle = wait_for(lambda: (s := probe.sample().idle_seconds) and s >= 0.5 and s, "idle after 0.5 s", 5)
        assert 0.5 <= idle < 3
        pointer.nudge()
        wait_for(lambda: probe.sample().idle_seconds == 0.0, "input to resume it", 5)
        # idle grows with the clock while no input comes
        first = wait_for(lambda: probe.sample().idle_seconds, "idle again", 5)
        later = wait_for(lambda: (s := probe.sample().idle_seconds) > first + 0.2 and s, "idle to grow", 5)
        assert later > first
    finally:
        pointer.close()


def test_sample_reads_lock_state_from_the_session_bus_when_one_answers(wayland, probe):
    sample = probe.sample()
    assert sample.fullscreen is None  # the protocols do not tell
    assert sample.locked is None  # no ScreenSaver service on the test bus: unknown, not False


def test_choose_picks_wayland_on_sway(wayland):
    env = {k: v for k, v in wayland.env.items() if k != "DESKBREAK_IDLE_PROBE"}
    probe = choose_activity_probe(env, "linux")
    try:
        assert probe.name == "wayland"
    finally:
        probe.close()


def test_sway_started_from_a_text_console_still_gets_the_wayland_probe(wayland):
    """sway started from a tty keeps XDG_SESSION_TYPE=tty: WAYLAND_DISPLAY decides."""
    env = {k: v for k, v in wayland.env.items() if k != "DESKBREAK_IDLE_PROBE"}
    choice = pick_activity_probe({**env, "XDG_SESSION_TYPE": "tty"}, "linux")
    try:
        assert choice.name == choice.adapter.name == "wayland"
        assert [failure.name for failure in choice.failures] == ["gnome"]  # no Mutter on sway
    finally:
        choice.adapter.close()


def test_a_compositor_that_goes_away_gives_unknown_not_an_exception(wayland, tmp_path):
    import socket
    import threading

    # a fake compositor: answers the registry with a seat and the KDE idle global, then hangs up
    path = str(tmp_path / "wayland-fake")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def serve():
        conn, _ = server.accept()
        buf = b""
        syncs = 0
        while syncs < 2:
            buf += conn.recv(4096)
            while len(buf) >= 8:
                oid, word = decode("uu", buf[:8])
                size, opcode = word >> 16, word & 0xFFFF
                if len(buf) < size:
                    break
                body, buf = buf[8:size], buf[size:]
                if oid == 1 and opcode == 1:  # get_registry
                    registry = decode("n", body)[0]
                    for name, iface in ((1, "wl_seat"), (2, "org_kde_kwin_idle")):
                        args = encode("usu", (name, iface, 1))
                        conn.sendall(encode("uu", (registry, (8 + len(args)) << 16)) + args)
                elif oid == 1 and opcode == 0:  # sync: answer done
                    syncs += 1
                    cb = decode("n", body)[0]
                    conn.sendall(encode("uuu", (cb, 12 << 16, 0)))
        conn.close()
        server.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    probe = WaylandIdleProbe({"WAYLAND_DISPLAY": path}, session_bus=False)
    try:
        wait_for(lambda: probe.sample().idle_seconds is None, "the probe to notice the hang-up")
    finally:
        probe.close()
    t.join(5)


def test_no_wayland_display_is_an_error_for_the_picker():
    with pytest.raises(WaylandError):
        WaylandIdleProbe({})
