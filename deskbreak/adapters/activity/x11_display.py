"""Where an X display is and how to prove we may use it: $DISPLAY read as Xlib reads it, and the
MIT-MAGIC-COOKIE-1 for it from the Xauthority file (big-endian whatever the host), matched as
libXau matches. Used by the idle probe's X client (x11_wire.py).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass

COOKIE_NAME = b"MIT-MAGIC-COOKIE-1"
# Xauthority families (Xauth.h): an IPv4 or IPv6 address, a host name for local sockets, any.
FAMILY_INTERNET, FAMILY_INTERNET6, FAMILY_LOCAL, FAMILY_WILD = 0, 6, 256, 65535


class XError(OSError):
    """The X server is unreachable, refused us, closed the connection, or sent what we cannot read."""


@dataclass(frozen=True)
class DisplayName:
    """`[protocol/][host]:number[.screen]`, as Xlib reads $DISPLAY."""

    protocol: str  # "", "tcp" or "unix"
    host: str
    number: int
    screen: int

    @property
    def local(self) -> bool:
        """A unix socket on this machine: no host, or the host "unix" (`unix:0` is `:0`)."""
        return self.protocol == "unix" or (self.protocol != "tcp" and self.host in ("", "unix"))


def parse_display(name: str) -> DisplayName:
    protocol, slash, rest = name.partition("/")
    if not slash:
        protocol, rest = "", name
    host, colon, tail = rest.rpartition(":")
    number, _dot, screen = tail.partition(".")
    if (
        not colon
        or protocol not in ("", "tcp", "unix")
        or not number.isdigit()
        or not (screen == "" or screen.isdigit())
        or (protocol == "tcp" and not host)
    ):
        raise XError(f'bad X display name "{name}"')
    return DisplayName(protocol, host.strip("[]"), int(number), int(screen or 0))


@dataclass(frozen=True)
class AuthEntry:
    family: int
    address: bytes
    number: bytes  # the display number as text; empty matches any
    name: bytes
    data: bytes


def parse_xauthority(raw: bytes) -> list[AuthEntry]:
    """Every whole entry: family u16, then address, number, name, data as (u16 length, bytes); a
    file cut short keeps the entries before the cut."""
    entries: list[AuthEntry] = []
    pos = 0
    while pos + 2 <= len(raw):
        (family,) = struct.unpack_from(">H", raw, pos)
        pos, fields = pos + 2, list[bytes]()
        for _ in range(4):
            if pos + 2 > len(raw):
                return entries
            (length,) = struct.unpack_from(">H", raw, pos)
            if pos + 2 + length > len(raw):
                return entries
            fields.append(raw[pos + 2 : pos + 2 + length])
            pos += 2 + length
        entries.append(AuthEntry(family, *fields))
    return entries


def pick_cookie(entries: list[AuthEntry], family: int, address: bytes, number: int) -> bytes | None:
    """The MIT-MAGIC-COOKIE-1 for this address and display (as libXau matches: a wild family or
    an empty number match any), else the first one for the display number (ssh's X forwarding
    stores the cookie under the local host while $DISPLAY says localhost:10), else None."""
    num = str(number).encode()
    cookies = [e for e in entries if e.name == COOKIE_NAME and e.number in (b"", num)]
    for entry in cookies:
        if entry.family == FAMILY_WILD or (entry.family == family and entry.address == address):
            return entry.data
    return next((e.data for e in cookies if e.number == num), None)


def xauthority_path(environ: Mapping[str, str]) -> str:
    home = environ.get("HOME") or os.path.expanduser("~")
    return environ.get("XAUTHORITY") or os.path.join(home, ".Xauthority")
