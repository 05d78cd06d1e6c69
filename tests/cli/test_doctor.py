"""`deskbreak doctor`: each installation check on its own, the whole screen and the exit code."""

from __future__ import annotations

import argparse
import json
import sqlite3

import pytest

from deskbreak.cli import doctor, doctor_session
from deskbreak.cli import doctor_install as install
from deskbreak.cli.doctor_check import Check
from deskbreak.paths import Paths


@pytest.fixture
def paths(tmp_path):
    return Paths(tmp_path / "cfg" / "config.toml", tmp_path / "data", tmp_path / "state", tmp_path / "run")


def test_check_lines_carry_the_fix_only_when_broken():
    assert Check("x", True, "fine", "do y").line() == "✓ x: fine"
    assert Check("x", False, "bad", "do y").line() == "✗ x: bad — fix: do y"


def test_config_missing_valid_and_invalid(paths):
    assert install.check_config(paths.config_file).ok
    paths.config_file.parent.mkdir()
    paths.config_file.write_text("[schedule]\ninterval_minutes = 40\n")
    assert install.check_config(paths.config_file).detail.endswith("is valid")
    paths.config_file.write_text("[schedule]\ninterval_minutes = 0\nfoo = 1\n")
    check = install.check_config(paths.config_file)
    assert not check.ok and check.essential
    assert (
        check.detail.startswith(f"{paths.config_file}:2: schedule.interval_minutes: got 0")
        and "(+1 more)" in check.detail
    )


def test_an_unwritable_data_folder_is_essential(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    check = install.check_writable("data folder", blocker / "data", "fix it", True)
    assert not check.ok and check.essential


def test_history_integrity_and_rows(paths):
    assert install.check_history(paths.history_file).ok
    paths.data_dir.mkdir()
    conn = sqlite3.connect(paths.history_file)
    conn.execute("CREATE TABLE prompts (id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO prompts VALUES (?)", [(1,), (2,)])
    conn.commit()
    conn.close()
    check = install.check_history(paths.history_file)
    assert check.ok and "integrity ok, 2 rows" in check.detail
    paths.history_file.write_bytes(b"not a database at all" * 100)
    assert not install.check_history(paths.history_file).ok


def test_no_display_means_headless_not_a_crash():
    check = doctor_session.check_tray(doctor_session.Session("predicted", doctor_session.predict({})))
    assert not check.ok and not check.essential and "headless" in check.detail


def test_missing_packages_are_named():
    import importlib.metadata

    def version(name):
        if name == "APScheduler":
            raise importlib.metadata.PackageNotFoundError(name)
        return "1.0"

    check = install.check_packages(version)
    assert not check.ok and check.essential and "missing: APScheduler" in check.detail


def test_daemon_not_running(paths):
    check = doctor_session.check_daemon(doctor_session.find_session(paths))
    assert not check.ok and not check.essential


def test_the_whole_screen_and_exit_codes(paths, capsys, monkeypatch):
    monkeypatch.setattr(
        doctor_session, "check_notifications", lambda session, notify: Check("notifications", True, "fake")
    )
    monkeypatch.setattr(install, "check_autostart", lambda: Check("autostart", False, "not enabled", "x"))
    ns = argparse.Namespace(notify=False, json=False)
    assert doctor.cmd_doctor(ns, paths) == 0
    out = capsys.readouterr().out.splitlines()
    names = [line[2:].split(":")[0] for line in out]
    for name in (
        "python",
        "packages",
        "config",
        "stretch catalog",
        "data folder",
        "tray",
        "notifications",
        "idle probe",
        "guided window",
        "history",
        "autostart",
        "daemon",
    ):
        assert name in names
    assert all(line[0] in "✓✗" for line in out)
    paths.config_file.parent.mkdir()
    paths.config_file.write_text("[schedule\n")
    assert doctor.cmd_doctor(argparse.Namespace(notify=False, json=True), paths) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert any(c["name"] == "config" and not c["ok"] for c in report["checks"])


def test_the_runtime_check_creates_nothing_and_the_daemon_can_start_after_it(tmp_path):
    from deskbreak.daemon.instance import InstanceLock

    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)
    xdg.chmod(0o700)
    paths = Paths(tmp_path / "c.toml", tmp_path / "data", tmp_path / "state", xdg / "deskbreak")
    check = install.check_runtime(paths)
    assert check.ok and check.detail == f"{xdg / 'deskbreak'} (created 0700 when the daemon starts)"
    assert not paths.runtime_dir.exists()
    codes = [c.name for c in doctor.run_checks(paths)[0] if c.name == "runtime folder"]
    assert codes == ["runtime folder"] and not paths.runtime_dir.exists()
    lock = InstanceLock(paths.runtime_dir).acquire()  # refused ("open to other users") after the old doctor
    try:
        assert (paths.runtime_dir.stat().st_mode & 0o777) == 0o700
        assert install.check_runtime(paths).detail == f"{paths.runtime_dir} (private)"
    finally:
        lock.release()


def test_the_runtime_check_reports_a_folder_the_daemon_would_refuse(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    paths = Paths(tmp_path / "c.toml", tmp_path / "data", tmp_path / "state", folder)
    check = install.check_runtime(paths)
    assert not check.ok and check.line() == (
        f"✗ runtime folder: {folder} is open to other users (mode 755) — fix: chmod 700 {folder}"
    )
    problem = Paths(tmp_path / "c.toml", tmp_path / "d", tmp_path / "s", folder, "no private folder (…)")
    assert install.check_runtime(problem).detail == "no private folder (…)"
