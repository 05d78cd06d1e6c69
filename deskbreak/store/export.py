"""The history export: one row per prompt, written as CSV or a streamed JSON array."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, astuple, dataclass
from typing import Iterable, TextIO

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
    n = 0
    for n, row in enumerate(rows, 1):
        writer.writerow(astuple(row))
    return n


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
