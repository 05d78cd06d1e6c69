"""Reading a config's TOML text: a leading byte-order mark is fine; a key path or nesting deeper
than any setting is refused before it exhausts the parser's time or stack; and a syntax error
becomes one line naming the key on its line, what is there, and what was expected."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from .config_checks import MAX_NESTING, MISSING, ConfigError, Problem, Raw
from .config_lines import key_on_line, last_key_line, long_key_path
from .config_schema import SECTIONS

NESTED_TOO_DEEP = Raw(f"lists or tables nested more than {MAX_NESTING} levels deep")
NESTING_EXPECTED = f"at most {MAX_NESTING} levels of nested lists and tables"

BOM = "\ufeff"

# What tomllib's messages mean, said as what was expected there (first match wins).
_TOML_EXPECTED = (
    ("Invalid value", 'a value after "=": a number, "text", true or false, [a list] or {a table}'),
    ("Invalid statement", "a key = value line, a [table] header or a # comment"),
    ("Expected '=' after a key", 'a "=" after the key, then a value'),
    ("Unclosed array", 'a "]" closing the list (its items separated by commas)'),
    ("Unclosed inline table", 'a "}" closing the inline table (its entries separated by commas)'),
    ("Illegal character '\\n'", "a closing quote on the same line"),
    ("Unterminated string", "a closing quote on the same line"),
    ("Expected newline or end of document", "one key = value per line"),
    ("Expected ']' at the end of a table", 'a "]" closing the [table] header'),
    ("Expected ']]' at the end of an array", 'a "]]" closing the [[table]] header'),
    ("Cannot declare", "each [table] declared once"),
    ("Cannot overwrite", "each key set once"),
    ("Cannot redefine", "each key set once"),
    ("Cannot mutate", "each key set once"),
    ("Duplicate inline table key", "each key set once"),
    ("Invalid date or datetime", 'a real date such as 2026-12-24, or the text in quotes ("09:00-12:30")'),
    ("Invalid initial character for a key", 'a key of letters, digits, "_" and "-", or one in quotes'),
    ("Illegal character", "no control characters in text (write them as \\uXXXX)"),
    ("Found invalid character", "no control characters in text (write them as \\uXXXX)"),
    ("Unescaped", 'each backslash written as "\\\\" (or the text in single quotes)'),
    ("Invalid hex value", 'a "\\u" followed by 4 hex digits (or the text in single quotes)'),
    ("Escaped character", 'a "\\u" followed by 4 hex digits (or the text in single quotes)'),
)


def _toml_expected(reason: str) -> str:
    found = (expected for start, expected in _TOML_EXPECTED if reason.startswith(start))
    return next(found, f"valid TOML ({reason})")


def _deep_line(text: str) -> int | None:
    """The line where brackets first nest deeper than MAX_NESTING (strings not told apart: a
    hint for the message, not a parser)."""
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        for char in raw:
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(char, 0)
            if depth > MAX_NESTING:
                return number
    return None


def _toml_problem(error: tomllib.TOMLDecodeError | RecursionError, text: str) -> Problem:
    """One line for a file TOML cannot read: the line, the key on it, what is there, what was meant."""
    if isinstance(error, RecursionError):
        line = _deep_line(text)
        key = key_on_line(text, line) if line else None
        return Problem(
            key[0] if key else "line",
            NESTED_TOO_DEEP,
            NESTING_EXPECTED,
            line,
            True,
        )
    message = str(error)
    found = re.search(r"at line (\d+)", message)
    reason = re.sub(r"\s*\((at line \d+, column \d+|at end of document)\)", "", message)
    number = int(found.group(1)) if found else last_key_line(text)
    expected = _toml_expected(reason)
    lines = text.splitlines()
    raw = lines[number - 1] if number and number <= len(lines) else ""
    if BOM in raw:
        return Problem("line", Raw("a byte-order mark (U+FEFF)"), "text without one", number, True)
    key = key_on_line(text, number) if number else None
    if key is not None:
        name, rest = key
        return Problem(name, Raw(rest) if rest else MISSING, expected, number, True)
    stripped = raw.strip()
    table = stripped.split("#", 1)[0].strip("[] \t").replace('"', "") if stripped.startswith("[") else ""
    name = table if re.fullmatch(r"[A-Za-z0-9_.\-]+", table) else "line"
    return Problem(name, Raw(stripped) if stripped else MISSING, expected, number, True)


def _table_before(text: str, number: int) -> str:
    """The [table] a key on line `number` belongs to, as far as the headers before it say."""
    table = ""
    for line in text.splitlines()[: number - 1]:
        stripped = line.strip()
        if stripped.startswith("[") and "=" not in stripped:
            table = stripped.strip("[]").split("]")[0].strip().replace('"', "")
    return table


def read_toml(text: str, path: str = "<config>") -> dict[str, Any]:
    """The TOML document in `text` (a leading byte-order mark is fine), or a one-line ConfigError."""
    text = text.removeprefix(BOM)
    if (long := long_key_path(text, MAX_NESTING)) is not None:
        number, parts, header = long
        table = "" if header else (_table_before(text, number) + ".").lstrip(".")
        name = ".".join(parts[:2]) if header and parts[0] in SECTIONS else table + parts[0]
        raise ConfigError(path, [Problem(name, NESTED_TOO_DEEP, NESTING_EXPECTED, number)])
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise ConfigError(path, [_toml_problem(error, text)]) from None
