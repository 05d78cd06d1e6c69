"""The folders keep their promises: the core is pure, and each layer imports only what it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "deskbreak"
# The core may use these standard modules and nothing that reads a clock, a file, a socket or a GUI.
CORE_STDLIB = {
    "__future__",
    "collections",  # collections.abc: the abstract types for annotations (no I/O)
    "csv",
    "dataclasses",
    "datetime",
    "difflib",
    "enum",
    "io",
    "itertools",
    "json",
    "math",
    "random",
    "re",
    "tomllib",
    "typing",
    "zoneinfo",
}
# Which top-level parts of deskbreak each folder may import: cli -> daemon -> adapters -> store ->
# core -> ports/paths. The socket's client is neutral: the CLI, the daemon and the windows' processes
# (adapters) all speak through it, and it knows only the core's protocol.
# The process's language (i18n) is neutral too: every layer shows texts.
BELOW_ADAPTERS = {"core", "store", "ports", "paths", "assets", "control_client", "i18n"}
MAY_IMPORT = {
    "core": {"core", "ports", "i18n"},
    "store": {"core", "store", "ports", "paths", "assets", "i18n"},
    "adapters": BELOW_ADAPTERS | {"adapters"},
    "daemon": BELOW_ADAPTERS | {"adapters", "daemon"},
    "cli": BELOW_ADAPTERS | {"adapters", "daemon", "cli"},
}
# The runtime folder's rule stands alone (a status bar's one-shot command reads it first); the
# console script's entry serves that command with it and hands everything else to the CLI.
TOP_MAY_IMPORT = {
    "control_client.py": {"core", "paths", "i18n"},
    "runtime.py": set(),
    # ...and starts the daemon from its plain command lines without the CLI's parser (daemon.start).
    "entry.py": {"runtime", "paths", "cli", "daemon"},
    "i18n.py": set(),
}
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "sleep"}


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def imported(path: Path) -> list[tuple[str, int]]:
    """(absolute module, line) for every import in `path`, relative ones resolved."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = parts[:-1]  # a module's package, and an __init__'s own folder, are both its parent
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.append((".".join(base + ([node.module] if node.module else [])), node.lineno))
            else:
                found.append((node.module or "", node.lineno))
    return found


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_the_core_imports_no_clock_thread_socket_file_or_gui(path):
    outside = [
        (name, line)
        for name, line in imported(path)
        if not name.startswith("deskbreak") and name.split(".")[0] not in CORE_STDLIB
    ]
    assert outside == []


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_the_core_never_reads_the_clock(path):
    calls = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_CALLS
        and isinstance(node.func.value, (ast.Name, ast.Attribute))
        and getattr(node.func.value, "id", getattr(node.func.value, "attr", ""))
        in {"datetime", "date", "time"}
    ]
    assert calls == []


@pytest.mark.parametrize("folder", sorted(MAY_IMPORT))
def test_each_layer_imports_only_what_it_may(folder):
    wrong = []
    for path in modules(folder):
        for name, line in imported(path):
            if name.startswith("deskbreak.") and name.split(".")[1] not in MAY_IMPORT[folder]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    assert wrong == []


@pytest.mark.parametrize("module", sorted(TOP_MAY_IMPORT))
def test_the_socket_client_imports_only_the_core(module):
    path = PACKAGE / module
    wrong = [
        f"{module}:{line} imports {name}"
        for name, line in imported(path)
        if name.startswith("deskbreak.") and name.split(".")[1] not in TOP_MAY_IMPORT[module]
    ]
    assert wrong == []


def test_only_the_ports_paths_assets_i18n_the_entry_and_the_socket_client_sit_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == [
        "__init__.py",
        "__main__.py",
        "assets.py",
        "control_client.py",
        "entry.py",
        "i18n.py",
        "i18n_tools.py",
        "paths.py",
        "ports.py",
        "runtime.py",
    ]
