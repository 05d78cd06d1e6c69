"""`doctor`'s lines for the synced folder: whether it is there, and each machine sharing it with
when it was last heard from (read from the folder itself, as any daemon reads it)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..core import sync
from ..paths import Paths
from ..store.sync_folder import FolderReader
from .doctor_check import Check
from .shared_history import own_identity

NAME = "sync folder"


def check_sync(paths: Paths, now: datetime | None = None) -> list[Check]:
    """One line for the folder, then one per machine heard from (none when sync is off)."""
    from ..core.config_checks import ConfigError
    from ..store.config_file import load_config

    try:
        config = load_config(paths.config_file, False)
    except (ConfigError, OSError):
        return []  # the config's own check says what is wrong with it
    if not config.sync.folder:
        return [Check(NAME, True, "off ([sync] folder is not set)")]
    folder = Path(os.path.expanduser(config.sync.folder))
    reading = FolderReader(folder).read_new()
    if reading.missing:
        return [
            Check(
                NAME,
                False,
                f"{folder} is missing (an unmounted drive, or not made yet): nothing is shared",
                f"mount it, or `mkdir -m 700 {folder}`",
            )
        ]
    own_id, own_name = own_identity(config, paths)
    bad = f"; {reading.malformed} malformed records skipped" if reading.malformed else ""
    lines = [Check(NAME, not reading.malformed, f"{folder}, this machine is {own_name!r}{bad}")]
    now = now or datetime.now(UTC)
    for machine, (name, heard) in sorted(sync.last_heard(reading.records).items(), key=lambda m: m[1][0]):
        who = "this machine" if machine == own_id else name
        lines.append(
            Check(f"  {who}", True, f"last heard from {_ago(now - heard)} ago ({heard:%Y-%m-%d %H:%M} UTC)")
        )
    return lines


def _ago(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 120:
        return f"{max(seconds, 0)} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
