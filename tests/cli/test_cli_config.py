"""`deskbreak config set` and `config edit`: comments kept, invalid edits refused, editor run without a shell."""

from __future__ import annotations

import json
import shlex
import sys
import textwrap
from pathlib import Path

import pytest

from deskbreak.adapters import editor
from deskbreak.cli import main
from deskbreak.store import config_file as config_edit

CONFIG = """\
# my deskbreak settings
[schedule]
# fewer prompts on Fridays
interval_minutes = 45  # keep this comment
fri = ["09:00-12:00"]
"""


@pytest.fixture
def conf(tmp_path):
    path = tmp_path / "conf dir" / "config.toml"
    path.parent.mkdir()
    path.write_text(CONFIG)
    return path


def test_set_changes_one_key_and_keeps_comments_and_layout(conf, capsys):
    assert main(["config", "set", "schedule.interval_minutes", "40", "--config", str(conf)]) == 0
    assert conf.read_text() == CONFIG.replace("= 45", "= 40")
    out = capsys.readouterr().out
    assert out.startswith(f"ok: {conf}\n") and "changed: schedule.interval_minutes" in out
    assert "next prompts" in out


def test_set_parses_toml_values_and_falls_back_to_text(conf):
    assert main(["config", "set", "schedule.mon", '["09:00-12:00"]', "--config", str(conf)]) == 0
    assert main(["config", "set", "prompt.sound", "false", "--config", str(conf)]) == 0
    assert main(["config", "set", "schedule.timezone", "Europe/Berlin", "--config", str(conf)]) == 0
    text = conf.read_text()
    assert 'mon = ["09:00-12:00"]' in text and "sound = false" in text
    assert 'timezone = "Europe/Berlin"' in text and text.startswith("# my deskbreak settings\n")


@pytest.mark.parametrize(
    "key, value, message",
    [
        (
            "schedule.interval_minutes",
            "0",
            "schedule.interval_minutes: got 0, expected a whole number from 1 to 480",
        ),
        (
            "schedule.intervall",
            "3",
            'schedule.intervall: got 3, expected a known key (did you mean "interval_minutes"?)',
        ),
        ("schedule.fri.x", "1", "schedule.fri is not a table"),
    ],
)
def test_set_refuses_an_invalid_value_and_leaves_the_file_untouched(conf, capsys, key, value, message):
    before = conf.stat().st_mtime_ns
    assert main(["config", "set", key, value, "--config", str(conf)]) == 2
    assert message in capsys.readouterr().err
    assert conf.read_text() == CONFIG and conf.stat().st_mtime_ns == before


def test_set_on_a_missing_file_starts_from_the_commented_example(tmp_path):
    path = tmp_path / "new" / "config.toml"
    assert main(["config", "set", "goals.daily_stretches", "8", "--config", str(path)]) == 0
    text = path.read_text()
    assert "daily_stretches = 8" in text and "# deskbreak configuration." in text
    assert path.stat().st_mode & 0o777 == 0o600


def test_write_is_atomic_and_keeps_the_mode(conf):
    conf.chmod(0o640)
    config_edit.write_atomically(conf, "x = 1\n")
    assert conf.read_text() == "x = 1\n" and conf.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in conf.parent.iterdir()] == ["config.toml"]


EDITOR_SCRIPT = textwrap.dedent("""\
    import json, sys
    from pathlib import Path
    Path(sys.argv[1]).write_text(json.dumps(sys.argv[2:]))
    target = Path(sys.argv[-1])
    target.write_text(target.read_text().replace("interval_minutes = 45", "interval_minutes = {value}"))
""")


def make_editor(tmp_path, value):
    folder = tmp_path / "my tools; echo pwned"
    folder.mkdir(exist_ok=True)
    script = folder / "edit it.py"
    script.write_text(EDITOR_SCRIPT.format(value=value))
    record = tmp_path / "argv.json"
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {shlex.quote(str(record))}", record


@pytest.fixture
def strange_conf(tmp_path):
    path = tmp_path / "odd dir; rm -rf x" / "my config.toml"
    path.parent.mkdir()
    path.write_text(CONFIG)
    return path


def test_edit_runs_the_editor_without_a_shell_then_reports_the_new_schedule(
    tmp_path, strange_conf, monkeypatch, capsys
):
    editor, record = make_editor(tmp_path, 30)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    assert main(["config", "edit", "--config", str(strange_conf)]) == 0
    assert json.loads(record.read_text()) == [str(strange_conf)]  # one argument, spaces and ; intact
    out = capsys.readouterr().out
    assert out.startswith(f"ok: {strange_conf}\n")
    assert "changed: schedule.interval_minutes" in out and "next prompts" in out
    assert not (tmp_path / "pwned").exists()


def test_edit_reports_invalid_results_and_keeps_the_file(tmp_path, strange_conf, monkeypatch, capsys):
    editor, _ = make_editor(tmp_path, 0)
    monkeypatch.setenv("VISUAL", editor)
    assert main(["config", "edit", "--config", str(strange_conf)]) == 2
    err = capsys.readouterr().err
    assert f"{strange_conf}:4: schedule.interval_minutes: got 0" in err
    assert "interval_minutes = 0" in strange_conf.read_text()


def test_edit_creates_the_config_from_the_example_first(tmp_path, monkeypatch, capsys):
    editor, _record = make_editor(tmp_path, 50)
    monkeypatch.setenv("VISUAL", editor)
    path = tmp_path / "fresh" / "config.toml"
    assert main(["config", "edit", "--config", str(path)]) == 0
    assert "interval_minutes = 50" in path.read_text()
    assert path.parent.stat().st_mode & 0o777 == 0o700 and path.stat().st_mode & 0o777 == 0o600
    assert "created" in capsys.readouterr().out


def test_editor_choice_order_and_the_desktop_fallback():
    path = Path("/c/config.toml")
    env = {"VISUAL": "code --wait", "EDITOR": "vim"}
    assert editor.editor_command(path, env).argv == ("code", "--wait", str(path))
    assert editor.editor_command(path, {"EDITOR": "vim"}).argv == ("vim", str(path))
    linux = editor.editor_command(path, {}, "linux", lambda name: "/usr/bin/xdg-open")
    assert linux.argv == ("xdg-open", str(path)) and not linux.waits
    assert editor.editor_command(path, {}, "darwin").argv[:3] == ("open", "-W", "-t")
    assert editor.editor_command(path, {}, "win32").argv == ("notepad.exe", str(path))
    assert editor.editor_command(path, {}, "linux", lambda name: None) is None
    # The tray has no terminal: $EDITOR (often vim) is skipped for the desktop's opener.
    assert (
        editor.editor_command(path, {"EDITOR": "vim"}, "linux", lambda n: "/x", terminal=False).argv[0]
        == "xdg-open"
    )
