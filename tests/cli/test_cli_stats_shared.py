"""`stats` and `history export` with a synced folder: every machine's records once, `--machine`."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from deskbreak import cli
from deskbreak.core import sync
from deskbreak.core.outcomes import PromptOutcome
from deskbreak.paths import default_paths
from deskbreak.store.history import History
from deskbreak.store.sync_folder import SharedFile, machine_id

WEEK = "\n".join(f'{d} = ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    folder = tmp_path / "Sync"
    folder.mkdir()
    config = tmp_path / "config" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[schedule]\ntimezone = "UTC"\n{WEEK}\n[goals]\ndaily_stretches = 2\n'
        f'[sync]\nfolder = "{folder}"\nmachine_name = "desk"\n'
    )
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    desk = machine_id(default_paths().state_dir)
    with History.open(default_paths().history_file, zone=UTC) as history:
        for n in range(2):  # two done here today
            history.record(PromptOutcome(now + timedelta(minutes=n), "seated-twist", "done", now, 20))
    for n in range(2):  # and mirrored into our own file, as the daemon does: counted once
        SharedFile(folder, desk).append(
            sync.SharedRecord(
                f"desk-{n}", desk, "desk", now, "done", now + timedelta(minutes=n), "seated-twist"
            )
        )
    laptop = SharedFile(folder, "laptop-id")
    laptop.append(sync.SharedRecord("l1", "laptop-id", "laptop", now, "done", now, "wall-slide"))
    laptop.append(sync.SharedRecord("l2", "laptop-id", "laptop", now, "skipped", now, "wall-slide"))
    (folder / "laptop-id.sync-conflict-20261123-120000-ABC.jsonl").write_text(
        sync.to_line(sync.SharedRecord("l1", "laptop-id", "laptop", now, "done", now, "wall-slide"))
        + sync.to_line(sync.active_mark("l3", "laptop-id", "laptop", now))
    )
    return tmp_path


def test_stats_count_every_machine_once(home, capsys):
    assert cli.main(["stats", "--days", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["days"][-1]["done"] == 3 and data["totals"]["skipped"] == 1


def test_stats_for_one_machine(home, capsys):
    assert cli.main(["stats", "--days", "1", "--json", "--machine", "laptop"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["days"][-1]["done"] == 1 and data["totals"]["skipped"] == 1
    assert cli.main(["stats", "--days", "1", "--json", "--machine", "desk"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["days"][-1]["done"] == 2 and data["totals"]["skipped"] == 0


def test_an_unknown_machine_is_one_line(home, capsys):
    assert cli.main(["stats", "--machine", "toaster"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "toaster" in err and "laptop" in err


def test_history_export_merges_every_machine(home, capsys):
    assert cli.main(["history", "export"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["outcome"] for r in rows) == ["done", "done", "done", "skipped"]
    assert cli.main(["history", "export", "--json", "--machine", "laptop"]) == 0
    assert [r["stretch_id"] for r in json.loads(capsys.readouterr().out)] == ["wall-slide", "wall-slide"]
