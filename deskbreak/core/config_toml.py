"""Writing a Config back out as TOML (for `deskbreak config show`), key by key from the schema."""

from __future__ import annotations

from ..i18n import _
from .config import Config
from .config_kinds import toml_literal
from .config_schema import SECTIONS, settings_in


def dump(config: Config) -> str:
    # Translators: the first line of `deskbreak config show`, a TOML comment: keep the "#" first.
    lines = [_("# effective config from {source}").format(source=config.source)]
    for section in SECTIONS:
        lines += ["", f"[{section}]"]
        tables: list[str] = []
        for setting in settings_in(section):
            value = setting.get(config)
            if setting.example:  # an array of tables, written after the section's plain keys
                for entry in value if isinstance(value, list) else []:
                    tables += ["", f"[[{setting.key}]]"]
                    tables += [f"{name} = {toml_literal(item)}" for name, item in entry.items()]
            else:
                lines.append(f"{setting.name} = {toml_literal(value)}")
        lines += tables
    return "\n".join(lines) + "\n"
