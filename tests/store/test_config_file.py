"""Reading the config file: a missing or unreadable file is a one-line ConfigError, no file means defaults."""

import json
import os
import threading
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


def _in_a_thread(call):
    """Run `call` in a thread; its result (or exception), or "still running" after 10 s."""
    outcome: list[object] = []

    def run():
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    return outcome[0] if outcome else "still running"


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    error = _in_a_thread(lambda: config_file.load(fifo))
    assert isinstance(error, ConfigError)
    assert str(error) == f"{fifo}: file: got a named pipe (FIFO), expected a regular file of at most 1 MiB"


def test_a_device_is_refused_without_reading_it():
    with pytest.raises(ConfigError) as caught:
        config_file.load(Path("/dev/zero"))
    assert (
        str(caught.value)
        == "/dev/zero: file: got a character device, expected a regular file of at most 1 MiB"
    )


def test_a_directory_is_refused_in_one_line(tmp_path: Path):
    with pytest.raises(
        ConfigError, match=r"file: got a directory, expected a regular file of at most 1 MiB$"
    ):
        config_file.load(tmp_path)


def test_a_file_over_the_cap_is_refused(tmp_path: Path):
    path = tmp_path / "config.toml"
    with path.open("wb") as out:
        out.truncate(config_file.CONFIG_MAX_BYTES + 1)
    with pytest.raises(
        ConfigError, match=r"file: got a file of 1048577 bytes, expected a regular file of at most 1 MiB$"
    ):
        config_file.load(path)


def test_bytes_that_are_not_utf8_are_named_with_their_line(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"[schedule]\n\xff = 1\n")
    with pytest.raises(ConfigError) as caught:
        config_file.load(path)
    assert (
        str(caught.value) == f"{path}:2: file: got byte 0xff, which is not UTF-8, expected a UTF-8 text file"
    )


def test_a_file_read_is_capped_even_when_it_grows_past_its_size():
    with pytest.raises(config_file.UnusableFile, match="more than 1024 bytes"):
        config_file.read_regular(Path("/proc/self/maps"), 1024)  # size 0, content longer


def test_check_also_checks_each_calendar_file(tmp_path: Path):
    fifo, folder, good = tmp_path / "pipe.ics", tmp_path / "folder.ics", tmp_path / "good.ics"
    os.mkfifo(fifo)
    folder.mkdir()
    good.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    path = tmp_path / "config.toml"
    names = [str(good), "/dev/zero", str(tmp_path / "nope.ics"), str(fifo), str(folder)]
    path.write_text(f"[calendar]\nics = {json.dumps(names)}\n")
    assert config_file.load(path).calendar.ics == tuple(names)  # the daemon reports these itself
    with pytest.raises(ConfigError) as caught:
        config_file.check(path)
    wanted = "expected a regular .ics file of at most 16 MiB"
    assert str(caught.value).splitlines() == [
        f'{path}:2: calendar.ics[1]: got "/dev/zero", {wanted} (this is a character device)',
        f'{path}:2: calendar.ics[2]: got "{tmp_path}/nope.ics", {wanted} (there is no such file)',
        f'{path}:2: calendar.ics[3]: got "{fifo}", {wanted} (this is a named pipe (FIFO))',
        f'{path}:2: calendar.ics[4]: got "{folder}", {wanted} (this is a directory)',
    ]
    path.write_text(f"[calendar]\nics = {json.dumps([str(good)])}\n")
    assert config_file.check(path).calendar.ics == (str(good),)


def test_set_refuses_a_value_nested_absurdly_deep_in_one_line():
    with pytest.raises(config_file.EditError) as caught:
        config_file.set_key("", "schedule.mon", "[" * 3000 + "]" * 3000, "c.toml")
    assert str(caught.value) == (
        "c.toml: schedule.mon: got lists or tables nested more than 16 levels deep, "
        "expected at most 16 levels of nested lists and tables"
    )


def test_set_keeps_working_on_a_file_that_starts_with_a_byte_order_mark():
    result = config_file.set_key(
        "\ufeff[schedule]\ninterval_minutes = 45\n", "schedule.interval_minutes", "40"
    )
    assert result == "[schedule]\ninterval_minutes = 40\n"


def test_set_refuses_a_key_path_of_absurd_length_in_one_line():
    with pytest.raises(config_file.EditError, match=r"is not a key path such as schedule\.interval_minutes"):
        config_file.set_key("", "a" + ".a" * 3000, "1", "c.toml")
