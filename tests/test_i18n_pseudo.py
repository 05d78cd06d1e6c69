"""Extraction is complete: run through a pseudo-locale (every extracted text visibly transformed,
tests/i18n_pseudo.py), the CLI's output has no English left besides what stays as written (stretch
ids, command and option names, config keys and values, paths).

A line with English outside the ⟦ ⟧ marks is a text that is not wrapped in `_` (or is built from
pieces): these fail for every text not wrapped yet.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from daemon_run import run_cli
from i18n_pseudo import OPEN, compile_pseudo_locale, english_left, pseudo, pseudo_env, set_aside_marks

pytest.importorskip("babel", reason="pip install babel (the test extra) to build the pseudo-locale")

ROOT = Path(__file__).resolve().parent.parent


def command_words() -> set[str]:
    """Every command and subcommand name of the CLI: they stay as typed."""
    from deskbreak.cli import build_parser

    words, parsers = set(), [build_parser()]
    while parsers:
        for action in parsers.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):
                words |= set(action.choices)
                parsers += list(action.choices.values())
    return words


def builtin_stretch_ids() -> tuple[str, ...]:
    from deskbreak.assets import builtin_catalog

    return builtin_catalog().ids()


STAYS_AS_WRITTEN = re.compile(
    "|".join(
        [
            r"\bdeskbreak\b",
            r"\b[\w-]+\.(?:png|toml|ics|csv|json)\b",  # file names (FILE.png)
            r"(?<![\w-])--?[A-Za-z][\w-]*",  # options
            r"\b[A-Z][A-Z_]+\b",  # metavars, environment variable names
            r"\$[A-Z_]+",
            r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b",  # stretch ids
            r"\b[a-z_]+(?:\.[a-z_]+)+\b",  # config keys
            r"\"[^\"]*\"|'[^']*'",  # quoted values
            r"(?:~|\.)?/\S+",  # paths
            r"\b(?:seated|standing|floor)\b",  # postures, the catalog's values
            rf"\b(?:{'|'.join(builtin_stretch_ids())})\b",  # one-word stretch ids (sphinx)
            rf"\b(?:{'|'.join(sorted(command_words(), key=len, reverse=True))})\b",
        ]
    )
)


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory):
    return compile_pseudo_locale(tmp_path_factory.mktemp("pseudo-locale"))


def run(args, pseudo_locale, tmp_path):
    env = pseudo_env(pseudo_locale)
    env["DESKBREAK_CONFIG"] = str(tmp_path / "none.toml")
    return run_cli(env, *args)


def english_lines(output: str) -> list[str]:
    """The lines with English left, marks set aside over the whole output first (help is wrapped)."""
    return [line for line in set_aside_marks(output).splitlines() if english_left(line, STAYS_AS_WRITTEN)]


def test_the_pseudo_locale_transforms_texts_and_keeps_placeholders():
    held = pseudo("Hold {seconds} s")
    assert held.startswith(OPEN) and "{seconds}" in held and "Hold" not in held
    assert "%(prog)s" in pseudo("%(prog)s: error: %(message)s\n")
    assert english_left(pseudo("Stretch now")) == ""
    assert english_left("Stretch now") == "Stretch now"
    assert english_left("seated-twist  seated  --json", STAYS_AS_WRITTEN) == ""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["config", "--help"],
        ["stretches", "--help"],
        ["stats", "--help"],
        ["doctor", "--help"],
        ["status", "--help"],
    ],
    ids=" ".join,
)
def test_the_help_has_no_english_left(pseudo_locale, tmp_path, args):
    done = run(args, pseudo_locale, tmp_path)
    assert done.returncode == 0, done.stderr
    assert OPEN in done.stdout  # the pseudo-locale is in use (argparse's "usage:" at least)
    assert english_lines(done.stdout) == []


def test_the_stretch_list_has_no_english_left(pseudo_locale, tmp_path):
    done = run(["stretches"], pseudo_locale, tmp_path)
    assert done.returncode == 0, done.stderr
    assert english_lines(done.stdout) == []


def test_a_usage_error_has_no_english_left(pseudo_locale, tmp_path):
    done = run(["no-such-command"], pseudo_locale, tmp_path)
    assert done.returncode == 2
    assert english_lines(done.stderr) == []


def test_config_check_on_a_broken_config_has_no_english_left(pseudo_locale, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[schedule]\ninterval_minutes = 0\nmon = ["9:00-17:00"]\n[stretches]\nexclude = ["no-such"]\n'
        '[interface]\nlanguage = "klingon"\n',
        "utf-8",
    )
    done = run(["config", "check", str(broken)], pseudo_locale, tmp_path)
    assert done.returncode == 2
    output = done.stdout + done.stderr
    assert output.strip()
    assert english_lines(output) == []


def test_the_json_keeps_ids_and_fields_in_english(pseudo_locale, tmp_path):
    english = subprocess.run(
        [sys.executable, "-m", "deskbreak", "stretches", "--json"],
        capture_output=True,
        text=True,
        env={**pseudo_env(pseudo_locale), "LANGUAGE": "en", "DESKBREAK_CONFIG": str(tmp_path / "none.toml")},
        cwd=ROOT,
        timeout=60,
    )
    translated = run(["stretches", "--json"], pseudo_locale, tmp_path)
    assert english.returncode == translated.returncode == 0
    english_items, translated_items = json.loads(english.stdout), json.loads(translated.stdout)
    assert [item["id"] for item in translated_items] == [item["id"] for item in english_items]
    assert [sorted(item) for item in translated_items] == [sorted(item) for item in english_items]
    assert [item["posture"] for item in translated_items] == [item["posture"] for item in english_items]
