"""The X11 wire format without an X server: request bytes, reply parsing, the Xauthority file, and
the probe against a scripted server on an abstract unix socket (events and errors in the stream)."""

from __future__ import annotations

import os
import random
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from deskbreak.adapters.activity import x11_display as display
from deskbreak.adapters.activity import x11_wire as wire
from deskbreak.adapters.activity.x11 import XorgIdleProbe

ORD = wire.ORDER
HOST = socket.gethostname().encode()


def auth_entry(family: int, address: bytes, number: bytes, name: bytes, data: bytes) -> bytes:
    return struct.pack(">H", family) + b"".join(
        struct.pack(">H", len(f)) + f for f in (address, number, name, data)
    )


# -- display names ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected", "local"),
    [
        (":0", ("", "", 0, 0), True),
        (":12.1", ("", "", 12, 1), True),
        ("unix:3", ("", "unix", 3, 0), True),
        ("unix/:3", ("unix", "", 3, 0), True),
        ("localhost:10.0", ("", "localhost", 10, 0), False),
        ("tcp/example.org:2", ("tcp", "example.org", 2, 0), False),
        ("[::1]:4", ("", "::1", 4, 0), False),
    ],
)
def test_display_names_read_as_xlib_reads_them(name: str, expected: tuple, local: bool) -> None:
    parsed = display.parse_display(name)
    assert (parsed.protocol, parsed.host, parsed.number, parsed.screen) == expected
    assert parsed.local is local


@pytest.mark.parametrize("name", ["", "0", ":x", ":0.y", "tcp/:0", "sctp/host:0"])
def test_bad_display_names_are_one_clear_error(name: str) -> None:
    with pytest.raises(wire.XError, match=f'bad X display name "{name}"'):
        display.parse_display(name)


# -- Xauthority ------------------------------------------------------------------------------------
def test_xauthority_entries_are_read_and_a_cut_file_keeps_the_whole_ones() -> None:
    one = auth_entry(display.FAMILY_LOCAL, b"box", b"0", display.COOKIE_NAME, b"\x01" * 16)
    two = auth_entry(display.FAMILY_INTERNET, b"\x7f\0\0\1", b"5", b"XDM-AUTHORIZATION-1", b"\x02" * 8)
    entries = display.parse_xauthority(one + two)
    assert entries == [
        display.AuthEntry(display.FAMILY_LOCAL, b"box", b"0", display.COOKIE_NAME, b"\x01" * 16),
        display.AuthEntry(display.FAMILY_INTERNET, b"\x7f\0\0\1", b"5", b"XDM-AUTHORIZATION-1", b"\x02" * 8),
    ]
    assert display.parse_xauthority(one + two[:-3]) == entries[:1]


def test_the_cookie_for_this_address_and_display_wins() -> None:
    entries = display.parse_xauthority(
        auth_entry(display.FAMILY_LOCAL, b"other", b"1", display.COOKIE_NAME, b"first")
        + auth_entry(display.FAMILY_LOCAL, b"box", b"0", display.COOKIE_NAME, b"display0")
        + auth_entry(display.FAMILY_LOCAL, b"box", b"1", b"XDM-AUTHORIZATION-1", b"xdm")
        + auth_entry(display.FAMILY_LOCAL, b"box", b"1", display.COOKIE_NAME, b"mine")
    )
    assert display.pick_cookie(entries, display.FAMILY_LOCAL, b"box", 1) == b"mine"
    assert display.pick_cookie(entries, display.FAMILY_LOCAL, b"box", 0) == b"display0"
    # No entry for this host: the first cookie for the display number (ssh's forwarding).
    assert display.pick_cookie(entries, display.FAMILY_INTERNET, b"\x7f\0\0\1", 1) == b"first"
    assert display.pick_cookie(entries, display.FAMILY_LOCAL, b"box", 7) is None


def test_a_wild_family_or_an_empty_number_matches_as_libxau_does() -> None:
    entries = display.parse_xauthority(
        auth_entry(display.FAMILY_LOCAL, b"elsewhere", b"3", display.COOKIE_NAME, b"fallback")
        + auth_entry(display.FAMILY_WILD, b"", b"3", display.COOKIE_NAME, b"wild")
    )
    assert display.pick_cookie(entries, display.FAMILY_LOCAL, b"box", 3) == b"wild"
    any_display = display.parse_xauthority(
        auth_entry(display.FAMILY_LOCAL, b"box", b"", display.COOKIE_NAME, b"any")
    )
    assert display.pick_cookie(any_display, display.FAMILY_LOCAL, b"box", 9) == b"any"


