"""Two real daemons, each on its own folder, the two folders kept in step by two real Syncthing
instances on loopback (no discovery, relays or NAT): an answer on one withdraws the prompt and
re-anchors the interval on the other, and both count the same day."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from daemon_run import running_daemon
from desktop_stack import skip_or_fail, wait_for
from syncthing_stack import Syncthing, connect, missing_syncthing
from test_sync_live import HEADLESS, home_for

# From the answer on one machine to the prompt gone on the other: the watcher's 1 s delay on
# each side, the transfer and the daemon's own inotify read.
REACH_TIMEOUT = 30


@pytest.fixture
def synced_pair(tmp_path: Path) -> Iterator[tuple]:
    missing = missing_syncthing()
    if missing:
        skip_or_fail("the Syncthing test: missing " + ", ".join(missing))
    folders = {name: tmp_path / f"Sync-{name}" for name in ("desk", "laptop")}
    for folder in folders.values():
        folder.mkdir(mode=0o700)
    with ExitStack() as stack:
        engines = {}
        for name in folders:
            engines[name] = Syncthing(tmp_path / f"syncthing-{name}", name)
            stack.callback(engines[name].stop)
            engines[name].start()
            options = engines[name].rest("GET", "/rest/config/options")
            # Only the peer on loopback: nothing announced, relayed, mapped or reported.
            assert options["listenAddresses"] == [engines[name].sync_address]
            assert not any(options[key] for key in ("globalAnnounceEnabled", "localAnnounceEnabled"))
            assert not any(options[key] for key in ("relaysEnabled", "natEnabled", "crashReportingEnabled"))
            assert options["urAccepted"] == -1 and options["autoUpgradeIntervalH"] == 0
        try:
            connect(engines["desk"], engines["laptop"], folders["desk"], folders["laptop"])
        except TimeoutError as error:
            tails = "\n".join(engine.log_tail() for engine in engines.values())
            raise AssertionError(f"{error}\n{tails}") from error
        desk, laptop = (
            stack.enter_context(
                running_daemon(
                    os.environ, home_for(tmp_path, name, folders[name]), HEADLESS, unset=("DISPLAY",)
                )
            )
            for name in folders
        )
        yield desk, laptop, folders


def test_an_answer_travels_through_syncthing_to_the_other_daemon(synced_pair):
    desk, laptop, folders = synced_pair
    for daemon in (desk, laptop):
        assert daemon.cli("now").returncode == 0
        assert daemon.status()["state"] == "due"
    done = desk.cli("done")
    assert done.returncode == 0, done.stderr
    wait_for(
        lambda: laptop.status()["state"] == "working", "the laptop to take its prompt down", REACH_TIMEOUT
    )
    laptop.wait_log("done on desk: the interval starts again here")
    desk_status, laptop_status = desk.status(), laptop.status()
    assert laptop_status["next_prompt_at"] == desk_status["next_prompt_at"]
    assert desk_status["sync"]["done_today"] == laptop_status["sync"]["done_today"] == 1
    assert laptop_status["today_line"].endswith("1 on desk")
    # Syncthing carried the desk's own file into the laptop's folder.
    assert sorted(p.name for p in folders["laptop"].glob("*.jsonl")) == sorted(
        p.name for p in folders["desk"].glob("*.jsonl")
    )
