"""`deskbreak logs`: the last lines, and -f following appends and a rotation."""

from __future__ import annotations

import argparse
import io
import threading

from deskbreak.cli import logs as cli_logs


def test_tail_prints_the_last_lines(tmp_path, capsys):
    log = tmp_path / "deskbreak.log"
    log.write_text("".join(f"line {n}\n" for n in range(100)))
    assert cli_logs.cmd_logs(argparse.Namespace(follow=False, lines=3), log) == 0
    assert capsys.readouterr().out == "line 97\nline 98\nline 99\n"


def test_no_log_yet_says_so(tmp_path, capsys):
    assert cli_logs.cmd_logs(argparse.Namespace(follow=False, lines=3), tmp_path / "none.log") == 1
    assert "no log yet" in capsys.readouterr().err


class Out(io.StringIO):
    def __init__(self, want: str):
        super().__init__()
        self.want, self.seen = want, threading.Event()

    def flush(self):
        if self.want in self.getvalue():
            self.seen.set()


def test_follow_prints_appends_and_survives_a_rotation(tmp_path):
    log = tmp_path / "deskbreak.log"
    log.write_text("old\n")
    out, stop = Out("appended"), threading.Event()
    thread = threading.Thread(target=cli_logs.follow, args=(log, out, stop, 0.05))
    thread.start()
    try:
        for _ in range(50):  # until the follower has opened the file (it starts at its end)
            with log.open("a") as stream:
                stream.write("appended\n")
            if out.seen.wait(0.1):
                break
        assert out.seen.is_set()
        out.want, out.seen = "after rotation", threading.Event()
        log.rename(tmp_path / "deskbreak.log.1")
        log.write_text("after rotation\n")
        assert out.seen.wait(5)
    finally:
        stop.set()
        thread.join(5)
    assert "old" not in out.getvalue()
    assert "after rotation" in out.getvalue()
