"""The next prompt times around a config change: the running daemon's, else predicted.

A daemon that reads the changed file knows what no prediction can (a snooze, a pause, a held
prompt, its own rotation), so `config set` and `config edit` ask it: its upcoming times before the
change, then `reload` (applied at once, whether or not the file watcher got there first), then its
times after. Only when no daemon reads that file are the times predicted, from the two configs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..control_client import ControlClient, ControlError, NotRunning
from ..core import config_change
from ..core.config import Config
from ..core.workhours import build_plan
from ..daemon.zone import resolve_zone
from ..i18n import _
from ..paths import default_paths


@dataclass(frozen=True)
class RunningDaemon:
    """A daemon that reads the config file being changed, and the times it planned before."""

    client: ControlClient
    before: tuple[datetime, ...]

    def request(self, cmd: str, arg: Any = None) -> dict[str, Any] | None:
        try:
            return self.client.request(cmd, arg, timeout=5.0)
        except (NotRunning, ControlError):
            return None

    def times(self) -> tuple[datetime, ...] | None:
        """The daemon's next prompt times (its own state and plan), or None when it does not say."""
        reply = self.request("next", config_change.COUNT)
        if reply is None or not reply.get("ok"):
            return None
        return tuple(datetime.fromisoformat(line["at"]) for line in reply.get("upcoming") or [])


def daemon_reading(path: Path, socket_file: Path | None = None) -> RunningDaemon | None:
    """The running daemon if it reads `path` (its config file, or the default one it waits for), with
    the times it plans now; None when none runs, it reads another file, or it does not answer."""
    client = ControlClient(socket_file or default_paths().socket_file)
    try:
        status = client.request("status", timeout=2.0)
    except (NotRunning, ControlError):
        return None
    source = str(status.get("config") or "")
    default = default_paths().config_file
    reads_it = _same_file(Path(source), path) if source != "<defaults>" else _same_file(default, path)
    if not reads_it:
        return None
    daemon = RunningDaemon(client, ())
    before = daemon.times()
    return None if before is None else RunningDaemon(client, before)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def daemon_lines(daemon: RunningDaemon, old: Config | None, new: Config) -> list[str]:
    """What the change did in the running daemon: it re-reads the file now, then says its times."""
    reply = daemon.request("reload")
    if reply is None:
        return [_("the running deskbreak did not answer: it applies the file when it notices the change")]
    if not reply.get("ok"):
        error = str(reply.get("error", "?")).splitlines()[0]
        return [_("the running deskbreak did not apply it: {error}").format(error=error)]
    after = daemon.times()
    if after is None:
        return [_("the running deskbreak applied it but did not say its next prompts")]
    now = datetime.now(UTC)
    zone = resolve_zone(new.schedule.timezone)  # the zone the daemon plans in once it applied `new`
    keys = config_change.changed_keys(old, new) if old is not None else []
    if keys:
        changed = ", ".join(keys)  # config keys: the same in every language
    elif old is not None:
        # Translators: no config key changed.
        changed = _("nothing")
    else:
        # Translators: the config file was invalid before this change, so nothing can be compared.
        changed = _("(invalid before)")
    return [
        _("changed: {keys}").format(keys=changed),
        config_change.prompts_line(daemon.before, after, zone, now),
    ]


def predicted_lines(old: Config | None, new: Config, now: datetime | None = None) -> list[str]:
    """ "changed: ..." and "next prompts: before → after", predicted from the two configs for a
    daemon started now (no daemon reads the file)."""
    from ..assets import builtin_catalog
    from ..core import forecast
    from ..core import schedule as core

    now = now or datetime.now(UTC)
    catalog = builtin_catalog()
    new_plan, _new_catalog = build_plan(new, catalog, resolve_zone(new.schedule.timezone))
    state = core.start(now, seed=forecast.daily_seed(now, new_plan.zone))
    after = config_change.upcoming_times(state, now, new_plan)
    if old is None:
        times = config_change.times_text(after, new_plan.zone, now)
        return [_("next prompts: (invalid before) → {times}").format(times=times)]
    old_plan, _old_catalog = build_plan(old, catalog, resolve_zone(old.schedule.timezone))
    before = config_change.upcoming_times(state, now, old_plan)
    return config_change.summary(old, new, before, after, new_plan.zone, now)
