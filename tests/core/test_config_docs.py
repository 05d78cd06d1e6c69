"""One schema per key: the example file, the README's table, `config show` and the defaults all
come from `config_schema`, and no config module reaches into another's private names."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from deskbreak.core import config, config_docs, config_schema
from deskbreak.core.config_toml import dump

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "regenerate it with `python -m deskbreak.core.config_docs` and paste the output"


def test_the_example_file_is_the_schema_rendered():
    assert (ROOT / "config.example.toml").read_text("utf-8") == config_docs.example_toml(), REGENERATE


def test_the_readme_table_is_the_schema_rendered():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert config_docs.readme_section(readme) == config_docs.readme_table(), REGENERATE


def test_every_key_of_the_schema_is_in_the_example_and_the_readme():
    example = config_docs.example_toml()
    table = config_docs.readme_table()
    for setting in config_schema.SETTINGS:
        assert f"`{setting.key}`" in table or f"`[[{setting.key}]]`" in table
        assert f"{setting.name} = " in example or f"# [[{setting.key}]]" in example


def test_every_config_field_has_a_schema_entry_and_its_default():
    fields = {
        (section, f.name)
        for section in config_schema.SECTIONS
        for f in dataclasses.fields(getattr(config.Config(), section))
    }
    assert fields == {(s.section, s.field) for s in config_schema.SETTINGS}
    for setting in config_schema.SETTINGS:
        assert setting.get(config.defaults()) == setting.kind.to_toml(setting.value())


def test_the_example_file_parses_to_the_defaults():
    parsed = config.loads(config_docs.example_toml(), "example")
    assert dataclasses.replace(parsed, source="<defaults>") == config.defaults()


def test_config_show_writes_every_key_and_reads_back_the_same_config():
    text = """
[schedule]
interval_minutes = 30
timezone = "Europe/Berlin"
sat = ["10:00-11:00"]
days_off = ["2026-12-24"]
[stretches]
postures = ["floor"]
focus = ["neck"]
level = "regular"
[[stretches.custom]]
id = "doorway-chest"
name = "Doorway chest opener"
posture = "standing"
areas = ["chest"]
steps = ["Stand in a doorway.", "Rest your right forearm on the frame.", "Step forward gently."]
hold_seconds = 20
reps = 2
per_side = true
caution = "Keep the shoulder low."
caution_short = "Keep it low."
[calendar]
ics = ["~/cal/work.ics"]
"""
    original = config.loads(text, "cfg.toml")
    shown = dump(original)
    for setting in config_schema.SETTINGS:
        assert f"\n{setting.name} = " in shown or f"[[{setting.key}]]" in shown
    assert config.loads(shown, "cfg.toml") == original


def test_a_default_that_breaks_its_own_kind_is_caught():
    broken = dataclasses.replace(config_schema.SETTINGS[0], default=0)
    with pytest.raises(ValueError, match=r"bad default for schedule\.interval_minutes: 0"):
        broken.value()


CONFIG_MODULES = [
    *sorted((ROOT / "deskbreak" / "core").glob("config*.py")),
    ROOT / "deskbreak" / "store" / "config_file.py",
    ROOT / "deskbreak" / "cli" / "config.py",
    ROOT / "deskbreak" / "adapters" / "calendar.py",
]


# gettext's `_` (deskbreak/i18n.py) is its public API by convention, not a private name.
GETTEXT_NAMES = ("_",)


@pytest.mark.parametrize("path", CONFIG_MODULES, ids=lambda p: p.name)
def test_no_config_module_imports_another_modules_private_names(path):
    private = [
        (alias.name, node.lineno)
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("deskbreak"))
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__") and alias.name not in GETTEXT_NAMES
    ]
    assert private == []
