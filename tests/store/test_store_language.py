"""What the store tells the user reads in their language (here a pseudo-language that brackets each
text); paths, ids and the system's own reasons stay as they are."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from pseudo_language import OPEN, translated

from deskbreak.core.config_checks import ConfigError
from deskbreak.store import config_file, history_file
from deskbreak.store.recorder import unknown_stretch


def test_a_config_that_is_a_folder_is_refused_in_the_language(tmp_path: Path, pseudo_language: None) -> None:
    with pytest.raises(ConfigError) as raised:
        config_file.read_text(tmp_path)
    line = str(raised.value)
    assert translated(line) and str(tmp_path) in line and "\n" not in line
    assert f"{OPEN}a directory" in line  # what the path is, translated too


def test_a_missing_calendar_file_is_named_in_the_language(tmp_path: Path, pseudo_language: None) -> None:
    problem = config_file.ics_problem(tmp_path / "work.ics")
    assert problem is not None and translated(problem)


def test_history_problems_are_translated_with_their_path_and_action(
    tmp_path: Path, pseudo_language: None
) -> None:
    assert history_file.diagnose(tmp_path) == history_file.folder_message(tmp_path)
    assert translated(history_file.folder_message(tmp_path))
    denied = history_file.describe_os(
        tmp_path / "h.sqlite", "read it", PermissionError(errno.EACCES, "denied")
    )
    message = str(denied)
    assert translated(message) and f"{OPEN}read it" in message and "denied" in message
    assert denied.kind == history_file.READ_ONLY


def test_an_unknown_stretch_is_refused_in_the_language_and_keeps_its_id(pseudo_language: None) -> None:
    refusal = unknown_stretch("neck-tilt-2", {"neck-tilt"})
    assert refusal is not None and translated(refusal) and "'neck-tilt-2'" in refusal
