"""`deskbreak config set` and `config edit`: comments kept, invalid edits refused, editor run without a shell."""

from __future__ import annotations

import json
import os
import resource
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from deskbreak.adapters import editor
from deskbreak.cli import main
from deskbreak.core import config
from deskbreak.core.config_toml import dump
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


# --- config check: no file, and files that once hung or gave a traceback


@pytest.fixture
def no_config(tmp_path, monkeypatch):
    """A home whose config folder holds no config file."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("DESKBREAK_CONFIG", raising=False)
    return tmp_path / "xdg" / "deskbreak" / "config.toml"


def test_check_with_no_config_file_says_the_defaults_apply(no_config, capsys):
    assert main(["config", "check"]) == 0
    assert capsys.readouterr().out == f"ok: no config file at {no_config}: the built-in defaults apply\n"


def test_check_of_a_named_file_that_is_missing_is_still_an_error(tmp_path, capsys):
    assert main(["config", "check", str(tmp_path / "nope.toml")]) == 2
    assert "file: got nothing, expected a config file" in capsys.readouterr().err


def test_check_of_a_good_file_and_of_a_bad_one(conf, capsys):
    assert main(["config", "check", str(conf)]) == 0
    assert capsys.readouterr().out == f"ok: {conf}\n"
    conf.write_text('[schedule]\ntimezone = "Europe"\n')
    assert main(["config", "check", str(conf)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_set_of_a_region_as_the_zone_says_what_is_wrong_with_the_value(conf, capsys):
    assert main(["config", "set", "schedule.timezone", "Europe", "--config", str(conf)]) == 2
    assert capsys.readouterr().err == (
        f'{conf}:6: schedule.timezone: got "Europe", expected a zone inside the region "Europe", '
        'such as "Europe/<City>"\n'
    )
    assert conf.read_text() == CONFIG


DEEP = "[schedule]\nmon = " + "[" * 3000 + "]" * 3000 + "\n"


@pytest.mark.parametrize(
    "command", [["config", "check"], ["config", "show", "--config"], ["next", "--config"]]
)
def test_a_deeply_nested_config_is_one_line_in_every_command(tmp_path, capsys, command):
    path = tmp_path / "c.toml"
    path.write_text(DEEP)
    assert main([*command, str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"{path}:2: not valid TOML: schedule.mon: got lists or tables nested more than 16 levels deep, "
        "expected at most 16 levels of nested lists and tables\n"
    )


def _deskbreak(tmp_path, *args, timeout=60):
    """The real command in a child process: a hang ends in a timeout, and memory is capped so a
    read without bound fails instead of eating the machine."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_STATE_HOME": str(tmp_path / "state")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-m", "deskbreak", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        preexec_fn=cap_memory,
    )


def test_run_with_a_deeply_nested_config_exits_2_with_one_line(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(DEEP)
    done = _deskbreak(tmp_path, "run", "--config", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.endswith("expected at most 16 levels of nested lists and tables\n")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
@pytest.mark.parametrize(
    "command", [["config", "check"], ["config", "set", "goals.daily_stretches", "8", "--config"]]
)
def test_a_path_that_is_not_a_regular_file_is_refused_at_once(tmp_path, special, command):
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "config.toml"
        os.mkfifo(path)
    done = _deskbreak(tmp_path, *command, str(path), timeout=30)
    kind = "a named pipe (FIFO)" if special == "fifo" else "a character device"
    assert done.returncode == 2
    assert done.stderr == f"{path}: file: got {kind}, expected a regular file of at most 1 MiB\n"


def test_check_refuses_a_calendar_file_that_is_a_device(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text('[calendar]\nics = ["/dev/zero"]\n')
    assert main(["config", "check", str(path)]) == 2
    assert capsys.readouterr().err == (
        f'{path}:2: calendar.ics[0]: got "/dev/zero", expected a regular .ics file of at most 16 MiB '
        "(this is a character device)\n"
    )


def test_show_prints_the_effective_config_from_the_schema(conf, no_config, capsys):
    assert main(["config", "show", "--config", str(conf)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"# effective config from {conf}\n") and 'fri = ["09:00-12:00"]' in shown
    assert main(["config", "show"]) == 0  # no file: the defaults
    assert capsys.readouterr().out == dump(config.defaults())


def test_path_says_when_the_defaults_apply(no_config, capsys):
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out == f"{no_config} (not created yet: built-in defaults apply)\n"


@pytest.mark.parametrize("how", ["set", "edit"])
def test_a_change_during_a_snooze_prints_the_times_the_running_daemon_plans(tmp_path, how):
    """A prediction for a daemon started now knows nothing of the snooze; the daemon does."""
    from datetime import UTC, datetime

    from daemon_run import running_daemon

    from deskbreak.cli.planned import predicted_lines
    from deskbreak.core import config_change

    every_day = "\n".join(f'{day} = ["00:00-24:00"]' for day in config.WEEKDAYS)
    path = tmp_path / "cfg" / "deskbreak" / "config.toml"
    path.parent.mkdir(parents=True)
    text = f'[schedule]\ntimezone = "UTC"\ninterval_minutes = 45\nmin_minutes_before_end = 0\n{every_day}\n'
    path.write_text(text)
    session = ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "VISUAL")
    quiet = {"DESKBREAK_NOTIFIER": "log", "DESKBREAK_TRAY": "headless", "DESKBREAK_IDLE_PROBE": "none"}
    quiet["EDITOR"] = make_editor(tmp_path, 30)[0]
    with running_daemon(os.environ, tmp_path, quiet, unset=session) as daemon:

        def planned() -> list[datetime]:
            done = daemon.cli("next", "-n", "3", "--json")
            assert done.returncode == 0, done.stderr
            return [datetime.fromisoformat(line["at"]) for line in json.loads(done.stdout)]

        assert daemon.cli("now").returncode == 0
        assert daemon.cli("snooze", "10").returncode == 0
        before = planned()
        change = ("set", "schedule.interval_minutes", "30") if how == "set" else ("edit",)
        done = daemon.cli("config", *change)
        after = planned()
    assert done.returncode == 0, done.stderr
    now = datetime.now(UTC)
    line = f"next prompts: {config_change.times_text(before, UTC, now)} → {config_change.times_text(after, UTC, now)}"
    assert done.stdout.splitlines()[1:] == ["changed: schedule.interval_minutes", line]
    assert after[0] == before[0]  # the snooze still ends when it was meant to
    old, new = config.loads(text, str(path)), config.loads(path.read_text(), str(path))
    assert "interval_minutes = 30" in path.read_text()
    assert predicted_lines(old, new, now)[1] != line  # what the prediction would have said


def test_a_change_from_an_invalid_config_predicts_the_new_times_only(tmp_path):
    from datetime import UTC, datetime

    from deskbreak.cli.planned import predicted_lines

    (line,) = predicted_lines(None, config.defaults(), datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    assert line.startswith("next prompts: (invalid before) → ")
