"""One command table: every command reached by one name from the CLI, the socket, the tray, the
notification buttons and the windows; one handler each; refusals in one line; pause specs parsed
in one place."""

from __future__ import annotations

import ast
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskbreak import ports
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.cli import build_parser, main
from deskbreak.cli.control import request_of
from deskbreak.control_client import ControlClient
from deskbreak.core import commands
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.core.commands import COMMANDS
from deskbreak.daemon.commands import HANDLERS, pause_until
from deskbreak.daemon.remote import serve
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.store import config_file as config_file_store

BERLIN = ZoneInfo("Europe/Berlin")
WINDOWS = Path(__file__).resolve().parents[2] / "deskbreak" / "adapters" / "window"
# A sample argument for the commands that take one, as each surface sends it.
SAMPLE_CLI = {"snooze": ["5"], "pause": ["30m"]}
SAMPLE_WIRE = {"snooze": 5, "pause": "30m", "done": 20, "next": 3}


def stretch(sid: str) -> Stretch:
    return Stretch(
        sid, sid.title(), "seated", ("lower_back",), ("Sit tall.", "Turn."), 20, 2, False, "Stop.", "test"
    )


@pytest.fixture
def rig(tmp_path, monkeypatch):
    import deskbreak.adapters.editor as editor

    monkeypatch.setenv("VISUAL", "my-editor")
    monkeypatch.setattr(editor.subprocess, "Popen", lambda argv, **kw: None)
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))  # short: AF_UNIX paths are limited
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))  # a Monday morning
    config_file = tmp_path / "config.toml"
    config_file.write_text('[schedule]\ntimezone = "Europe/Berlin"\n')
    daemon = Daemon(
        config_file_store.load(config_file),
        Catalog((stretch("twist"), stretch("bend"))),
        Ports(notifier=FakeNotifier(), tray=HeadlessTray(), clock=clock),
        seed=1,
    )
    daemon.config_path = config_file
    server = serve(daemon, top / "control.sock")
    yield daemon, clock, ControlClient(server.path)
    server.stop()
    shutil.rmtree(top, ignore_errors=True)


def test_one_handler_for_each_command_of_the_table():
    assert set(HANDLERS) == set(COMMANDS)


def test_the_cli_offers_each_of_its_commands_by_the_same_name():
    parser = build_parser()
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands.reached_from("cli"):
        args = parser.parse_args([name, *SAMPLE_CLI.get(name, [])])
        assert request_of(args)[0] == name
    assert set(commands.reached_from("cli")) <= set(subcommands)
    assert request_of(parser.parse_args(["now", "--window"])) == ("show", None)  # the older spelling
    assert request_of(parser.parse_args(["pause", "until", "14:30"])) == ("pause", "until 14:30")
    assert request_of(parser.parse_args(["snooze", "5"])) == ("snooze", 5)


def test_the_socket_accepts_every_command_by_its_name(rig):
    daemon, _clock, client = rig
    for name in [n for n in COMMANDS if n != "quit"] + ["quit"]:
        reply = client.request(name, SAMPLE_WIRE.get(name))
        # Its handler ran: a status, the upcoming prompts, or quitting (a refusal may say why, e.g.
        # "no prompt to snooze", and still carries the status).
        expected = {"next": "upcoming", "events": "schema"}.get(name, "state")  # events: its stream's schema
        ran = reply["ok"] if name == "quit" else expected in reply
        assert ran, (name, reply)
    assert daemon.stopped.wait(5)


def test_the_tray_menu_sends_the_tables_names_with_good_arguments():
    from deskbreak.adapters.tray.icon import STARTING, PystrayTray

    sent: list[tuple[str, object]] = []
    tray = object.__new__(PystrayTray)
    tray.view, tray.has_menu = STARTING, True
    tray._on_command = lambda name, arg: sent.append((name, arg))

    def click_all(menu) -> None:
        for item in menu.items:
            if item.submenu:
                click_all(item.submenu)
            elif item.enabled is not None and item._action is not None:
                item(None)

    click_all(tray._menu())
    for name, arg in sent:
        commands.check(name, arg)
    menu_names = {name for name, _arg in sent}
    assert menu_names == set(commands.reached_from("tray")) - {"status"}  # status: the actions window


