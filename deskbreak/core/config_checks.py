"""The pieces of config validation: a problem, the error that lists them, and typed readers that
record a problem and fall back to the default instead of raising at the first one."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .config_lines import _line_for


@dataclass(frozen=True)
class Problem:
    key: str
    value: Any
    expected: str
    line: int | None = None

    def format(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        if self.key == "toml":
            return f"{where}: not valid TOML: {self.expected}"
        got = "nothing" if self.value is _MISSING else _show(self.value)
        return f"{where}: {self.key}: got {got}, expected {self.expected}"


class ConfigError(ValueError):
    """One or more problems in a config file; `str()` is one line per problem."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(p.format(path) for p in problems))


_MISSING = object()


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    # One line, always: escape line separators and other unprintable characters JSON lets through.
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= 80 else text[:77] + "..."


# --- validation helpers: each returns the value or records a Problem and returns the default ---


class _Reader:
    def __init__(self, lines: dict[str, int]):
        self.problems: list[Problem] = []
        self.lines = lines

    def problem(self, key: str, value: Any, expected: str) -> None:
        self.problems.append(Problem(key, value, expected, _line_for(self.lines, key)))

    def table(self, doc: dict, key: str, known: tuple[str, ...]) -> dict:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, value, "a table")
            return {}
        for name in value:
            if name not in known:
                hint = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                expected = (
                    f'a known key (did you mean "{hint[0]}"?)' if hint else f"one of {', '.join(known)}"
                )
                self.problems.append(
                    Problem(
                        f"{key}.{name}" if key else name,
                        value[name],
                        expected,
                        _line_for(self.lines, f"{key}.{name}" if key else name),
                    )
                )
        return value

    def get(
        self, table: dict, prefix: str, name: str, default: Any, check: Callable[[Any], bool], expected: str
    ) -> Any:
        if name not in table:
            return default
        value = table[name]
        if not check(value):
            self.problem(f"{prefix}.{name}", value, expected)
            return default
        return value

    def integer(self, table: dict, prefix: str, name: str, default: int, low: int, high: int) -> int:
        return self.get(
            table,
            prefix,
            name,
            default,
            lambda v: type(v) is int and low <= v <= high,
            f"a whole number from {low} to {high}",
        )

    def boolean(self, table: dict, prefix: str, name: str, default: bool) -> bool:
        return self.get(table, prefix, name, default, lambda v: type(v) is bool, "true or false")

    def choice(self, table: dict, prefix: str, name: str, default: str, options: tuple[str, ...]) -> str:
        expected = " or ".join(f'"{o}"' for o in options)
        value = table.get(name)
        hint = difflib.get_close_matches(value, options, n=1, cutoff=0.6) if isinstance(value, str) else []
        if hint and value not in options:  # a typo such as "beginer": name the value it was meant to be
            expected += f' (did you mean "{hint[0]}"?)'
        return self.get(table, prefix, name, default, lambda v: v in options, expected)

    def string_list(
        self, table: dict, prefix: str, name: str, check: Callable[[str], bool], expected: str
    ) -> tuple[str, ...]:
        value = self.get(table, prefix, name, [], lambda v: isinstance(v, list), f"a list of {expected}")
        good = []
        for index, item in enumerate(value):
            if isinstance(item, str) and check(item):
                good.append(item)
            else:
                self.problem(f"{prefix}.{name}[{index}]", item, expected)
        return tuple(good)


def _valid_timezone(name: str) -> bool:
    if name == "":
        return True
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))
