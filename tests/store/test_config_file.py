"""Reading the config file: a missing or unreadable file is a one-line ConfigError, no file means defaults."""

from pathlib import Path

import pytest

from deskbreak.core import config
from deskbreak.core.config import ConfigError
from deskbreak.store import config_file


def test_a_missing_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="got nothing, expected a config file"):
        config_file.load(tmp_path / "nope.toml")


def test_no_file_and_none_named_gives_the_defaults(tmp_path: Path):
    assert config_file.load_config(tmp_path / "nope.toml", explicit=False) == config.defaults()


def test_a_named_file_that_is_missing_is_an_error(tmp_path: Path):
    with pytest.raises(ConfigError):
        config_file.load_config(tmp_path / "nope.toml", explicit=True)


def test_a_file_is_read_and_validated(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text("[schedule]\ninterval_minutes = 40\n", "utf-8")
    assert config_file.load(path).schedule.interval_minutes == 40
    path.write_text("[schedule]\ninterval_minutes = 0\n", "utf-8")
    with pytest.raises(ConfigError, match=r"schedule\.interval_minutes: got 0"):
        config_file.load(path)
