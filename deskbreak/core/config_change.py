"""Pure: what a config change does to the schedule, as lines a person reads ("next prompts before → after").

Used by `Daemon.reload` (the log) and `deskbreak config edit` / `config set` (the terminal).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from ..i18n import _
from . import forecast
from . import schedule as core
from .config import Config
from .config_schema import SETTINGS
from .locale_formats import clock
from .workhours import Plan

COUNT = 3


def upcoming_times(state: core.State, now: datetime, plan: Plan, count: int = COUNT) -> list[datetime]:
    return [at for at, _stretch in forecast.upcoming_prompts(state, now, plan, count)]


def _clock(at: datetime, zone: tzinfo, now: datetime) -> str:
    local = at.astimezone(zone)
    return clock(local, now.astimezone(zone).date())


def times_text(times: Sequence[datetime], zone: tzinfo, now: datetime) -> str:
    # Translators: no prompt times ahead, in "next prompts: none".
    return _(", ").join(_clock(at, zone, now) for at in times) if times else _("none")


def prompts_line(before: Sequence[datetime], after: Sequence[datetime], zone: tzinfo, now: datetime) -> str:
    old, new = times_text(before, zone, now), times_text(after, zone, now)
    if old == new:
        # Translators: after a config reload; {times} is a list such as "09:45, 10:30, 11:15".
        return _("next prompts unchanged: {times}").format(times=new)
    # Translators: after a config reload: the prompt times before and after it.
    return _("next prompts: {old} → {new}").format(old=old, new=new)


def changed_keys(old: Config, new: Config) -> list[str]:
    """Dotted names of the settings that differ (the schedule's weekdays by name)."""
    return [s.key for s in SETTINGS if s.get(old) != s.get(new)]


def summary(
    old: Config,
    new: Config,
    before: Sequence[datetime],
    after: Sequence[datetime],
    zone: tzinfo,
    now: datetime,
) -> list[str]:
    keys = changed_keys(old, new)
    # Translators: after a config reload; {keys} lists config keys (kept as written), or says "nothing".
    changed = _("changed: {keys}").format(keys=_(", ").join(keys) if keys else _("nothing"))
    return [changed, prompts_line(before, after, zone, now)]
