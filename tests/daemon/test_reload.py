"""Daemon.reload: a good edit applies and re-plans; a bad one keeps the last good config and says why."""

from __future__ import annotations

from datetime import datetime

import pytest
from test_daemon import BERLIN, CATALOG

from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.daemon.service import Daemon, Ports
from deskbreak.store import config_file as config_file_store

GOOD = '[schedule]\ntimezone = "Europe/Berlin"\ninterval_minutes = 45\n'


@pytest.fixture
def live(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(GOOD)
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    notifier = FakeNotifier()
    daemon = Daemon(
        config_file_store.load(path),
        CATALOG,
        Ports(notifier=notifier, tray=HeadlessTray(), clock=clock),
        seed=1,
        config_path=path,
    )
    return daemon, path, notifier, clock


def test_a_good_edit_applies_and_replans_the_next_prompt(live):
    daemon, path, notifier, _ = live
    assert daemon.status()["next_prompt_at"].startswith("2026-11-23T09:45")
    path.write_text(GOOD.replace("45", "20"))
    reply = daemon.reload("test")
    assert reply["ok"]
    assert daemon.config.schedule.interval_minutes == 20
    assert daemon.status()["next_prompt_at"].startswith("2026-11-23T09:20")
    assert reply["changed"] == [
        "changed: schedule.interval_minutes",
        "next prompts: 09:45, 10:30, 11:15 → 09:20, 09:40, 10:00",
    ]
    assert daemon.status()["config_error"] is None
    assert notifier.shown == []


def test_a_bad_edit_keeps_the_old_schedule_and_status_shows_the_error(live):
    daemon, path, notifier, _ = live
    path.write_text(GOOD.replace("45", "0"))
    reply = daemon.reload("test")
    line = f"{path}:3: schedule.interval_minutes: got 0, expected a whole number from 1 to 480"
    assert reply == {"ok": False, "error": line, "config": str(path)}
    assert daemon.config.schedule.interval_minutes == 45
    assert daemon.status()["config_error"] == line
    (notice,) = notifier.notices
    assert (notice.title, notice.body) == ("deskbreak: config not applied", line)
    assert notifier.shown == [], "a notice, not a prompt: it carries no buttons"
    path.write_text(GOOD)
    assert daemon.reload("fixed")["ok"]
    assert daemon.status()["config_error"] is None


def test_the_error_is_the_same_as_config_check(live, capsys):
    from deskbreak.cli import main

    daemon, path, *_ = live
    path.write_text("[schedule]\nintervall = 3\n[goals\n")
    daemon.reload("test")
    assert main(["config", "check", str(path)]) == 2
    assert capsys.readouterr().err.strip() == daemon.status()["config_error"]


def test_a_deleted_config_keeps_the_last_good_one_until_it_returns(live):
    daemon, path, _notifier, _ = live
    path.write_text(GOOD.replace("45", "30"))
    daemon.reload("edit")
    path.unlink()
    reply = daemon.reload("deleted")
    assert not reply["ok"] and "gone" in reply["error"]
    assert daemon.config.schedule.interval_minutes == 30
    assert "keeping the last good config" in daemon.status()["config_error"]
    path.write_text(GOOD.replace("45", "50"))
    assert daemon.reload("back")["ok"]
    assert daemon.config.schedule.interval_minutes == 50 and daemon.config_error is None


def test_reload_is_a_daemon_command(live):
    daemon, path, *_ = live
    path.write_text(GOOD.replace("45", "25"))
    reply = daemon.command("reload")
    assert reply["ok"] and reply["config_error"] is None
    assert daemon.config.schedule.interval_minutes == 25


def test_the_watcher_drives_reload(live):
    import threading

    from deskbreak.daemon.config_watch import watch_config

    daemon, path, *_ = live
    done = threading.Event()

    def on_change():
        daemon.reload("file changed")
        done.set()

    watcher = watch_config(path, on_change, debounce=0.05, poll_interval=0.05)
    try:
        tmp = path.with_name("config.toml.tmp")
        tmp.write_text(GOOD.replace("45", "35"))
        tmp.replace(path)
        assert done.wait(3)
    finally:
        watcher.stop()
    assert daemon.config.schedule.interval_minutes == 35


def test_the_trays_edit_opens_the_editor_without_waiting(live, monkeypatch):
    import deskbreak.adapters.editor as config_edit

    daemon, path, *_ = live
    started = []
    monkeypatch.setenv("VISUAL", "my-editor --new-window")
    monkeypatch.setattr(config_edit.subprocess, "Popen", lambda argv, **kw: started.append(argv))
    reply = daemon.command("edit")
    assert reply["ok"] and started == [("my-editor", "--new-window", str(path))]


def test_edit_creates_a_missing_config_first(live, monkeypatch, tmp_path):
    import deskbreak.adapters.editor as config_edit

    live_daemon, *_ = live
    new_path = tmp_path / "new" / "config.toml"
    daemon = Daemon(live_daemon.config, CATALOG, live_daemon.ports, seed=1, config_path=new_path)
    monkeypatch.setenv("VISUAL", "ed")
    monkeypatch.setattr(config_edit.subprocess, "Popen", lambda argv, **kw: None)
    assert daemon.command("edit")["ok"]
    assert "interval_minutes = 45" in new_path.read_text()


def test_the_stretch_level_applies_on_reload(live):
    daemon, path, _, _ = live
    assert daemon.catalog.get("twist").hold_seconds == 10, "beginner by default: at most 10 s"
    path.write_text(GOOD + '[stretches]\nlevel = "regular"\n')
    reply = daemon.reload("test")
    assert reply["ok"] and reply["changed"][0] == "changed: stretches.level"
    assert daemon.catalog.get("twist").hold_seconds == 20


def test_edit_where_the_desktop_cannot_open_the_file_says_so_in_a_notice(live, monkeypatch, tmp_path):
    from desktop_stack import wait_for

    daemon, path, notifier, _ = live
    opener = tmp_path / "bin" / "xdg-open"  # as on bare sway: no program for .toml files
    opener.parent.mkdir()
    opener.write_text("#!/bin/sh\nexit 3\n")
    opener.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("PATH", str(opener.parent))
    assert daemon.command("edit")["ok"]  # the opener started; it fails later, on its own
    (notice,) = wait_for(lambda: notifier.notices, "the notice that no program opened the file")
    assert str(path) in notice.body and "deskbreak config edit" in notice.body


def test_edit_with_no_opener_at_all_says_so_in_a_notice(live, monkeypatch, tmp_path):
    daemon, path, notifier, _ = live
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no xdg-open
    reply = daemon.command("edit")
    assert not reply["ok"] and str(path) in reply["error"]
    (notice,) = notifier.notices
    assert str(path) in notice.body and "deskbreak config edit" in notice.body
