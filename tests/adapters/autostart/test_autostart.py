"""Autostart per platform against a temporary home and faked OS calls."""

from __future__ import annotations

import argparse
import plistlib
import subprocess

import pytest

from deskbreak.adapters import autostart
from deskbreak.adapters.autostart.macos import LaunchAgent
from deskbreak.adapters.autostart.systemd import SystemdUnit, systemd_quote
from deskbreak.adapters.autostart.windows import RunKey, WinRegRun, command_line
from deskbreak.adapters.autostart.xdg import XdgAutostart, exec_quote, exec_value
from deskbreak.cli import autostart as cli_autostart

ARGV = ["/home/me/My Apps/bin/deskbreak", "run"]


def args(action, systemd=False):
    return argparse.Namespace(action=action, systemd=systemd, json=False)


def unquote_exec(value: str) -> list[str]:
    """Undo the Desktop Entry string escape, then split like the spec's quoting rules (a shell subset)."""
    value = value.replace("\\\\", "\\")
    words, word, quoted, i = [], None, False, 0
    while i < len(value):
        c = value[i]
        if quoted and c == "\\":
            word, i = word + value[i + 1], i + 2
            continue
        if c == '"':
            quoted, word = not quoted, word or ""
        elif c == " " and not quoted:
            if word is not None:
                words.append(word)
            word = None
        else:
            word = (word or "") + c
        i += 1
    if word is not None:
        words.append(word)
    return [w.replace("%%", "%") for w in words]


# --- XDG ---


def test_xdg_entry_quotes_paths_with_spaces_and_specials(tmp_path):
    xdg = XdgAutostart(tmp_path / ".config")
    assert xdg.enable(ARGV).startswith("enabled")
    text = xdg.path.read_text()
    assert 'Exec="/home/me/My Apps/bin/deskbreak" run\n' in text
    assert "X-GNOME-Autostart-enabled=true" in text and "X-Deskbreak-Managed=true" in text
    tricky = ['/opt/a "b" $c/back\\slash/100%/deskbreak', "run"]
    assert unquote_exec(exec_value(tricky)) == tricky
    assert exec_quote("plain") == "plain"


def test_xdg_enable_twice_is_harmless_and_disable_removes_it(tmp_path):
    xdg = XdgAutostart(tmp_path / ".config")
    xdg.enable(ARGV)
    first = xdg.path.read_text()
    xdg.enable(ARGV)
    assert xdg.path.read_text() == first and xdg.status().enabled and xdg.status().managed
    assert xdg.disable().startswith("disabled")
    assert not xdg.path.exists() and not xdg.status().enabled
    assert xdg.disable().startswith("not enabled")


def test_xdg_leaves_a_foreign_file_alone(tmp_path):
    xdg = XdgAutostart(tmp_path / ".config")
    xdg.path.parent.mkdir(parents=True)
    xdg.path.write_text("[Desktop Entry]\nExec=my-own-wrapper\n")
    assert xdg.disable().startswith("left alone")
    assert xdg.path.read_text() == "[Desktop Entry]\nExec=my-own-wrapper\n"
    with pytest.raises(autostart.AutostartError):
        xdg.enable(ARGV)
    assert not xdg.status().managed


def test_xdg_config_home_is_honoured(tmp_path):
    found = autostart.backends("linux", {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}, tmp_path / "home")
    assert found["xdg"].path == tmp_path / "cfg" / "autostart" / "deskbreak.desktop"
    default = autostart.backends("linux", {}, tmp_path / "home")
    assert default["xdg"].path == tmp_path / "home" / ".config" / "autostart" / "deskbreak.desktop"


# --- systemd ---


class FakeSystemctl:
    def __init__(self):
        self.calls: list[list[str]] = []
        self.enabled = False

    def __call__(self, argv):
        self.calls.append(list(argv))
        verb = argv[2]
        if verb == "enable":
            self.enabled = True
        elif verb == "disable":
            self.enabled = False
        elif verb == "is-enabled":
            return (0, "enabled") if self.enabled else (1, "disabled")
        return 0, ""


def test_systemd_unit_is_bound_to_the_graphical_session(tmp_path):
    fake = FakeSystemctl()
    unit = SystemdUnit(tmp_path / ".config", run=fake, which=lambda name: "/usr/bin/systemctl")
    unit.enable(ARGV)
    text = unit.path.read_text()
    for line in (
        "PartOf=graphical-session.target",
        "After=graphical-session.target",
        "WantedBy=graphical-session.target",
        "Restart=on-failure",
        'ExecStart="/home/me/My Apps/bin/deskbreak" run',
    ):
        assert line in text.splitlines()
    assert unit.path == tmp_path / ".config" / "systemd" / "user" / "deskbreak.service"
    assert ["systemctl", "--user", "enable", "deskbreak.service"] in fake.calls
    assert unit.status().enabled
    unit.enable(ARGV)
    assert unit.path.read_text() == text
    assert unit.disable().startswith("disabled") and not unit.path.exists()
    assert ["systemctl", "--user", "disable", "deskbreak.service"] in fake.calls and not unit.status().enabled


def test_systemd_without_systemctl_writes_the_unit_and_says_what_to_run(tmp_path):
    unit = SystemdUnit(
        tmp_path / ".config", run=lambda argv: pytest.fail("ran systemctl"), which=lambda n: None
    )
    assert "systemctl --user enable" in unit.enable(ARGV)
    assert unit.path.exists()


