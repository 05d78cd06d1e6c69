"""The CLI's texts go through the user's language: a pseudo-language that marks every translated
text with «» shows what was wrapped, while ids (doctor's check names in `--json`) stay English."""

from __future__ import annotations

import gettext
import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest

from deskbreak import cli, i18n
from deskbreak.cli.doctor_check import Check
from deskbreak.core import config
from deskbreak.core.outcomes import PromptOutcome
from deskbreak.paths import default_paths
from deskbreak.store.history import History


class Marked(gettext.NullTranslations):
    """Every text «marked», its {placeholders} kept: what a translator's catalog would change."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"«{msgid1 if n == 1 else msgid2}»"


@pytest.fixture
def marked(monkeypatch) -> Iterator[None]:
    monkeypatch.setattr(i18n, "load_translations", lambda languages: Marked())
    i18n.use_language(["marked"])
    yield
    monkeypatch.undo()
    i18n.use_language(None)  # the environment's again: English in the tests


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    paths = default_paths()
    paths.config_file.parent.mkdir(parents=True)
    week = "\n".join(f'{day} = ["00:00-24:00"]' for day in config.WEEKDAYS)
    paths.config_file.write_text(f'[schedule]\ntimezone = "UTC"\n{week}\n[goals]\ndaily_stretches = 2\n')
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    with History.open(paths.history_file, zone=UTC) as history:
        for days_ago, outcome in ((1, "done"), (0, "skipped")):
            at = now - timedelta(days=days_ago)
            history.record(PromptOutcome(at, "seated-twist", outcome, at, 20))
    return paths


def test_a_doctor_line_is_translated_and_its_name_stays_an_english_id(marked):
    check = Check("tray", False, "headless", "install it")
    assert check.line() == "«✗ «tray»: headless — fix: install it»"
    assert asdict(check)["name"] == "tray"  # what `doctor --json` prints
    assert Check("  this machine", True, "seen").line() == "«✓   «this machine»: seen»"


def test_doctor_json_keeps_the_check_names_english(home, marked, capsys):
    cli.main(["doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    names = [check["name"] for check in report["checks"]]
    assert "config" in names and "stretch catalog" in names and not any("«" in name for name in names)
    details = {check["name"]: check["detail"] for check in report["checks"]}
    assert details["stretch catalog"].startswith("«") and details["log"].startswith("«")


def test_stats_says_every_sentence_in_the_language_and_leaves_only_figures(home, marked, capsys):
    assert cli.main(["stats", "--days", "3"]) == 0  # the history starts yesterday
    lines = capsys.readouterr().out.splitlines()
    heading, history_starts, columns, *days, legend, totals, stretches = lines
    assert all(line.startswith("«") for line in (heading, history_starts, legend, totals))
    assert columns.split() == ["«day»", "«done»", "«snoozed»", "«skipped»", "«ignored»", "«breaks»"]
    assert len(days) == 2 and not any("«" in day for day in days)  # dates and counts only
    assert all(part.startswith("«") for part in stretches.split("   "))
    assert "«Seated spinal twist» (1)" in stretches  # the catalog's name, translated when shown


def test_help_and_errors_of_config_are_translated(tmp_path, monkeypatch, marked, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert cli.main(["config", "check"]) == 0
    assert capsys.readouterr().out.startswith("«ok: no config file at ")
    help_text = cli.build_parser("doctor")._subparsers._group_actions[0].choices["doctor"].format_help()
    assert "«also send a test notification»" in help_text
