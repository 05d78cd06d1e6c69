"""The example config file and the README's table of keys, rendered from the schema.

`tests/core/test_config_docs.py` compares both files with these renderings; after changing the
schema, write them again with `python -m deskbreak.core.config_docs` (it prints what to paste).
"""

from __future__ import annotations

from .config_kinds import Whole, toml_literal
from .config_schema import CONFIG_MAX_BYTES, ICS_MAX_BYTES, SECTIONS, SETTINGS, Setting, settings_in

WIDTH = 100

EXAMPLE_HEADER = """\
# deskbreak configuration.
#
# Copy this file to the path printed by `deskbreak config path` (or run `deskbreak config edit`).
# Every key is optional: a missing key keeps the default shown here. Check a file with
# `deskbreak config check PATH`; the running daemon picks up changes by itself.
"""

README_START = "<!-- config table: rendered from deskbreak/core/config_schema.py -->"
README_END = "<!-- end of config table -->"


def _comment(text: str) -> list[str]:
    """`text` as "# " comment lines of at most WIDTH characters, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= WIDTH:
            lines[-1] += " " + word
        else:
            lines.append("# " + word)
    return lines


def _help(setting: Setting) -> str:
    if not setting.help or not isinstance(setting.kind, Whole):
        return setting.help
    return f"{setting.help} Range: {setting.kind.low}..{setting.kind.high}."


def example_toml() -> str:
    """config.example.toml: every key with its default and what it does."""
    lines = [EXAMPLE_HEADER.rstrip("\n")]
    for section in SECTIONS:
        lines += ["", f"[{section}]"]
        for setting in settings_in(section):
            if setting.example:
                lines += ["", *_comment(_help(setting))]
                lines += [f"# {line}".rstrip() for line in setting.example.splitlines()]
                continue
            lines += _comment(_help(setting))
            lines.append(f"{setting.name} = {toml_literal(setting.default)}")
    return "\n".join(lines) + "\n"


def _key_cell(setting: Setting) -> str:
    return f"`[[{setting.key}]]`" if setting.example else f"`{setting.key}`"


def readme_table() -> str:
    """The README's table: one row per key (keys with the same meaning and default share one)."""
    rows: list[tuple[list[Setting], str, str, str]] = []
    for setting in SETTINGS:
        default = f"`{toml_literal(setting.default)}`"
        accepted, meaning = setting.kind.expected, setting.summary
        if rows and rows[-1][1:] == (default, accepted, meaning):
            rows[-1][0].append(setting)
        else:
            rows.append(([setting], default, accepted, meaning))
    lines = [
        README_START,
        "",
        f"The config is read only from a regular UTF-8 file of at most {CONFIG_MAX_BYTES >> 20} MiB (a "
        "byte-order mark at its start is fine): a pipe, a device or a folder is refused in one line, "
        "never waited on. `config check` also checks that each `calendar.ics` entry is a regular file "
        f"of at most {ICS_MAX_BYTES >> 20} MiB; the daemon skips any other .ics file, and logs why.",
        "",
        "| key | default | accepted | meaning |",
        "|---|---|---|---|",
    ]
    for settings, default, accepted, meaning in rows:
        keys = " / ".join(_key_cell(s) for s in settings)
        lines.append(f"| {keys} | {default} | {accepted} | {meaning} |")
    return "\n".join([*lines, "", README_END]) + "\n"


def readme_section(readme: str) -> str:
    """The part of the README between the table's markers, markers included ("" when absent)."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        return ""
    return readme[start : end + len(README_END)] + "\n"


if __name__ == "__main__":
    print(example_toml(), end="")
    print("\n# ---- README table ----\n")
    print(readme_table(), end="")
