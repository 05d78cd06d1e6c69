"""The console script's entry: the one-shot status forms print what the full CLI prints, byte for
byte and with its exit code, against a real daemon and with none, while loading neither argparse,
json, re, gettext nor the full CLI; every other command line goes to the full CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon_run import EVERY_DAY, DaemonRun, private_env, short_home

from deskbreak import entry
from deskbreak.core import protocol, status_forms

ONE_SHOT = (
    ["status"],
    ["status", "--short"],
    ["status", "--short", "--ascii"],
    ["status", "--ascii", "--short"],
    ["status", "--waybar"],
    ["status", "--waybar", "--ascii"],
    ["status", "--json"],
)
# Runs a command line through the entry as the console script does, then lists what it had loaded.
ENTRY_PROBE = """
import os, sys
from deskbreak.entry import main
try:
    code = main(sys.argv[1:])
finally:  # argparse's own exits (--version, a usage error) too
    loaded = sorted(sys.modules)
    with open(os.environ["LOADED_OUT"], "w") as out:
        out.write("\\n".join(loaded))
sys.exit(code)
"""
REPO = Path(__file__).resolve().parents[1]
FULL_CLI = "import sys; from deskbreak.cli import main; sys.exit(main())"
NEVER_LOADED = (
    "argparse",
    "json",
    "re",
    "gettext",
    "pathlib",
    "dataclasses",
    "platformdirs",
    "deskbreak.cli",
)


@pytest.fixture
def home() -> Iterator[Path]:
    with short_home(f"[schedule]\n{EVERY_DAY}\nmin_minutes_before_end = 0\n") as top:
        yield top


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return private_env(
        os.environ, home, {"DESKBREAK_TRAY": "headless", "DESKBREAK_NOTIFIER": "log"}, unset=("DISPLAY",)
    )


@pytest.fixture
def daemon(env: dict[str, str], home: Path) -> Iterator[DaemonRun]:
    run = DaemonRun(env, home / "daemon.log", verbose=False).start()
    try:
        run.wait_answering()
        yield run
    finally:
        run.cli("quit")
        assert run.proc is not None
        run.proc.wait(10)


def through_entry(
    env: dict[str, str], args: list[str], home: Path, bare: bool = False
) -> tuple[subprocess.CompletedProcess, set[str]]:
    """The entry's run of `args` and the modules it loaded. `bare`: without the site's `.pth` files
    (the test interpreter's import re and pathlib at start-up; an installed command's need not),
    deskbreak from the repo alone."""
    loaded_out = home / "loaded.txt"
    run_env = {**env, "LOADED_OUT": str(loaded_out)}
    if bare:
        run_env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, *(["-S"] if bare else []), "-c", ENTRY_PROBE, *args],
        env=run_env,
        capture_output=True,
        timeout=30,
    )
    return done, set(loaded_out.read_text().splitlines())


def never_loaded_but_loaded(loaded: set[str]) -> list[str]:
    return [name for name in NEVER_LOADED if name in loaded]


def through_full_cli(env: dict[str, str], args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", FULL_CLI, *args], env=env, capture_output=True, timeout=30)


def same_as_full_cli(env: dict[str, str], args: list[str], home: Path, moving: bool = False) -> set[str]:
    """Runs `args` both ways; asserts the same stdout, stderr and exit code; what the entry loaded.
    `moving`: the status moves with the clock (progress), so the entry may run once more when its
    run and the full CLI's straddle a change; a difference twice in a row is no such straddle."""
    fast, loaded = through_entry(env, args, home)
    full = through_full_cli(env, args)
    if moving and (fast.returncode, fast.stdout, fast.stderr) != (full.returncode, full.stdout, full.stderr):
        fast, loaded = through_entry(env, args, home)
    assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr), args
    return loaded


def test_with_a_daemon_each_form_prints_the_full_clis_bytes_without_its_imports(env, home, daemon):
    paused = daemon.cli("pause")  # until resumed: a status that stands still
    assert paused.returncode == 0, paused.stderr
    for args in ONE_SHOT:
        assert "deskbreak.cli" not in same_as_full_cli(env, args, home), args
        done, loaded = through_entry(env, args, home, bare=True)
        assert done.returncode == 0 and done.stdout, args
        assert never_loaded_but_loaded(loaded) == [], args
    assert through_entry(env, ["status", "--short"], home)[0].stdout == b"paused\n"
    resumed = daemon.cli("resume")
    assert resumed.returncode == 0, resumed.stderr
    for args in ONE_SHOT:
        assert "deskbreak.cli" not in same_as_full_cli(env, args, home, moving=True), args
    assert through_entry(env, ["status", "--short", "--ascii"], home)[0].stdout.startswith(b"next ")


def test_the_import_check_can_fail(env, home):
    """The full CLI, run the same bare way, loads what the entry must not."""
    _, loaded = through_entry(env, ["status", "--ascii"], home, bare=True)
    assert {"argparse", "deskbreak.cli"} <= set(never_loaded_but_loaded(loaded))


def test_the_printed_text_is_the_daemons_rendering_of_its_status(env, home, daemon):
    status = daemon.status()
    done, _ = through_entry(env, ["status", "--waybar", "--ascii"], home)
    body = json.loads(done.stdout)
    assert body["class"] == status["state"] and body["text"].startswith("next ")
    assert done.stdout.decode() == status_forms.render(status, "waybar-ascii") + "\n"


