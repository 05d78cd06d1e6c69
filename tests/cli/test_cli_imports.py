"""What a one-shot command loads: a status bar runs `deskbreak status --short` every few seconds, so
it imports the parser and the socket client only, never the config model, the history or a GUI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskbreak.cli import _handler, build_parser
from deskbreak.core.protocol import encode_reply as protocol_line

REPO = Path(__file__).resolve().parents[2]
# Each is heavy or belongs to another command: the history (sqlite3), the config file (tomllib,
# tomlkit), the tray (PIL, pystray, Xlib, gi), the timer (apscheduler and the metadata scan it
# brings: importlib.metadata, email), D-Bus (jeepney), logging.
FORBIDDEN = (
    "sqlite3",
    "tomllib",
    "tomlkit",
    "PIL",
    "pystray",
    "Xlib",
    "gi",
    "apscheduler",
    "importlib.metadata",
    "email",
    "jeepney",
    "logging",
    "asyncio",
    "deskbreak.core.config",
    "deskbreak.store",
    "deskbreak.daemon",
    "deskbreak.adapters",
    "deskbreak.cli.config",
    "deskbreak.cli.doctor",
    "deskbreak.cli.stats",
    "deskbreak.cli.logs",
    "deskbreak.cli.autostart",
)
# Runs the command as the console script does, then lists what it loaded.
PROBE = """
import json, sys
from deskbreak.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
STATUS = {"ok": True, "state": "working", "next_prompt_at": "2026-12-07T10:30:00+01:00", "headline": "x"}


@pytest.fixture
def runtime() -> Iterator[Path]:
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))  # short: AF_UNIX paths are limited
    (top / "deskbreak").mkdir(mode=0o700)
    yield top
    for path in sorted(top.rglob("*"), reverse=True):
        path.unlink() if not path.is_dir() else path.rmdir()
    top.rmdir()


def serve_one_status(path: Path) -> threading.Thread:
    """A daemon's control socket that answers one request with STATUS."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def answer() -> None:
        with server, server.accept()[0] as conn:
            conn.makefile("rb").readline()
            conn.sendall(protocol_line(STATUS))

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    return thread


def loaded_by(argv: list[str], runtime: Path) -> tuple[int, set[str], str]:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True, timeout=60
    )
    report = json.loads(done.stdout.splitlines()[-1])
    return report["code"], set(report["modules"]), done.stdout


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))


def test_status_short_loads_only_the_parser_and_the_socket_client(runtime: Path) -> None:
    answered = serve_one_status(runtime / "deskbreak" / "control.sock")
    code, modules, out = loaded_by(["status", "--short"], runtime)
    answered.join(5)
    assert code == 0
    assert out.splitlines()[0] == "🧘 10:30"
    assert "deskbreak.control_client" in modules
    assert heavy(modules) == []


def test_status_short_with_no_daemon_loads_no_more(runtime: Path) -> None:
    code, modules, out = loaded_by(["status", "--short", "--ascii"], runtime)
    assert code == 3
    assert len(out.splitlines()) == 1  # silent for the status bar: only the probe's report
    assert heavy(modules) == []


def test_other_commands_still_load_their_groups(runtime: Path) -> None:
    """The probe sees heavy modules when a command needs them: it is no test that cannot fail."""
    _, modules, _ = loaded_by(["config", "path"], runtime)
    assert "deskbreak.cli.config" in heavy(modules)


def test_every_command_has_a_handler_and_a_parser_of_its_own_group() -> None:
    whole = build_parser()
    commands = next(a for a in whole._actions if a.dest == "command").choices
    assert commands is not None and {"status", "config", "doctor", "history", "next"} <= set(commands)
    for name in commands:
        assert callable(_handler(name)), name
        alone = next(a for a in build_parser(name)._actions if a.dest == "command").choices
        assert alone is not None and name in alone, name
