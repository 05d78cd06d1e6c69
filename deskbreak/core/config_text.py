"""Reading a config's TOML text: a leading byte-order mark is fine; a key path or nesting deeper
than any setting is refused before it exhausts the parser's time or stack; and a syntax error
becomes one line naming the key on its line, what is there, and what was expected."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from ..i18n import N_, _
from .config_checks import MAX_NESTING, MISSING, ConfigError, Problem, Raw
from .config_lines import key_on_line, last_key_line, long_key_path
from .config_schema import SECTIONS


def nested_too_deep() -> Raw:
    """What is there when a value nests too deeply, in the user's language."""
    return Raw(_("lists or tables nested more than {levels} levels deep").format(levels=MAX_NESTING))


def nesting_expected() -> str:
    return _("at most {levels} levels of nested lists and tables").format(levels=MAX_NESTING)


BOM = "\ufeff"

# What tomllib's messages mean, said as what was expected there (first match wins). tomllib's
# messages are matched in English (it has no other); what they mean is translated where shown.
# Each is formatted (with no fields), so a brace is written doubled: "{{" shows as "{".
# Translators: the texts below end "expected ..." in a config error; keep what is quoted, the
# brackets and the # as written: they are TOML the user types. Braces are written doubled ("{{", "}}").
_TOML_EXPECTED = (
    ("Invalid value", N_('a value after "=": a number, "text", true or false, [a list] or {{a table}}')),
    ("Invalid statement", N_("a key = value line, a [table] header or a # comment")),
    ("Expected '=' after a key", N_('a "=" after the key, then a value')),
    ("Unclosed array", N_('a "]" closing the list (its items separated by commas)')),
    ("Unclosed inline table", N_('a "}}" closing the inline table (its entries separated by commas)')),
    ("Illegal character '\\n'", N_("a closing quote on the same line")),
    ("Unterminated string", N_("a closing quote on the same line")),
    ("Expected newline or end of document", N_("one key = value per line")),
    ("Expected ']' at the end of a table", N_('a "]" closing the [table] header')),
    ("Expected ']]' at the end of an array", N_('a "]]" closing the [[table]] header')),
    ("Cannot declare", N_("each [table] declared once")),
    ("Cannot overwrite", N_("each key set once")),
    ("Cannot redefine", N_("each key set once")),
    ("Cannot mutate", N_("each key set once")),
    ("Duplicate inline table key", N_("each key set once")),
    ("Invalid date or datetime", N_('a real date such as 2026-12-24, or the text in quotes ("09:00-12:30")')),
    ("Invalid initial character for a key", N_('a key of letters, digits, "_" and "-", or one in quotes')),
    ("Illegal character", N_("no control characters in text (write them as \\uXXXX)")),
    ("Found invalid character", N_("no control characters in text (write them as \\uXXXX)")),
    ("Unescaped", N_('each backslash written as "\\\\" (or the text in single quotes)')),
    ("Invalid hex value", N_('a "\\u" followed by 4 hex digits (or the text in single quotes)')),
    ("Escaped character", N_('a "\\u" followed by 4 hex digits (or the text in single quotes)')),
)


def _toml_expected(reason: str) -> str:
    found = (_(expected).format() for start, expected in _TOML_EXPECTED if reason.startswith(start))
    # Translators: {reason} is the TOML parser's own message, in English.
    return next(found, _("valid TOML ({reason})").format(reason=reason))


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
            nested_too_deep(),
            nesting_expected(),
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
        # Translators: a byte-order mark is an invisible character some editors put first in a file.
        bom = Raw(_("a byte-order mark (U+FEFF)"))
        return Problem("line", bom, _("text without one"), number, True)
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
        raise ConfigError(path, [Problem(name, nested_too_deep(), nesting_expected(), number)])
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise ConfigError(path, [_toml_problem(error, text)]) from None
