"""Writing a Config back out as TOML (for `deskbreak config show`)."""

from __future__ import annotations

import json
from typing import Any

from .config import WEEKDAYS, Config


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def dump(config: Config) -> str:
    s = config.schedule
    lines = [
        f"# effective config from {config.source}",
        "",
        "[schedule]",
        f"interval_minutes = {s.interval_minutes}",
        f"timezone = {_value(s.timezone)}",
    ]
    lines += [f"{day} = {_value([str(w) for w in s.week[i]])}" for i, day in enumerate(WEEKDAYS)]
    lines += [
        f"days_off = {_value([d.isoformat() for d in s.days_off])}",
        f"prompt_timeout_minutes = {s.prompt_timeout_minutes}",
        f"snooze_minutes = {s.snooze_minutes}",
        f"snooze_choices = {_value(s.snooze_choices)}",
        f"min_minutes_before_end = {s.min_minutes_before_end}",
        "",
        "[stretches]",
        f"postures = {_value(config.stretches.postures)}",
        f"exclude = {_value(config.stretches.exclude)}",
        f"focus = {_value(config.stretches.focus)}",
        f"level = {_value(config.stretches.level)}",
    ]
    for stretch in config.stretches.custom:
        lines += ["", "[[stretches.custom]]"]
        for name in (
            "id",
            "name",
            "posture",
            "areas",
            "steps",
            "hold_seconds",
            "reps",
            "per_side",
            "first_side",
            "caution",
        ):
            value = getattr(stretch, name)
            if value is not None:
                lines.append(f"{name} = {_value(value)}")
        if stretch.caution_short != stretch.caution:
            lines.append(f"caution_short = {_value(stretch.caution_short)}")
    for section in ("prompt", "activity", "calendar", "goals"):
        lines += ["", f"[{section}]"]
        table = getattr(config, section)
        lines += [f"{name} = {_value(getattr(table, name))}" for name in table.__dataclass_fields__]
    return "\n".join(lines) + "\n"
