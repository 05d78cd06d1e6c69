"""A minimal X11 client over the X server's socket: connect (with the MIT-MAGIC-COOKIE-1 from the
Xauthority file), then the few requests the idle probe needs, one at a time, each waiting for its
reply. No event handling: events that arrive are read and dropped.

Why not python-xlib here: every `Xlib.display.Display` imports two dozen modules and builds request
classes and per-extension method tables, about 2 MB of a daemon that asks four questions. The wire
format is small and stable: the client names its byte order in its first byte and the server answers
in it; a request is [opcode u8][data u8][length u16 in 4-byte words] then its fields padded to 4;
every reply, error and event starts with 32 bytes, and a reply (type 1) or a generic event (35) is
followed by 4 * its u32 length at offset 4 more. Finding the display and its cookie: x11_display.py.
"""

from __future__ import annotations

import os
import socket
import struct
import sys
import threading
from collections.abc import Mapping

from .x11_display import (
    COOKIE_NAME,
    FAMILY_INTERNET,
    FAMILY_INTERNET6,
    FAMILY_LOCAL,
    DisplayName,
    XError,
    parse_display,
    parse_xauthority,
    pick_cookie,
    xauthority_path,
)

ORDER = "<" if sys.byteorder == "little" else ">"
BYTE_ORDER_MARK = b"l" if sys.byteorder == "little" else b"B"
ATOM = 4  # the predefined atom for the type ATOM
ANY_PROPERTY_TYPE = 0
BAD_WINDOW, BAD_DRAWABLE = 3, 9
ERROR_NAMES = {
    1: "BadRequest", 2: "BadValue", 3: "BadWindow", 4: "BadPixmap", 5: "BadAtom", 6: "BadCursor",
    7: "BadFont", 8: "BadMatch", 9: "BadDrawable", 10: "BadAccess", 11: "BadAlloc", 12: "BadColor",
    13: "BadGC", 14: "BadIDChoice", 15: "BadName", 16: "BadLength", 17: "BadImplementation",
}  # fmt: skip
QUERY_EXTENSION, INTERN_ATOM, GET_PROPERTY = 98, 16, 20
SCREEN_SAVER_QUERY_INFO = 1  # the MIT-SCREEN-SAVER extension's minor opcode
MAX_PROPERTY_WORDS = 1 << 16  # far above any EWMH list; the server sends only what the property holds


class XConnectionLost(XError):
    """The connection broke after it was made: the server went away or stopped answering."""


class XRequestError(XError):
    """The server answered a request with an X error (BadWindow, BadAtom...)."""

    def __init__(self, code: int, major: int, minor: int, value: int) -> None:
        self.code, self.major, self.minor, self.value = code, major, minor, value
        name = ERROR_NAMES.get(code, "X error")
        super().__init__(f"{name} (code {code}) for request {major}.{minor}, resource 0x{value:x}")


def pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def setup_request(auth_name: bytes, auth_data: bytes) -> bytes:
    head = struct.pack(ORDER + "cxHHHHxx", BYTE_ORDER_MARK, 11, 0, len(auth_name), len(auth_data))
    return head + pad(auth_name) + pad(auth_data)


def parse_setup(head: bytes, body: bytes) -> list[int]:
    """The root window of each screen from the server's answer to `setup_request` (8 bytes, then
    4 * the u16 at offset 6); XError with the server's reason when it refused."""
    status, reason_length = head[0], head[1]
    if status != 1:  # 0 failed, 2 authenticate: the reason is the body (2: all of it)
        reason = body if status == 2 else body[:reason_length]
        raise XError(" ".join(reason.decode(errors="replace").split()) or "no reason given")
    vendor_length, screens, formats = struct.unpack_from(ORDER + "H2xBB", body, 16)
    pos = 32 + vendor_length + (-vendor_length % 4) + 8 * formats
    roots = []
    for _ in range(screens):
        (root,) = struct.unpack_from(ORDER + "I", body, pos)
        depths = body[pos + 39]
        roots.append(root)
        pos += 40
        for _ in range(depths):  # depth u8, pad, visuals u16, pad 4, then 24 bytes per visual
            (visuals,) = struct.unpack_from(ORDER + "H", body, pos + 2)
            pos += 8 + 24 * visuals
    return roots


