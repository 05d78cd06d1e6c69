"""The JSON and CSV shapes of a stats summary."""

from __future__ import annotations

import csv
import io
import json

from test_stats import day, sample, weekdays

from deskbreak.core.stats import summarize
from deskbreak.core.stats_export import CSV_COLUMNS, to_csv, to_json


def test_json_shape() -> None:
    s = summarize(sample(), day(0), day(1), 6, weekdays, day(1))
    data = json.loads(json.dumps(to_json(s)))
    assert list(data) == [
        "schema",
        "start",
        "end",
        "today",
        "goal",
        "days",
        "totals",
        "completion_rate",
        "streak",
        "stretches",
    ]
    assert data["schema"] == 1 and data["start"] == "2026-06-01" and data["goal"] == 6
    assert data["days"][0] == {
        "date": "2026-06-01",
        "work_day": True,
        "done": 6,
        "snoozed": 0,
        "skipped": 0,
        "ignored": 0,
        "natural_breaks": 0,
        "missed_while_asleep": 0,
        "goal_met": True,
    }
    assert data["totals"]["done"] == 9 and data["totals"]["missed_while_asleep"] == 1
    assert data["completion_rate"] == round(9 / 11, 4)
    assert data["streak"] == {"current": 1, "best": 1}
    assert data["stretches"]["most_done"] == {"stretch_id": "twist", "done": 7}
    assert data["stretches"]["least_done"] == {"stretch_id": "lean", "done": 2}
    empty = to_json(summarize([], day(0), day(0), 6, weekdays, day(0)))
    assert empty["completion_rate"] is None and empty["stretches"]["most_done"] is None


def test_csv_shape() -> None:
    s = summarize(sample(), day(0), day(6), 6, weekdays, day(6))
    rows = list(csv.reader(io.StringIO(to_csv(s))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1] == ["2026-06-01", "1", "6", "0", "0", "0", "0", "0", "1"]
    assert rows[2] == ["2026-06-02", "1", "3", "1", "1", "1", "1", "1", "0"]
    assert rows[6] == ["2026-06-06", "0", "0", "0", "0", "0", "0", "0", "0"]
    assert len(rows) == 8
