"""Where a key sits in a TOML text, for error lines (tomllib keeps no positions)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+(?:\s*\.\s*[A-Za-z0-9_\-\"]+)*)\s*=")


def key_lines(text: str) -> dict[str, int]:
    """Map dotted key paths (`schedule.mon`, `stretches.custom[0].id`) to 1-based line numbers."""
    lines: dict[str, int] = {}
    table = ""
    array_counts: dict[str, int] = {}
    depth = 0  # inside a multi-line array or inline table: keys there belong to its key
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.split("#", 1)[0] if '"' not in raw else raw
        if depth == 0 and (header := _HEADER.match(raw)):
            name = header.group(2).replace('"', "").replace(" ", "")
            if header.group(1) == "[[":
                index = array_counts.get(name, -1) + 1
                array_counts[name] = index
                table = f"{name}[{index}]"
            else:
                table = name
            lines.setdefault(table, number)
            continue
        if depth == 0 and (key := _KEY.match(raw)):
            name = key.group(1).replace('"', "").replace(" ", "")
            lines.setdefault(f"{table}.{name}" if table else name, number)
        depth += stripped.count("[") + stripped.count("{") - stripped.count("]") - stripped.count("}")
        depth = max(depth, 0)
    return lines


def key_on_line(text: str, number: int) -> tuple[str, str] | None:
    """(dotted key, what follows its "=") for the key set on line `number`, or None when that line
    sets no key. For an error line TOML gives without naming the key."""
    table = ""
    for current, raw in enumerate(text.splitlines()[:number], start=1):
        if (header := _HEADER.match(raw)) and current < number:
            table = header.group(2).replace('"', "").replace(" ", "")
        elif current == number and (key := _KEY.match(raw)):
            name = key.group(1).replace('"', "").replace(" ", "")
            return (f"{table}.{name}" if table else name), raw[key.end() :].strip()
    return None


def last_key_line(text: str) -> int | None:
    """The last line that sets a key: where an array or table left open at the end began."""
    found = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if _KEY.match(raw):
            found = number
    return found


_KEY_PATH = re.compile(r"[A-Za-z0-9_\-.\s]*")


def _outside_quotes(text: str) -> str:
    """`text` with quoted parts ("a.b", 'c.d') left out."""
    kept, quote = [], ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        else:
            kept.append(char)
    return "".join(kept)


def long_key_path(text: str, most: int) -> tuple[int, list[str], bool] | None:
    """The first line whose key or [table] header has more than `most` dotted parts: (line, parts,
    whether it is a header). tomllib takes time quadratic in the parts, so such a file is refused
    before it is parsed. Lines inside multi-line strings are skipped."""
    in_string = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        header = line.startswith("[")
        key_part = line.strip("[]") if header else _outside_quotes(line).split("=", 1)[0]
        for delimiter in ('"""', "'''"):
            if line.count(delimiter) % 2 == 1:
                in_string = delimiter
        if key_part.count(".") > most and _KEY_PATH.fullmatch(key_part.split("#", 1)[0]):
            parts = [p.strip().strip("\"'") for p in key_part.split("#", 1)[0].split(".")]
            return number, parts, header
    return None


def line_for(lines: Mapping[str, int], key: str) -> int | None:
    """The line of the key, else of its nearest parent that appears in the text."""
    while key:
        if key in lines:
            return lines[key]
        key = re.sub(r"(\[\d+\]|\.[^.\[]+)$", "", key) if ("." in key or "[" in key) else ""
    return None
