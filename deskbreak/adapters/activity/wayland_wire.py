"""A minimal Wayland client over the compositor's socket: the wire format, the registry, bind, and
events dispatched by object id. Enough for the idle protocols (and a test's virtual pointer); no
buffers, no file descriptors.

Why not pywayland: it needs libwayland-client through cffi plus protocol XML scanned at build time,
and org_kde_kwin_idle is not in wayland-protocols (it lives in plasma-wayland-protocols), so the XML
would ship with us anyway. The wire format is small and stable: every message is
[object id u32][size << 16 | opcode u32] then 32-bit little-endian (host order) arguments; strings
are length (with the NUL) + bytes padded to 4; an untyped new_id (wl_registry.bind) is
interface string, version, id.
"""

from __future__ import annotations

import os
import socket
import struct
import sys
from collections.abc import Callable, Mapping
from typing import Any

DISPLAY_ID = 1
HEADER = struct.Struct("=II")
ORDER = "<" if sys.byteorder == "little" else ">"

EventHandler = Callable[[int, bytes], None]  # (opcode, argument bytes)


class WaylandError(OSError):
    """The compositor is unreachable, closed the connection, or reported a protocol error."""


def socket_path(environ: Mapping[str, str]) -> str:
    name = environ.get("WAYLAND_DISPLAY") or "wayland-0"
    if os.path.isabs(name):
        return name
    runtime = environ.get("XDG_RUNTIME_DIR")
    if not runtime:
        raise WaylandError("XDG_RUNTIME_DIR is not set: no Wayland socket to find")
    return os.path.join(runtime, name)


def encode(fmt: str, args: tuple[Any, ...]) -> bytes:
    """Arguments by type letter: u uint, i int, f fixed (a float), o object id, n new id, s string."""
    out = bytearray()
    for kind, value in zip(fmt, args, strict=True):
        if kind in "uon":
            out += struct.pack(ORDER + "I", value)
        elif kind == "i":
            out += struct.pack(ORDER + "i", value)
        elif kind == "f":
            out += struct.pack(ORDER + "i", round(value * 256))
        elif kind == "s":
            data = value.encode() + b"\0"
            out += struct.pack(ORDER + "I", len(data)) + data + b"\0" * (-len(data) % 4)
        else:
            raise ValueError(f"unknown Wayland argument type {kind!r}")
    return bytes(out)


def decode(fmt: str, data: bytes) -> list[Any]:
    values: list[Any] = []
    pos = 0
    for kind in fmt:
        if kind in "uon":
            values.append(struct.unpack_from(ORDER + "I", data, pos)[0])
            pos += 4
        elif kind == "i":
            values.append(struct.unpack_from(ORDER + "i", data, pos)[0])
            pos += 4
        elif kind == "s":
            length = struct.unpack_from(ORDER + "I", data, pos)[0]
            values.append(data[pos + 4 : pos + 4 + max(length - 1, 0)].decode(errors="replace"))
            pos += 4 + length + (-length % 4)
        else:
            raise ValueError(f"unknown Wayland argument type {kind!r}")
    return values


class WaylandConnection:
    """One client connection. Not thread-safe by itself: one thread reads (`dispatch`), requests are
    whole `sendall`s, so another thread may send between reads."""

    def __init__(self, environ: Mapping[str, str] = os.environ, timeout: float = 2.0) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        path = socket_path(environ)
        try:
            self.sock.connect(path)
        except OSError as exc:
            self.sock.close()
            raise WaylandError(f"cannot connect to the Wayland compositor at {path}: {exc}") from exc
        self._next_id = DISPLAY_ID + 1
        self._buffer = b""
        self.handlers: dict[int, EventHandler] = {DISPLAY_ID: self._display_event}
        self.globals: dict[str, tuple[int, int]] = {}  # interface -> (registry name, version)
        self._done: set[int] = set()
        self.registry = self.new_id(self._registry_event)
        self.request(DISPLAY_ID, 1, "n", self.registry)  # wl_display.get_registry
        self.roundtrip()

    def new_id(self, handler: EventHandler | None = None) -> int:
        oid, self._next_id = self._next_id, self._next_id + 1
        if handler is not None:
            self.handlers[oid] = handler
        return oid

    def request(self, oid: int, opcode: int, fmt: str = "", *args: Any) -> None:
        body = encode(fmt, args)
        try:
            self.sock.sendall(HEADER.pack(oid, (HEADER.size + len(body)) << 16 | opcode) + body)
        except OSError as exc:
            raise WaylandError(f"the compositor closed the connection: {exc}") from exc

    def bind(self, interface: str, version: int, handler: EventHandler | None = None) -> int:
        """wl_registry.bind the global `interface` at min(version, advertised); KeyError if absent."""
        name, advertised = self.globals[interface]
        oid = self.new_id(handler)
        self.request(self.registry, 0, "usun", name, interface, min(version, advertised), oid)
        return oid

    def roundtrip(self) -> None:
        """wl_display.sync and read until its callback fires: every earlier request is answered."""
        callback = self.new_id(lambda opcode, data: self._done.add(callback))
        self.request(DISPLAY_ID, 0, "n", callback)
        while callback not in self._done:
            self.dispatch()
        self._done.discard(callback)
        self.handlers.pop(callback, None)

    def dispatch(self) -> None:
        """Read once (blocking up to the socket's timeout: TimeoutError) and handle every whole event."""
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            raise
        except OSError as exc:
            raise WaylandError(f"reading from the compositor failed: {exc}") from exc
        if not chunk:
            raise WaylandError("the compositor closed the connection")
        self._buffer += chunk
        while len(self._buffer) >= HEADER.size:
            oid, word = HEADER.unpack_from(self._buffer)
            size, opcode = word >> 16, word & 0xFFFF
            if size < HEADER.size:
                raise WaylandError(f"malformed Wayland message (size {size})")
            if len(self._buffer) < size:
                break
            data, self._buffer = self._buffer[HEADER.size : size], self._buffer[size:]
            handler = self.handlers.get(oid)
            if handler is not None:
                handler(opcode, data)

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    # -- wl_display and wl_registry events --------------------------------------------------------
    def _display_event(self, opcode: int, data: bytes) -> None:
        if opcode == 0:  # error(object, code, message)
            oid, code, message = decode("ous", data)
            raise WaylandError(f"Wayland protocol error on object {oid} (code {code}): {message}")
        if opcode == 1:  # delete_id(id)
            self.handlers.pop(decode("u", data)[0], None)

    def _registry_event(self, opcode: int, data: bytes) -> None:
        if opcode == 0:  # global(name, interface, version)
            name, interface, version = decode("usu", data)
            self.globals[interface] = (name, version)
        elif opcode == 1:  # global_remove(name)
            gone = decode("u", data)[0]
            self.globals = {i: nv for i, nv in self.globals.items() if nv[0] != gone}