def test_xauthority_path_follows_the_environment() -> None:
    assert display.xauthority_path({"XAUTHORITY": "/run/x/auth", "HOME": "/home/a"}) == "/run/x/auth"
    assert display.xauthority_path({"HOME": "/home/a"}) == "/home/a/.Xauthority"


# -- requests --------------------------------------------------------------------------------------
def test_setup_request_names_the_byte_order_and_pads_the_cookie() -> None:
    assert wire.setup_request(b"", b"") == wire.BYTE_ORDER_MARK + b"\0" + struct.pack(
        ORD + "HHHHxx", 11, 0, 0, 0
    )
    sent = wire.setup_request(display.COOKIE_NAME, b"\xaa" * 16)
    assert sent[6:10] == struct.pack(ORD + "HH", 18, 16)
    assert sent[12:] == display.COOKIE_NAME + b"\0\0" + b"\xaa" * 16
    assert len(sent) % 4 == 0


def test_request_bytes() -> None:
    assert (
        wire.query_extension("MIT-SCREEN-SAVER")
        == struct.pack(ORD + "BBHH2x", 98, 0, 6, 16) + b"MIT-SCREEN-SAVER"
    )
    assert (
        wire.intern_atom("_NET_WM_STATE")
        == struct.pack(ORD + "BBHH2x", 16, 0, 6, 13) + b"_NET_WM_STATE\0\0\0"
    )
    assert wire.get_property(0x1E5, 0x120, wire.ATOM) == struct.pack(
        ORD + "BBH5I", 20, 0, 6, 0x1E5, 0x120, 4, 0, wire.MAX_PROPERTY_WORDS
    )
    assert wire.screen_saver_query_info(147, 0x3A8) == struct.pack(ORD + "BBHI", 147, 1, 2, 0x3A8)


