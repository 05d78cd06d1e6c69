"""`deskbreak stats` and `deskbreak history export` over a real history file."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from deskbreak import cli
from deskbreak.core.outcomes import PromptOutcome
from deskbreak.paths import default_paths
from deskbreak.store.history import History


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    config = tmp_path / "config" / "deskbreak" / "config.toml"
    config.parent.mkdir(parents=True)
    week = "\n".join(f'{d} = ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    config.write_text(f'[schedule]\ntimezone = "UTC"\n{week}\n[goals]\ndaily_stretches = 2\n')
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    with History.open(default_paths().history_file, zone=UTC) as history:
        for days_ago, outcomes in (
            (2, ["done", "done"]),
            (1, ["done", "skipped", "done"]),
            (0, ["done", "ignored"]),
        ):
            at = now - timedelta(days=days_ago)
            for n, outcome in enumerate(outcomes):
                when = at + timedelta(minutes=n)
                history.record(
                    PromptOutcome(when, "seated-twist" if n == 0 else "wall-slide", outcome, when, 20)
                )
    return tmp_path


def test_stats_json_counts_days_streak_and_completion(home, capsys):
    assert cli.main(["stats", "--days", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["done"] for d in data["days"]] == [2, 2, 1]
    assert data["totals"]["skipped"] == 1 and data["totals"]["ignored"] == 1
    assert data["completion_rate"] == round(5 / 7, 4)
    assert data["streak"] == {"current": 2, "best": 2}  # today is not over: it does not break it
    assert data["stretches"]["most_done"]["stretch_id"] == "seated-twist"


def test_stats_csv_and_text(home, capsys):
    assert cli.main(["stats", "--days", "2", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["done"] for r in rows] == ["2", "1"]
    assert cli.main(["stats", "--week"]) == 0
    assert "completion" in capsys.readouterr().out


def test_stats_chart_is_a_png(home, capsys):
    chart = home / "week.png"
    assert cli.main(["stats", "--days", "14", "--chart", str(chart)]) == 0
    assert Image.open(chart).size == (900, 420)


def test_bad_days_is_a_usage_error(home, capsys):
    assert cli.main(["stats", "--days", "0"]) == 2
    assert "expected 1 to 3660" in capsys.readouterr().err


def test_history_export_csv_and_json(home, capsys, tmp_path):
    assert cli.main(["history", "export", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 7 and rows[0]["outcome"] == "done" and rows[0]["held_seconds"] == "20"
    out = tmp_path / "all.json"
    assert cli.main(["history", "export", "--json", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text())) == 7


def test_history_export_with_no_format_is_csv_on_stdout(home, capsys):
    assert cli.main(["history", "export"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 7 and rows[0]["outcome"] == "done"


def test_config_help_lists_every_action(capsys):
    with pytest.raises(SystemExit):
        cli.main(["config", "--help"])
    out = capsys.readouterr().out
    assert "check, locate (path), show, set or edit the config" in out
    assert all(f"    {action} " in out for action in ("check", "path", "show", "set", "edit"))


def test_a_corrupt_history_is_set_aside_not_wiped(home, capsys):
    path = default_paths().history_file
    path.write_bytes(b"not a database at all" * 100)
    assert cli.main(["stats", "--json"]) == 0
    aside = list(path.parent.glob("history.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"not a database")


def test_history_export_to_a_new_file_is_private(home, capsys, tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "mine.csv"
        assert cli.main(["history", "export", "--csv", "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    history = default_paths().history_file
    assert (
        stat.S_IMODE(history.stat().st_mode) == 0o600 and stat.S_IMODE(history.parent.stat().st_mode) == 0o700
    )


def test_day_one_shows_no_earlier_days_and_explains_its_marks(home, capsys):
    first = (datetime.now(UTC) - timedelta(days=2)).date()
    assert cli.main(["stats", "--days", "10", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["start"] == first.isoformat() and len(data["days"]) == 3
    assert date.fromisoformat(data["days"][0]["date"]) == first
    assert cli.main(["stats", "--days", "10"]) == 0
    out = capsys.readouterr().out
    rows = [
        line for line in out.splitlines() if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    ]
    assert len(rows) == 3  # the history starts two days ago: no empty days before it
    assert f"your history starts on {first:%a %Y-%m-%d}" in out
    assert "· not a work day" in out and "✓ goal met" in out
    assert "least done" not in out  # many stretches tie at zero: none is picked
    assert "not yet done: " in out and " stretches" in out


def test_a_fresh_install_shows_today_alone(tmp_path, monkeypatch, capsys):
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert cli.main(["stats", "--days", "7", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["days"]) == 1 and data["start"] == data["end"] == data["today"]


def test_table_columns_line_up_on_screen_with_wide_characters():
    from deskbreak.cli.stats import _table_row, screen_width

    assert screen_width("2026年12月6日(日)") == 17 and screen_width("Sun 2026-12-06") == 14
    rows = [_table_row(("日付", "完了"), [18, 6]), _table_row(("2026年12月6日(日)", 0), [18, 6])]
    assert [screen_width(row) for row in rows] == [24, 24]
