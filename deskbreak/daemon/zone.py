"""The schedule's zone: a named zone, or the machine's own (a lookup of the system's settings)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from datetime import tzinfo

LOCALTIME = "/etc/localtime"


def resolve_zone(name: str) -> tzinfo:
    if name:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    return machine_zone()


def machine_zone(localtime: str = LOCALTIME, environ: Mapping[str, str] = os.environ) -> tzinfo:
    """The zone /etc/localtime names when it links into a zoneinfo folder (what the C library reads;
    systemd's `timedatectl` sets it so), else tzlocal's lookup (TZ, the older distributions' files,
    macOS, Windows). tzlocal reads the same link, but tries each tail of its target as a zone name
    ("usr/share/zoneinfo/Europe/Paris", "share/zoneinfo/..."), and zoneinfo answers a name it cannot
    find by importing importlib.resources (with tempfile, shutil, bz2 and lzma) to look for the
    tzdata package: 0.5 MB kept for the daemon's life to find a name this reads in one step."""
    if sys.platform.startswith("linux") and not environ.get("TZ"):
        key = zone_key(os.path.realpath(localtime)) if os.path.islink(localtime) else None
        if key is not None:
            from zoneinfo import ZoneInfo

            try:
                return ZoneInfo(key)
            except (
                KeyError,
                ValueError,
                OSError,
            ):  # not a zone after all (ZoneInfoNotFoundError is a KeyError)
                pass
    import tzlocal

    return tzlocal.get_localzone()


def zone_key(target: str) -> str | None:
    """ "Europe/Paris" for ".../zoneinfo/Europe/Paris"; None when `target` is in no zoneinfo folder."""
    _, found, key = target.rpartition("/zoneinfo/")
    return key if found and key else None