# -- replies ---------------------------------------------------------------------------------------
def reply(data: int = 0, body: bytes = b"") -> bytes:
    """A reply packet: 32 bytes (sequence 0; the fake server stamps it) plus the padded extra."""
    body = body.ljust(24, b"\0")
    extra = wire.pad(body[24:])
    return struct.pack(ORD + "BBHI", 1, data, 0, len(extra) // 4) + body[:24] + extra


def error(code: int, value: int, major: int) -> bytes:
    return struct.pack(ORD + "BBHIHB21x", 0, code, 0, value, 0, major)


def event(code: int = 28) -> bytes:  # PropertyNotify
    return struct.pack(ORD + "BB30x", code, 0)


def property_reply(kind: int, values: tuple[int, ...]) -> bytes:
    return reply(
        32 if kind else 0,
        struct.pack(ORD + "III12x", kind, 0, len(values)) + struct.pack(f"{ORD}{len(values)}I", *values),
    )


def test_reply_parsing() -> None:
    assert wire.extension_opcode(reply(body=struct.pack("BBBB", 1, 147, 90, 160))) == 147
    assert wire.extension_opcode(reply(body=struct.pack("BBBB", 0, 0, 0, 0))) is None
    assert wire.atom(reply(body=struct.pack(ORD + "I", 311))) == 311
    assert wire.idle_milliseconds(reply(1, struct.pack(ORD + "III", 0x3A8, 0, 4321))) == 4321
    assert wire.property_values(property_reply(wire.ATOM, (5, 6, 7))) == (5, 6, 7)
    assert wire.property_values(property_reply(0, ())) is None
    assert wire.property_values(reply(8, struct.pack(ORD + "III12x", 31, 0, 3) + b"abc")) == (97, 98, 99)


def test_packet_sizes() -> None:
    assert wire.packet_size(property_reply(wire.ATOM, (1, 2, 3))) == 32 + 12
    assert wire.packet_size(error(3, 1, 20)) == wire.packet_size(event()) == 32
    generic = struct.pack(ORD + "BBHI24x", 35 | 0x80, 0, 0, 2)  # a sent GenericEvent, 8 bytes more
    assert wire.packet_size(generic) == 40


def screens_body(roots: tuple[int, ...]) -> bytes:
    vendor = b"Fake X"
    head = struct.pack(
        ORD + "IIIIHHBBBBBBBB4x",
        12101004,
        0x200000,
        0x1FFFFF,
        256,
        len(vendor),
        65535,
        len(roots),
        1,
        0,
        0,
        32,
        32,
        8,
        255,
    )
    body = head + wire.pad(vendor) + struct.pack("BBB5x", 24, 32, 32)
    for root in roots:  # one depth with two visuals, one depth with none
        body += struct.pack(
            ORD + "IIIIIHHHHHHIBBBB", root, 0x20, 0xFFFFFF, 0, 0, 1024, 768, 270, 203, 1, 1, 0x21, 0, 0, 24, 2
        )
        body += struct.pack(ORD + "BxH4x", 24, 2) + bytes(48) + struct.pack(ORD + "BxH4x", 1, 0)
    return body


def test_setup_reply_gives_each_screens_root() -> None:
    body = screens_body((0x3A8, 0x4B1))
    assert wire.parse_setup(struct.pack(ORD + "BxHHH", 1, 11, 0, len(body) // 4), body) == [0x3A8, 0x4B1]


def test_a_refused_setup_says_the_servers_reason() -> None:
    reason = b"Authorization required, but no authorization protocol specified\n"
    with pytest.raises(
        wire.XError, match=r"^Authorization required, but no authorization protocol specified$"
    ):
        wire.parse_setup(struct.pack(ORD + "BBHHH", 0, len(reason), 11, 0, 17), wire.pad(reason))


# -- a scripted server -----------------------------------------------------------------------------
Answer = Callable[[int, int, bytes], list[bytes]]


class ScriptedServer(threading.Thread):
    """An 'X server' on a free abstract socket: answers the setup, then each request with what
    `answer(opcode, data, body)` returns, stamping every packet with the request's sequence."""

    def __init__(self, answer: Answer, refuse: bytes = b"", roots: tuple[int, ...] = (0x3A8,)) -> None:
        super().__init__(daemon=True)
        self.answer, self.refuse, self.roots = answer, refuse, roots
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            number = random.randrange(20000, 60000)
            if os.path.exists(f"/tmp/.X11-unix/X{number}"):
                continue
            try:
                self.listener.bind(f"\0/tmp/.X11-unix/X{number}")
                break
            except OSError:
                continue
        self.listener.listen(1)
        self.display = f":{number}"
        self.cookie: tuple[bytes, bytes] | None = None

    def run(self) -> None:
        while True:  # one client at a time, until the test closes the listener
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                self.serve(conn)

    def serve(self, conn: socket.socket) -> None:
        read = conn.makefile("rb")
        head = read.read(12)
        name_len, data_len = struct.unpack_from(ORD + "HH", head, 6)
        name, data = read.read(len(wire.pad(bytes(name_len)))), read.read(len(wire.pad(bytes(data_len))))
        self.cookie = (name[:name_len], data[:data_len])
        if self.refuse:
            conn.sendall(
                struct.pack(ORD + "BBHHH", 0, len(self.refuse), 11, 0, len(wire.pad(self.refuse)) // 4)
                + wire.pad(self.refuse)
            )
            return
        body = screens_body(self.roots)
        conn.sendall(struct.pack(ORD + "BxHHH", 1, 11, 0, len(body) // 4) + body)
        sequence = 0
        while header := read.read(4):
            opcode, data, length = struct.unpack(ORD + "BBH", header)
            sequence += 1
            for packet in self.answer(opcode, data, read.read(4 * length - 4)):
                conn.sendall(packet[:2] + struct.pack(ORD + "H", sequence & 0xFFFF) + packet[4:])


ATOMS = {
    b"_NET_SUPPORTED": 301,
    b"_NET_ACTIVE_WINDOW": 302,
    b"_NET_WM_STATE": 303,
    b"_NET_WM_STATE_FULLSCREEN": 304,
}


def desktop(window_state: list[bytes], extension: bool = True) -> Answer:
    """A desktop whose active window 0x500 answers GetProperty _NET_WM_STATE with `window_state`."""

    def answer(opcode: int, data: int, body: bytes) -> list[bytes]:
        if opcode == wire.QUERY_EXTENSION:
            return [reply(body=struct.pack("BBBB", 1, 147, 0, 0) if extension else bytes(4))]
        if opcode == 147:
            return [event(), reply(1, struct.pack(ORD + "III", 0x3A8, 0, 2500))]
        if opcode == wire.INTERN_ATOM:
            (length,) = struct.unpack_from(ORD + "H", body)
            return [reply(body=struct.pack(ORD + "I", ATOMS[body[4 : 4 + length]]))]
        window, prop = struct.unpack_from(ORD + "II", body)
        if (window, prop) == (0x3A8, 302):
            return [property_reply(33, (0x500,))]  # WINDOW
        return [event(), *window_state]

    return answer


@pytest.fixture
def serve() -> Iterator[Callable[..., ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(answer: Answer, **kwargs: object) -> ScriptedServer:
        server = ScriptedServer(answer, **kwargs)  # type: ignore[arg-type]
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.listener.shutdown(socket.SHUT_RDWR)  # wakes its accept()
        server.listener.close()
        server.join(5)


def test_probe_reads_idle_and_fullscreen_between_events(serve, tmp_path) -> None:
    server = serve(desktop([property_reply(wire.ATOM, (110, 304))]))
    probe = XorgIdleProbe({"DISPLAY": server.display, "XAUTHORITY": str(tmp_path / "none")}, bus=None)
    try:
        assert probe.idle_seconds() == 2.5
        assert probe.fullscreen() is True
    finally:
        probe.close()
    assert server.cookie == (b"", b"")  # no Xauthority file: no cookie


def test_a_window_closed_between_the_two_requests_is_not_fullscreen(serve) -> None:
    server = serve(desktop([error(wire.BAD_WINDOW, 0x500, wire.GET_PROPERTY)]))
    probe = XorgIdleProbe({"DISPLAY": server.display}, bus=None)
    try:
        assert probe.fullscreen() is False
        assert probe.sample().idle_seconds == 2.5  # the stream is still in step
    finally:
        probe.close()


def test_another_x_error_is_not_taken_for_a_closed_window(serve) -> None:
    server = serve(desktop([error(wire.BAD_WINDOW + 2, 303, wire.GET_PROPERTY)]))  # BadAtom
    probe = XorgIdleProbe({"DISPLAY": server.display}, bus=None)
    try:
        with pytest.raises(
            wire.XRequestError, match=r"^BadAtom \(code 5\) for request 20\.0, resource 0x12f$"
        ):
            probe.fullscreen()
        assert probe.sample().fullscreen is None
    finally:
        probe.close()


def test_a_server_without_the_extension_is_one_line(serve) -> None:
    server = serve(desktop([], extension=False))
    with pytest.raises(OSError, match=f"^X server {server.display} lacks MIT-SCREEN-SAVER$"):
        XorgIdleProbe({"DISPLAY": server.display}, bus=None)


def test_the_cookie_for_this_host_is_sent(serve, tmp_path) -> None:
    server = serve(desktop([]))
    number = server.display[1:].encode()
    (tmp_path / "auth").write_bytes(
        auth_entry(display.FAMILY_LOCAL, b"elsewhere", number, display.COOKIE_NAME, b"not this")
        + auth_entry(display.FAMILY_LOCAL, HOST, number, display.COOKIE_NAME, b"\x5a" * 16)
    )
    XorgIdleProbe({"DISPLAY": server.display, "XAUTHORITY": str(tmp_path / "auth")}, bus=None).close()
    assert server.cookie == (display.COOKIE_NAME, b"\x5a" * 16)


def test_a_refusal_is_one_line_with_the_servers_reason(serve) -> None:
    server = serve(desktop([]), refuse=b"Invalid MIT-MAGIC-COOKIE-1 key")
    with pytest.raises(wire.XError) as caught:
        XorgIdleProbe({"DISPLAY": server.display}, bus=None)
    assert (
        str(caught.value)
        == f'X display "{server.display}" refused the connection: Invalid MIT-MAGIC-COOKIE-1 key'
    )


def test_the_screen_number_chooses_the_root(serve) -> None:
    server = serve(desktop([]), roots=(0x3A8, 0x4B1))
    second = wire.XConnection({"DISPLAY": server.display + ".1"})
    assert second.root == 0x4B1
    second.close()
    with pytest.raises(wire.XError, match=r"has no screen 2$"):
        wire.XConnection({"DISPLAY": server.display + ".2"})


def test_importing_the_probe_does_not_import_xlib() -> None:
    code = "import sys, deskbreak.adapters.activity.x11; print(sorted(m for m in sys.modules if m.split('.')[0] == 'Xlib'))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