def request(opcode: int, data: int, fields: bytes) -> bytes:
    body = pad(fields)
    return struct.pack(ORDER + "BBH", opcode, data, 1 + len(body) // 4) + body


def query_extension(name: str) -> bytes:
    return request(QUERY_EXTENSION, 0, struct.pack(ORDER + "H2x", len(name)) + name.encode())


def intern_atom(name: str) -> bytes:
    """InternAtom with only-if-exists false: the server creates the atom if it is new."""
    return request(INTERN_ATOM, 0, struct.pack(ORDER + "H2x", len(name)) + name.encode())


def get_property(window: int, prop: int, kind: int = ANY_PROPERTY_TYPE) -> bytes:
    return request(GET_PROPERTY, 0, struct.pack(ORDER + "5I", window, prop, kind, 0, MAX_PROPERTY_WORDS))


def screen_saver_query_info(major: int, drawable: int) -> bytes:
    return request(major, SCREEN_SAVER_QUERY_INFO, struct.pack(ORDER + "I", drawable))


def extension_opcode(reply: bytes) -> int | None:
    """The major opcode from a QueryExtension reply, None when the server lacks the extension."""
    present, major = reply[8], reply[9]
    return major if present else None


def atom(reply: bytes) -> int:
    return int(struct.unpack_from(ORDER + "I", reply, 8)[0])


def property_values(reply: bytes) -> tuple[int, ...] | None:
    """A GetProperty reply's values as integers (format 8, 16 or 32); None when there is no such
    property (type None)."""
    fmt, (kind, _after, count) = reply[1], struct.unpack_from(ORDER + "III", reply, 8)
    if kind == 0:
        return None
    code = {8: "B", 16: "H", 32: "I"}.get(fmt)
    if code is None or count == 0:
        return ()
    return struct.unpack_from(f"{ORDER}{count}{code}", reply, 32)


def idle_milliseconds(reply: bytes) -> int:
    """ScreenSaverQueryInfo's ms-since-user-input: after window and til-or-since."""
    return int(struct.unpack_from(ORDER + "I", reply, 16)[0])


def packet_size(head: bytes) -> int:
    """The whole size of the reply, error or event that starts with these 32 bytes."""
    if head[0] == 1 or head[0] & 0x7F == 35:  # a reply, a generic event: 4 * length more
        return 32 + 4 * int(struct.unpack_from(ORDER + "I", head, 4)[0])
    return 32


def _unix_socket(path: str, timeout: float) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock


class XConnection:
    """One client connection; `roundtrip` sends a request and returns its reply. Thread-safe: a
    lock holds each request until its reply. Any failure on the socket closes the connection.
    `timeout` bounds connecting and the server's greeting."""

    def __init__(self, environ: Mapping[str, str] = os.environ, timeout: float = 5.0) -> None:
        self.display = environ.get("DISPLAY") or ""
        if not self.display:
            raise XError("DISPLAY is not set: no X display to connect to")
        name = parse_display(self.display)
        self._sequence = 0
        self._lock = threading.Lock()
        self._sock = self._connect(name, timeout)
        try:
            cookie = self._cookie(name, environ)
            self._send(setup_request(COOKIE_NAME if cookie else b"", cookie or b""))
            head = self._read(8)
            body = self._read(4 * struct.unpack_from(ORDER + "H", head, 6)[0])
            roots = parse_setup(head, body)
        except XConnectionLost:
            raise
        except XError as exc:
            self._sock.close()
            raise XError(f'X display "{self.display}" refused the connection: {exc}') from None
        except Exception:
            self._sock.close()
            raise
        if name.screen >= len(roots):
            self._sock.close()
            raise XError(f'X display "{self.display}" has no screen {name.screen}')
        self.root = roots[name.screen]
        # From here on wait as long as Xlib would: a server that grabs itself (XGrabServer) holds
        # our reply back, and a timeout in the middle of a reply would leave the stream unreadable.
        self._sock.settimeout(None)

    def _connect(self, name: DisplayName, timeout: float) -> socket.socket:
        """A unix socket (the file, else Linux's abstract one) for a local display, falling back
        to TCP on localhost when $DISPLAY names neither; TCP port 6000 + number for a host."""
        attempts: list[str | tuple[str, int]] = []
        if name.local:
            path = f"/tmp/.X11-unix/X{name.number}"
            attempts.append(path if os.path.exists(path) else "\0" + path)
        if not name.local or not (name.protocol or name.host):
            attempts.append((name.host or "localhost", 6000 + name.number))
        first: OSError | None = None
        for address in attempts:
            try:
                if isinstance(address, tuple):
                    return socket.create_connection(address, timeout)
                return _unix_socket(address, timeout)
            except OSError as exc:
                first = first or exc
        raise XError(f'cannot connect to X display "{self.display}": {first}')

    def _cookie(self, name: DisplayName, environ: Mapping[str, str]) -> bytes | None:
        """The cookie Xlib would send: matched by the socket's family and address (this host's
        name for a unix socket), localhost over TCP also as this host (ssh's X forwarding)."""
        try:
            with open(xauthority_path(environ), "rb") as file:
                entries = parse_xauthority(file.read())
        except OSError:
            return None  # no file: connect without a cookie, as Xlib does
        hostname = socket.gethostname().encode()
        if self._sock.family == socket.AF_INET:
            address = socket.inet_aton(self._sock.getpeername()[0])
            cookie = pick_cookie(entries, FAMILY_INTERNET, address, name.number)
            if cookie is None and address == b"\x7f\0\0\1":
                cookie = pick_cookie(entries, FAMILY_LOCAL, hostname, name.number)
            return cookie
        if self._sock.family == socket.AF_INET6:
            address = socket.inet_pton(socket.AF_INET6, self._sock.getpeername()[0])
            return pick_cookie(entries, FAMILY_INTERNET6, address, name.number)
        return pick_cookie(entries, FAMILY_LOCAL, hostname, name.number)

    def _send(self, message: bytes) -> None:
        try:
            self._sock.sendall(message)
        except OSError as exc:
            self._sock.close()
            raise XConnectionLost(f'writing to X display "{self.display}" failed: {exc}') from None

    def _read(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            try:
                chunk = self._sock.recv(size - len(data))
            except OSError as exc:
                self._sock.close()
                raise XConnectionLost(f'reading from X display "{self.display}" failed: {exc}') from None
            if not chunk:
                self._sock.close()
                raise XConnectionLost(f'X display "{self.display}" closed the connection')
            data += chunk
        return data

    def roundtrip(self, message: bytes) -> bytes:
        """Send one request that has a reply and return the reply; XRequestError for an X error."""
        with self._lock:
            self._send(message)
            self._sequence = (self._sequence + 1) & 0xFFFF
            while True:
                head = self._read(32)
                packet = head + self._read(packet_size(head) - 32)
                if packet[0] > 1 or struct.unpack_from(ORDER + "H", packet, 2)[0] != self._sequence:
                    continue  # an event, or an answer to no request of ours
                if packet[0] == 0:
                    code, _seq, value, minor, major = struct.unpack_from(ORDER + "xBHIHB", packet)
                    raise XRequestError(code, major, minor, value)
                return packet

    def close(self) -> None:
        with self._lock:
            self._sock.close()