def test_systemd_leaves_a_foreign_unit_alone(tmp_path):
    unit = SystemdUnit(tmp_path / ".config", run=FakeSystemctl(), which=lambda n: None)
    unit.path.parent.mkdir(parents=True)
    unit.path.write_text("[Service]\nExecStart=/bin/true\n")
    assert unit.disable().startswith("left alone") and unit.path.exists()


def test_systemd_quoting():
    assert systemd_quote("/usr/bin/deskbreak") == "/usr/bin/deskbreak"
    assert systemd_quote("/a b/100%/$HOME") == '"/a b/100%%/$$HOME"'


def test_enabling_systemd_removes_our_xdg_entry_so_only_one_daemon_starts(tmp_path, capsys):
    fake = FakeSystemctl()
    made = {"xdg": XdgAutostart(tmp_path), "systemd": SystemdUnit(tmp_path, run=fake, which=lambda n: "x")}
    assert cli_autostart.cmd_autostart(args("enable"), "linux", made=made) == 0
    assert made["xdg"].path.exists()
    assert cli_autostart.cmd_autostart(args("enable", systemd=True), "linux", made=made) == 0
    assert not made["xdg"].path.exists() and made["systemd"].path.exists()
    assert cli_autostart.cmd_autostart(args("status"), "linux", made=made) == 0
    assert "✓ systemd: enabled" in capsys.readouterr().out
    assert cli_autostart.cmd_autostart(args("disable"), "linux", made=made) == 0
    assert not made["systemd"].path.exists()


# --- macOS ---


def test_launch_agent_plist(tmp_path):
    agent = LaunchAgent(tmp_path)
    agent.enable(ARGV)
    agent.enable(ARGV)
    plist = plistlib.loads(agent.path.read_bytes())
    assert agent.path.parent == tmp_path / "Library" / "LaunchAgents"
    assert plist["ProgramArguments"] == ARGV and plist["RunAtLoad"] is True
    assert plist["KeepAlive"] == {"SuccessfulExit": False}
    assert agent.status().enabled
    assert agent.disable().startswith("disabled") and not agent.path.exists()


def test_launch_agent_leaves_a_foreign_plist_alone(tmp_path):
    agent = LaunchAgent(tmp_path)
    agent.path.parent.mkdir(parents=True)
    agent.path.write_bytes(plistlib.dumps({"Label": "io.github.deskbreak"}))
    assert agent.disable().startswith("left alone") and agent.path.exists()
    with pytest.raises(autostart.AutostartError):
        agent.enable(ARGV)


def test_launch_agent_treats_a_plist_that_is_not_a_dict_as_foreign(tmp_path):
    agent = LaunchAgent(tmp_path)
    agent.path.parent.mkdir(parents=True)
    agent.path.write_bytes(plistlib.dumps(["an", "array", "is", "a", "valid", "plist"]))
    status = agent.status()
    assert not status.managed and "did not write" in status.detail
    assert agent.disable().startswith("left alone") and agent.path.exists()
    with pytest.raises(autostart.AutostartError):
        agent.enable(ARGV)


# --- Windows ---


class FakeRegistry:
    def __init__(self, values=None):
        self.values = dict(values or {})

    def get(self, name):
        return self.values.get(name)

    def set(self, name, value):
        self.values[name] = value

    def delete(self, name):
        del self.values[name]


def test_run_key_quotes_the_command_line():
    registry = FakeRegistry()
    key = RunKey(registry)
    argv = [r"C:\Program Files\Python311\pythonw.exe", "-m", "deskbreak", "run"]
    key.enable(argv)
    key.enable(argv)
    assert registry.values == {"deskbreak": r'"C:\Program Files\Python311\pythonw.exe" -m deskbreak run'}
    assert key.status().enabled
    assert key.disable().startswith("disabled") and registry.values == {}
    assert command_line(["a b", 'c"d']) == '"a b" c\\"d'


def test_the_real_registry_off_windows_is_one_clear_error(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    with pytest.raises(autostart.AutostartError, match="only on Windows"):
        WinRegRun().get("deskbreak")


def test_run_key_leaves_a_foreign_value_alone():
    registry = FakeRegistry({"deskbreak": r"C:\other\thing.exe"})
    key = RunKey(registry)
    assert key.disable().startswith("left alone") and registry.values
    with pytest.raises(autostart.AutostartError):
        key.enable(["x"])


# --- the command to run ---


def test_launch_argv_prefers_this_installations_script(tmp_path):
    bindir = tmp_path / "venv bin"
    bindir.mkdir()
    script = bindir / "deskbreak"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    python = bindir / "python"
    assert autostart.launch_argv("linux", lambda n: None, "", str(python)) == [str(script), "run"]
    script.unlink()
    assert autostart.launch_argv("linux", lambda n: None, "", str(python)) == [
        str(python),
        "-m",
        "deskbreak",
        "run",
    ]
    assert autostart.launch_argv("win32", lambda n: None, "", str(python))[1:] == ["-m", "deskbreak", "run"]


def test_the_written_exec_line_starts_the_right_program(tmp_path):
    """Round trip through a real shell-like split: the Exec line names our script as one argument."""
    xdg = XdgAutostart(tmp_path)
    xdg.enable(ARGV)
    line = next(row for row in xdg.path.read_text().splitlines() if row.startswith("Exec="))
    assert unquote_exec(line[len("Exec=") :]) == ARGV
    assert subprocess.list2cmdline(ARGV)  # Windows form exists for the same argv
