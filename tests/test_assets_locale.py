"""Reading the user's locale's line of the shipped locale-formats table, and the CLI using it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path

import pytest

from deskbreak.assets import LOCALE_TABLE, desktop_locale_formats, locale_formats
from deskbreak.core import locale_formats as lf
from deskbreak.core.protocol import encode_reply

REPO = Path(__file__).resolve().parents[1]


def test_a_posix_locale_finds_its_cldr_line():
    assert locale_formats("zh_CN").name == "zh_Hans_CN"
    assert locale_formats("zh_TW").name == "zh_Hant_TW"
    assert locale_formats("de_AT").name == "de_AT"
    assert locale_formats("pt_BR").name == "pt_BR"
    assert locale_formats("en_US").time == "h:mm\u202fa"


def test_a_region_the_table_lacks_takes_its_languages_line():
    assert locale_formats("de_XX").name == "de"


def test_a_language_the_table_lacks_or_no_table_keeps_the_c_form(tmp_path):
    assert locale_formats("xx_YY") is lf.POSIX_FORMATS
    assert locale_formats("de_DE", tmp_path / "missing.tsv") is lf.POSIX_FORMATS


def test_the_desktops_locale_decides_the_clock():
    at = datetime(2026, 12, 7, 14, 30)
    assert lf.short_time(at, desktop_locale_formats({"LANG": "en_US.UTF-8"})) == "2:30\u202fPM"
    assert lf.short_time(at, desktop_locale_formats({"LANG": "en_GB.UTF-8"})) == "14:30"
    assert desktop_locale_formats({"LANG": "C.UTF-8"}) is lf.POSIX_FORMATS
    assert desktop_locale_formats({}) is lf.POSIX_FORMATS
    german = desktop_locale_formats({"LANG": "en_US.UTF-8"}, language="de")
    assert lf.weekday_time(at, german) == "Mo., 14:30"


def test_the_table_is_read_one_line_at_a_time_and_stops_at_its_locale(tmp_path):
    table = tmp_path / "table.tsv"
    line = LOCALE_TABLE.read_text("utf-8").splitlines()[1:]
    de = next(x for x in line if x.startswith("de\t"))
    table.write_text(de + "\nnot a line the reader reaches\n", "utf-8")
    assert locale_formats("de", table).name == "de"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "C.UTF-8"}, "🧘 10:30"),
        ({"LANG": "en_US.UTF-8"}, "🧘 10:30\u202fAM"),
        ({"LANG": "en_GB.UTF-8", "LC_TIME": "zh_TW.UTF-8"}, "🧘 上午10:30"),
    ],
)
def test_the_status_bar_line_reads_the_time_in_the_desktops_locale(environ, expected):
    status = {"ok": True, "state": "working", "next_prompt_at": "2026-12-07T10:30:00+01:00", "headline": "x"}
    top = Path(tempfile.mkdtemp(prefix="dbl", dir="/tmp"))  # AF_UNIX paths are short
    try:
        (top / "deskbreak").mkdir(mode=0o700)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(top / "deskbreak" / "control.sock"))
        server.listen(1)

        def answer() -> None:
            with server, server.accept()[0] as conn:
                conn.makefile("rb").readline()
                conn.sendall(encode_reply(status))

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("LC_") and k not in ("LANG", "LANGUAGE")
        }
        done = subprocess.run(
            [sys.executable, "-m", "deskbreak", "status", "--short"],
            env={**env, **environ, "XDG_RUNTIME_DIR": str(top), "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        thread.join(5)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    assert done.stdout.splitlines()[0] == expected, done.stderr
