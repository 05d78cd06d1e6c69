"""Two real daemons on one machine, each with its own home, sharing one folder (as a sync engine
would keep it): an answer on one re-anchors and withdraws on the other within seconds, both count
the same day, and `stats` merges both."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from daemon_run import running_daemon
from desktop_stack import wait_for
from sync_copier import LaggingCopy

WEEK = "\n".join(f'{d} = ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
HEADLESS = {"DESKBREAK_TRAY": "headless", "DESKBREAK_NOTIFIER": "log"}


def home_for(root: Path, name: str, folder: Path) -> Path:
    home = root / name
    config = home / "cfg" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[schedule]\ntimezone = "UTC"\n{WEEK}\n[sync]\nfolder = "{folder}"\nmachine_name = "{name}"\n'
    )
    return home


@pytest.fixture(params=["one folder", "lagging copy"])
def pair(tmp_path, request) -> Iterator[tuple]:
    """Two daemons: on one shared folder, or each on its own folder kept in step by a lagging copy
    (half-written lines, files replaced by rename, conflict copies)."""
    folder = tmp_path / "Sync"
    folder.mkdir(mode=0o700)
    other = folder
    with ExitStack() as stack:
        if request.param == "lagging copy":
            other = tmp_path / "Sync-laptop"
            other.mkdir(mode=0o700)
            stack.callback(LaggingCopy(folder, other, delay=0.4).start().stop)
        desk, laptop = (
            stack.enter_context(
                running_daemon(os.environ, home_for(tmp_path, name, where), HEADLESS, unset=("DISPLAY",))
            )
            for name, where in (("desk", folder), ("laptop", other))
        )
        yield desk, laptop, folder


def test_an_answer_on_one_daemon_withdraws_and_re_anchors_on_the_other(pair):
    desk, laptop, folder = pair
    for daemon in (desk, laptop):
        assert daemon.cli("now").returncode == 0
        assert daemon.status()["state"] == "due"
    done = desk.cli("done")
    assert done.returncode == 0, done.stderr
    wait_for(lambda: laptop.status()["state"] == "working", "the laptop to take its prompt down", 10)
    laptop.wait_log("done on desk: the interval starts again here")
    desk_status, laptop_status = desk.status(), laptop.status()
    assert laptop_status["next_prompt_at"] == desk_status["next_prompt_at"]
    assert desk_status["sync"]["done_today"] == laptop_status["sync"]["done_today"] == 1
    assert laptop_status["today_line"].endswith("1 on desk")
    assert [m["name"] for m in laptop_status["sync"]["machines"]] == ["desk"]
    # Each machine wrote only its own file, private.
    files = sorted(folder.glob("*.jsonl"))
    assert len(files) >= 1 and all(oct(f.stat().st_mode & 0o777) == "0o600" for f in files)
    for daemon in (desk, laptop):
        stats = daemon.cli("stats", "--days", "1", "--json")
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["days"][-1]["done"] == 1
