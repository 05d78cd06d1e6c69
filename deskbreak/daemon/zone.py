"""The schedule's zone: a named zone, or the machine's own (a lookup of the system's settings)."""

from __future__ import annotations

from datetime import tzinfo


def resolve_zone(name: str) -> tzinfo:
    if name:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    import tzlocal

    return tzlocal.get_localzone()