def test_with_no_daemon_each_form_exits_as_the_full_cli_does(env, home):
    for args in ONE_SHOT:
        same_as_full_cli(env, args, home)
    silent, loaded = through_entry(env, ["status", "--short"], home, bare=True)
    assert (silent.returncode, silent.stdout, silent.stderr) == (3, b"", b"")
    assert never_loaded_but_loaded(loaded) == [], "a bar polling with no daemon stays light"
    waybar, _ = through_entry(env, ["status", "--waybar"], home)
    assert waybar.returncode == 3 and json.loads(waybar.stdout)["class"] == "not-running"
    plain, _ = through_entry(env, ["status"], home)
    assert plain.returncode == 3 and b"not running" in plain.stderr


def test_other_command_lines_go_to_the_full_cli(env, home):
    for args in (["status", "--ascii"], ["status", "--short", "--json"], ["status", "--short", "--short"]):
        assert "deskbreak.cli" in same_as_full_cli(env, args, home), args
    assert through_entry(env, ["status", "--ascii"], home)[0].returncode == 2
    version, loaded = through_entry(env, ["--version"], home)
    assert version.returncode == 0 and version.stdout.startswith(b"deskbreak ") and "argparse" in loaded


@pytest.mark.parametrize(
    "argv, form",
    [
        (["status"], "text"),
        (["status", "--json"], "json"),
        (["status", "--ascii", "--waybar"], "waybar-ascii"),
        (["status", "--follow", "--short"], None),
        (["status", "--sh"], None),  # argparse's abbreviations are the full CLI's
        (["status", "--short", "--short"], None),
        (["status", "--ascii"], None),
        (["stats"], None),
        ([], None),
    ],
)
def test_only_the_exact_one_shot_forms_are_recognised(argv, form):
    assert entry.one_shot_form(argv) == form


def test_every_recognised_form_is_one_the_daemon_renders_and_the_request_is_the_protocols():
    assert set(entry.ONE_SHOT_FORMS.values()) == set(status_forms.FORMS)
    for form in status_forms.FORMS:
        assert entry.request_line(form) == protocol.encode_request("status", form)


@pytest.mark.parametrize(
    "answer, text",
    [
        (b'{"ok":true,"state":"due","text":"\\ud83e\\uddd8 now"}', "🧘 now"),
        ('{"ok":true,"text":"a\\nb · c"}'.encode(), "a\nb · c"),
        (b'{"ok":true,"state":"due"}', None),  # a daemon that did not render
        (b'{"ok":false,"error":"status takes no argument"}', None),
        (b'{"ok":true,"text":"x"} trailing', None),
        (b'{"ok":true,"text":', None),
        (b"\xff\xfe", None),
        (b"", None),
    ],
)
def test_only_a_rendered_answer_is_printed_here(answer, text):
    assert entry.rendered_text(answer) == text


@pytest.mark.parametrize(
    ("argv", "run"),
    [
        ([], (None, False)),
        (["run"], (None, False)),
        (["-v"], (None, True)),
        (["run", "--verbose", "--config", "a.toml"], ("a.toml", True)),
        (["--config=b.toml"], ("b.toml", False)),
        (["run", "--config", "c.toml", "-v"], ("c.toml", True)),
        (["run", "--help"], None),
        (["run", "-v", "-v"], None),  # the full CLI's to accept or refuse
        (["run", "--config"], None),  # argparse's "expected one argument"
        (["run", "--config", "-v"], None),
        (["run", "--config=", "-v"], None),
        (["run", "--config", "a", "--config", "b"], None),
        (["run", "--conf", "a.toml"], None),  # argparse's abbreviations are the full CLI's
        (["run", "extra"], None),
        (["status"], None),
        (["stats"], None),
    ],
)
def test_only_the_plain_starts_of_the_daemon_skip_the_parser(argv, run):
    assert entry.run_form(argv) == run


# Starts the daemon through the entry with run_daemon replaced by a report of what it was given and
# what the process had loaded by then (the real daemon's start is tested in tests/daemon).
RUN_PROBE = """
import json, sys
import deskbreak.daemon.start as start
def report(path, explicit, verbose=False):
    loaded = [m for m in ("argparse", "deskbreak.cli", "deskbreak.cli.language") if m in sys.modules]
    print(json.dumps([str(path), explicit, verbose, loaded]))
    return 7
start.run_daemon = report
from deskbreak.entry import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("through_parser", [False, True])
def test_the_daemon_starts_without_the_cli_parser_unless_the_line_needs_it(env, home, through_parser):
    config = home / "mine.toml"
    config.write_text('[interface]\nlanguage = "de"\n')
    args = ["run", "--verbose", "--conf" if through_parser else "--config", str(config)]
    done = subprocess.run([sys.executable, "-c", RUN_PROBE, *args], env=env, capture_output=True, timeout=30)
    assert done.returncode == 7, done.stderr
    path, explicit, verbose, loaded = json.loads(done.stdout)
    assert (path, explicit, verbose) == (str(config), True, True)
    assert bool(loaded) is through_parser  # `--conf` is argparse's abbreviation: the full CLI parses it
