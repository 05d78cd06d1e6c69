"""The history export: one row per prompt, written as CSV or a streamed JSON array."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict, astuple, dataclass
from typing import TextIO

EXPORT_COLUMNS = ("prompted_at", "local_day", "stretch_id", "outcome", "answered_at", "held_seconds")


@dataclass(frozen=True)
class ExportRow:
    """One exported row; fields in EXPORT_COLUMNS order, instants as ISO text with offsets."""

    prompted_at: str
    local_day: str
    stretch_id: str | None
    outcome: str
    answered_at: str | None
    held_seconds: int | None


def write_csv(rows: Iterable[ExportRow], out: TextIO) -> int:
    """Write the export as CSV with a header row (None as empty); returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(astuple(row))
        count += 1
    return count


def write_json(rows: Iterable[ExportRow], out: TextIO) -> int:
    """Write the export as one JSON array of objects (keys: EXPORT_COLUMNS), streamed."""
    out.write("[")
    n = 0
    for row in rows:
        out.write(",\n " if n else "\n ")
        out.write(json.dumps(asdict(row)))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n
