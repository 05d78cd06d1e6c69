"""The private parts of pystray our trays rely on still exist: an upgrade that moves them fails here.

model.py loads `pystray/_base.py` by path; sni.py implements `_base.Icon`'s backend hooks; xorg.py,
tooltip.py and icon.py reach into the xorg and gtk icons' private attributes. Read from the
installed sources (no display needed: `import pystray` would connect to X).
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

from deskbreak.adapters.tray import xorg
from deskbreak.adapters.tray.model import pystray_base

ROOT = Path(__file__).resolve().parents[3]


def source(module: str) -> ast.Module:
    spec = importlib.util.find_spec("pystray")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / f"{module}.py"
    return ast.parse(path.read_text(encoding="utf-8"))


def icon_class(module: str) -> ast.ClassDef:
    [icon] = [node for node in source(module).body if isinstance(node, ast.ClassDef) and node.name == "Icon"]
    return icon


def methods(cls: ast.ClassDef) -> set[str]:
    return {node.name for node in cls.body if isinstance(node, ast.FunctionDef)}


def self_attributes(cls: ast.ClassDef) -> set[str]:
    """Every `self.<name> = ...` in the class's methods."""
    return {
        target.attr
        for node in ast.walk(cls)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    }


def test_the_installed_pystray_is_in_the_pinned_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [pin] = [Requirement(r) for r in project["dependencies"] if Requirement(r).name == "pystray"]
    assert pin.specifier, "pystray's version range must be pinned: its private hooks change between releases"
    assert "<" in str(pin.specifier), "an upper bound: the next minor release is untested"
    assert importlib.metadata.version("pystray") in pin.specifier


def test_the_menu_model_and_icon_base_load_by_path():
    base = pystray_base()
    assert base.Menu.SEPARATOR is not None and callable(base.MenuItem)
    for flag in ("HAS_DEFAULT_ACTION", "HAS_MENU", "HAS_MENU_RADIO", "HAS_NOTIFICATION"):
        assert hasattr(base.Icon, flag)
    assert isinstance(base.Icon.visible, property)


def test_the_base_icon_has_the_backend_hooks_sni_implements():
    base = icon_class("_base")
    assert {
        "_show",
        "_hide",
        "_update_icon",
        "_update_title",
        "_update_menu",
        "_run",
        "_stop",
        "_mark_ready",
    } <= methods(base)
    assert {"_icon_valid", "_icon"} <= self_attributes(base)


def test_the_xorg_icon_has_what_the_repairs_reach_into():
    icon = icon_class("_xorg")
    assert {
        "_window",
        "_display",
        "_gc",
        "_queue",
        "_message_handlers",
        "_systray_manager",
        "_thread",
    } <= self_attributes(icon)
    assert {"_assert_docked", "_get_systray_manager", "_draw", "_rewrite_implementation"} <= methods(icon)
    # route_calls replaces exactly the methods pystray dispatches to its loop, under pystray's atom
    # names, and calls the original through functools.wraps' __wrapped__.
    [rewrite] = [
        node
        for node in ast.walk(icon)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "_rewrite_implementation"
    ]
    assert tuple(arg.attr for arg in rewrite.args if isinstance(arg, ast.Attribute)) == xorg.DISPATCHED
    text = ast.unparse(icon)
    assert "functools.wraps(original)" in text
    assert re.search(r"'_PYSTRAY_%s' % original\.__name__\.upper\(\)", text)


def test_the_gtk_icon_has_its_status_icon():  # icon.py finds its X window through it
    assert "_status_icon" in self_attributes(icon_class("_gtk"))
