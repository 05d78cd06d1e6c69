"""`[sync]` changes apply on reload, in a real daemon: turned on it joins the folder (an answer on
the other machine re-anchors it), a new folder takes its records from then on, and turned off it
writes to no folder."""

from __future__ import annotations

import os
from pathlib import Path

from daemon_run import running_daemon
from desktop_stack import wait_for
from test_sync_live import HEADLESS, WEEK, home_for


def lines_in(folder: Path) -> int:
    return sum(len(f.read_text().splitlines()) for f in folder.glob("*.jsonl"))


def test_sync_turned_on_moved_and_turned_off_by_reload(tmp_path):
    shared, other = tmp_path / "Sync", tmp_path / "Sync-new"
    for folder in (shared, other):
        folder.mkdir(mode=0o700)
    laptop_home = tmp_path / "laptop"
    config = laptop_home / "cfg" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True)
    alone = f'[schedule]\ntimezone = "UTC"\n{WEEK}\n'
    config.write_text(alone)

    def use(sync: str) -> None:
        config.write_text(alone + sync)
        reloaded = laptop.cli("reload")
        assert reloaded.returncode == 0, reloaded.stderr

    with (
        running_daemon(os.environ, home_for(tmp_path, "desk", shared), HEADLESS, unset=("DISPLAY",)) as desk,
        running_daemon(os.environ, laptop_home, HEADLESS, unset=("DISPLAY",)) as laptop,
    ):
        assert "sync" not in laptop.status()
        # On: the laptop joins the desk's folder and follows its answers.
        use(f'[sync]\nfolder = "{shared}"\nmachine_name = "laptop"\n')
        assert laptop.status()["sync"]["folder"] == str(shared)
        for daemon in (desk, laptop):
            assert daemon.cli("now").returncode == 0
        assert desk.cli("done").returncode == 0
        wait_for(lambda: laptop.status()["state"] == "working", "the laptop to take its prompt down", 10)
        laptop.wait_log("done on desk: the interval starts again here")
        assert laptop.status()["sync"]["done_today"] == 1

        # Moved: the laptop's answers go to the new folder, none to the old one.
        use(f'[sync]\nfolder = "{other}"\nmachine_name = "laptop"\n')
        assert laptop.status()["sync"]["folder"] == str(other)
        before = lines_in(shared)
        assert laptop.cli("now").returncode == 0 and laptop.cli("done").returncode == 0
        wait_for(lambda: lines_in(other) >= 1, "the laptop's answer in the new folder", 10)
        assert lines_in(shared) == before

        # Off: no folder takes the laptop's answers.
        use("")
        assert "sync" not in laptop.status()
        written = lines_in(other)
        assert laptop.cli("now").returncode == 0 and laptop.cli("done").returncode == 0
        assert laptop.status()["state"] == "working"
        assert (lines_in(shared), lines_in(other)) == (before, written)
        assert "takes effect when deskbreak next starts" not in laptop.log_text()
