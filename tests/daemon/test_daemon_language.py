"""The daemon speaks the language chosen at start-up, after its modules were imported: its replies,
refusals, notices and start line are translated when they are built, while the log keeps English
and the words clients match (`busy`) stay as written. A small catalog (`xx`, every text upper-cased
inside « ») is compiled here, so a text that skipped `_` shows up in English."""

from __future__ import annotations

import logging
import re
import socket
import struct
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskbreak import i18n
from deskbreak.adapters.fakes import FakeClock, FakeNotifier
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.core import config as config_model
from deskbreak.core import protocol
from deskbreak.core.catalog import Catalog, Stretch
from deskbreak.daemon import assemble, instance, reconfigure, streams
from deskbreak.daemon import sync as daemon_sync
from deskbreak.daemon.service import Daemon, Ports

BERLIN = ZoneInfo("Europe/Berlin")
CATALOG = Catalog(
    (Stretch("twist", "Twist", "seated", ("neck",), ("Sit tall.", "Turn."), 20, 1, False, "Stop.", "t"),)
)
PLACEHOLDER = re.compile(r"(\{[a-z_]+\})")


def shouted(text: str) -> str:
    """The test language: letters upper-cased inside « », placeholders kept."""
    return "«" + "".join(p if PLACEHOLDER.fullmatch(p) else p.upper() for p in PLACEHOLDER.split(text)) + "»"


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo file (gettext's format: a header, two tables of (length, offset), the strings)."""
    entries = sorted({"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items())
    ids = [key.encode() for key, _value in entries]
    strs = [value.encode() for _key, value in entries]
    header_size, table_size = 7 * 4, len(entries) * 8
    offset = header_size + 2 * table_size
    id_table, str_table, data = b"", b"", b""
    for table_strings, is_ids in ((ids, True), (strs, False)):
        for raw in table_strings:
            entry = struct.pack("<2I", len(raw), offset + len(data))
            data += raw + b"\0"
            if is_ids:
                id_table += entry
            else:
                str_table += entry
    head = struct.pack("<7I", 0x950412DE, 0, len(entries), header_size, header_size + table_size, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + id_table + str_table + data)


ENGLISH_TEXTS = [
    *assemble.PROMPTS_APPEAR.values(),
    daemon_sync.FOLDER_MISSING,
    daemon_sync.CANNOT_WRITE,
    reconfigure.NO_EDITOR,
    "no stretch '{stretch_id}' in the catalog (`deskbreak stretches` lists them)",
    "deskbreak is already running (pid {pid})",
    "deskbreak: config not applied",
    "deskbreak: history problem",
    "{file}: the file is gone; keeping the last good config until it is back",
    "too many readers of {command}, try again",
]


@pytest.fixture
def shouting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process speaks the test language (chosen after every import, as at start-up), then
    the environment's again."""
    write_mo(
        tmp_path / "locale" / "xx" / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo",
        {text: shouted(text) for text in ENGLISH_TEXTS},
    )
    monkeypatch.setenv(i18n.LOCALE_DIR_VARIABLE, str(tmp_path / "locale"))
    i18n.use_language(["xx"])
    yield
    monkeypatch.undo()
    i18n.use_language(None)


def test_the_start_line_is_in_the_language_chosen_after_import(shouting: None) -> None:
    line = assemble.where_prompts_appear("plyer", "sni")
    assert line == (
        "«PROMPTS APPEAR AS DESKTOP NOTIFICATIONS (plyer), OR ON THIS TERMINAL IF NONE CAN BE SHOWN; "
        "ANSWER IN THE TRAY ICON'S MENU, WITH DESKBREAK DONE|SNOOZE|SKIP»"
    )


def test_a_second_daemon_is_told_in_the_users_language(shouting: None) -> None:
    assert str(instance.AlreadyRunning(42)) == "«DESKBREAK IS ALREADY RUNNING (PID 42)»"


def test_a_busy_refusal_keeps_the_word_clients_retry_on(shouting: None) -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        streams.OpenStreams(None).serve(ours, "follow", b"", lambda line: {"ok": True}, threading.Event())
        reply = protocol.decode_reply(theirs.makefile("rb").readline())
    assert reply == {"ok": False, "error": "busy: «TOO MANY READERS OF follow, TRY AGAIN»"}


def test_a_missing_sync_folder_is_logged_in_english_and_shown_translated(
    shouting: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "unmounted"
    clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN))
    caplog.set_level(logging.WARNING, logger="deskbreak.daemon.sync")
    routine = daemon_sync.SharedRoutine(folder, "m1", "desk", lambda records: None, clock).start()
    try:
        assert (
            routine.problem()
            == f"«THE SYNC FOLDER {folder} IS MISSING (AN UNMOUNTED DRIVE?): RECORDS WAIT UNTIL IT IS BACK»"
        )
        assert daemon_sync.FOLDER_MISSING.format(folder=folder) in caplog.text
        i18n.use_language(["en"])  # a language change after the problem was seen: shown in the new one
        assert routine.problem() == daemon_sync.FOLDER_MISSING.format(folder=folder)
    finally:
        routine.close()


def test_an_unknown_stretch_is_refused_in_the_users_language(shouting: None) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN))
    config = config_model.loads('[schedule]\ntimezone = "Europe/Berlin"\n', "test.toml")
    daemon = Daemon(config, CATALOG, Ports(notifier=FakeNotifier(), tray=HeadlessTray(), clock=clock))
    reply = daemon.command("done", {"held_seconds": 20, "stretch": "no-such-stretch"})
    assert reply["ok"] is False
    assert (
        reply["error"] == "«NO STRETCH 'no-such-stretch' IN THE CATALOG (`DESKBREAK STRETCHES` LISTS THEM)»"
    )


def test_a_config_problem_is_said_in_the_users_language_and_logged_in_english(
    shouting: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[schedule]\ntimezone = "Europe/Berlin"\n')
    clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN))
    config = config_model.loads(path.read_text(), str(path))
    notifier = FakeNotifier()
    daemon = Daemon(
        config, CATALOG, Ports(notifier=notifier, tray=HeadlessTray(), clock=clock), config_path=path
    )
    path.unlink()
    caplog.set_level(logging.WARNING, logger="deskbreak.daemon.reconfigure")
    reply = daemon.reload("test")
    gone = f"«{path}: THE FILE IS GONE; KEEPING THE LAST GOOD CONFIG UNTIL IT IS BACK»"
    assert reply["error"] == gone == daemon.status()["config_error"]
    assert f"{path}: the file is gone; keeping the last good config until it is back (test)" in caplog.text
    path.write_text("[schedule]\ninterval_minutes = 0\n")
    assert not daemon.reload("test")["ok"]
    assert [notice.title for notice in notifier.notices] == ["«DESKBREAK: CONFIG NOT APPLIED»"]