def test_the_notification_buttons_are_commands_of_the_table():
    buttons = {ports.DONE, ports.SNOOZE, ports.SKIP, ports.SHOW}
    assert buttons == set(commands.reached_from("notification"))


def _names_sent_by(path: Path, rows: bool = False) -> set[str]:
    """The command names a window's source sends: `send("x")`, `request("x")` and the actions
    window's button rows `(label, "x", arg, key)`."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "send",
            "request",
        ):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
            elif isinstance(first, ast.IfExp):  # "resume" if paused else "pause"
                names |= {
                    branch.value for branch in (first.body, first.orelse) if isinstance(branch, ast.Constant)
                }
        if rows and isinstance(node, ast.Tuple) and len(node.elts) == 4:
            label, name = node.elts[:2]
            if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in (label, name)):
                names.add(name.value)
    return names


def test_the_windows_send_only_the_tables_names():
    guided = _names_sent_by(WINDOWS / "guided.py")
    actions = _names_sent_by(WINDOWS / "actions.py", rows=True)
    assert guided and guided <= set(commands.reached_from("window"))
    assert actions and actions <= set(commands.reached_from("tray"))


def test_an_unknown_command_or_a_bad_argument_is_one_line_from_every_surface(rig, capsys):
    daemon, _clock, client = rig
    assert daemon.command("fly") == {"ok": False, "error": "unknown command 'fly'"}  # the tray's path
    assert client.request("fly") == {"ok": False, "error": "unknown command 'fly'"}  # the socket
    bad = "snooze minutes must be a whole number from 1 to 240, got 0"
    assert daemon.command("snooze", 0) == {"ok": False, "error": bad}
    assert client.request("snooze", 0) == {"ok": False, "error": bad}
    assert main(["snooze", "0"]) == 2  # the CLI refuses before it looks for a daemon
    assert capsys.readouterr().err == f"deskbreak: {bad}\n"
    assert main(["pause", "soon"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize(
    "spec", ["30m", "2h", "90", "1h30m", "until 16:30", "until 8:00", "tomorrow", "forever"]
)
def test_pause_specs_parse_identically_everywhere(rig, spec):
    daemon, clock, client = rig
    expected = pause_until(spec, clock.now, daemon.plan)
    written = expected.isoformat(timespec="seconds") if expected else None
    cli_name, cli_arg = request_of(build_parser().parse_args(["pause", *spec.split()]))
    assert (cli_name, cli_arg) == ("pause", spec)  # the CLI sends the spec as typed
    assert daemon.command("pause", spec)["paused_until"] == written  # the tray's path
    daemon.command("resume")
    assert client.request("pause", cli_arg)["paused_until"] == written  # the socket (and so the CLI)
    daemon.command("resume")
    if spec == "forever":
        assert daemon.command("pause")["paused_until"] is None  # no spec: until resumed


def test_status_derives_the_next_prompt_once(rig, monkeypatch):
    """The outlook is computed once per event: a status poll walks the work windows once."""
    import deskbreak.core.outlook as outlook_module
    import deskbreak.core.schedule as schedule_module
    import deskbreak.core.state as state_module
    from deskbreak.core import workhours

    calls = []

    def counted(anchor, plan):
        calls.append(anchor)
        return workhours.next_prompt_at(anchor, plan)

    monkeypatch.setattr(outlook_module, "next_prompt_at", counted)
    monkeypatch.setattr(state_module, "next_prompt_at", counted)
    monkeypatch.setattr(schedule_module, "next_prompt_at", counted)
    _daemon, _clock, client = rig
    assert client.request("status")["next_prompt_at"] == "2026-11-23T09:45:00+01:00"
    assert len(calls) == 1  # the reply, the tray and the timer read one outlook
    calls.clear()
    _daemon.status()
    assert len(calls) == 1
