"""The ids deskbreak gives what it records (an answer, a synced event): random version-4 UUIDs."""

from __future__ import annotations

import os


def new_id() -> str:
    """A random version-4 UUID as 32 hex digits, as `uuid.uuid4().hex` writes it, without `uuid`,
    which imports `platform` at load: 0.2 MB kept in the daemon for one call per answer."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # the RFC 4122 variant
    return raw.hex()
