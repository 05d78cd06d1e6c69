"""`doctor`'s lines for the synced folder: whether it is there, and each machine sharing it with
when it was last heard from (read from the folder itself, as any daemon reads it)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..core import sync
from ..i18n import N_, _, ngettext
from ..paths import Paths
from ..store.sync_folder import FolderReader
from .doctor_check import Check
from .shared_history import own_identity

NAME = N_("sync folder")


def check_sync(paths: Paths, now: datetime | None = None) -> list[Check]:
    """One line for the folder, then one per machine heard from (none when sync is off)."""
    from ..core.config_checks import ConfigError
    from ..store.config_file import load_config

    try:
        config = load_config(paths.config_file, False)
    except (ConfigError, OSError):
        return []  # the config's own check says what is wrong with it
    if not config.sync.folder:
        return [Check(NAME, True, _("off ([sync] folder is not set)"))]
    folder = Path(os.path.expanduser(config.sync.folder))
    reading = FolderReader(folder).read_new()
    if reading.missing:
        return [
            Check(
                NAME,
                False,
                _("{folder} is missing (an unmounted drive, or not made yet): nothing is shared").format(
                    folder=folder
                ),
                _("mount it, or `mkdir -m 700 {folder}`").format(folder=folder),
            )
        ]
    own_id, own_name = own_identity(config, paths)
    if reading.malformed:
        head = ngettext(
            "{folder}, this machine is {name}; {count} malformed record skipped",
            "{folder}, this machine is {name}; {count} malformed records skipped",
            reading.malformed,
        )
    else:
        head = _("{folder}, this machine is {name}")
    detail = head.format(folder=folder, name=repr(own_name), count=reading.malformed)
    lines = [Check(NAME, not reading.malformed, detail)]
    now = now or datetime.now(UTC)
    for machine, (name, heard) in sorted(sync.last_heard(reading.records).items(), key=lambda m: m[1][0]):
        who = N_("this machine") if machine == own_id else name  # indented: translated when shown
        lines.append(Check(f"  {who}", True, _last_heard(now - heard, format(heard, "%Y-%m-%d %H:%M"))))
    return lines


def _last_heard(span: timedelta, time: str) -> str:
    """When a machine was last heard from, `span` ago at `time` (UTC), in the coarsest fitting unit."""
    seconds = int(span.total_seconds())
    if seconds < 120:
        count = max(seconds, 0)
        # Translators: "s" is the abbreviation of seconds; {time} is a date and time.
        text = ngettext(
            "last heard from {count} s ago ({time} UTC)", "last heard from {count} s ago ({time} UTC)", count
        )
    elif seconds < 2 * 3600:
        count = seconds // 60
        # Translators: "min" is the abbreviation of minutes; {time} is a date and time.
        text = ngettext(
            "last heard from {count} min ago ({time} UTC)",
            "last heard from {count} min ago ({time} UTC)",
            count,
        )
    elif seconds < 2 * 86400:
        count = seconds // 3600
        # Translators: "h" is the abbreviation of hours; {time} is a date and time.
        text = ngettext(
            "last heard from {count} h ago ({time} UTC)", "last heard from {count} h ago ({time} UTC)", count
        )
    else:
        count = seconds // 86400
        text = ngettext(
            "last heard from {count} day ago ({time} UTC)",
            "last heard from {count} days ago ({time} UTC)",
            count,
        )
    return text.format(count=count, time=time)
