"""`deskbreak logs [-f] [-n N]`: the daemon's rotating log in the state folder."""

from __future__ import annotations

import argparse
import sys
import threading
from collections import deque
from pathlib import Path
from typing import TextIO

from ..i18n import _

FOLLOW_POLL_SECONDS = 0.5


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    logs = sub.add_parser("logs", help=_("show the daemon's log (run the daemon with -v for debug lines)"))
    logs.add_argument("-f", "--follow", action="store_true", help=_("keep printing new lines (Ctrl-C stops)"))
    logs.add_argument(
        "-n", "--lines", type=int, default=50, help=_("how many of the last lines (default 50)")
    )


def tail(path: Path, count: int) -> list[str]:
    with path.open("r", encoding="utf-8", errors="replace") as stream:
        return list(deque(stream, maxlen=max(count, 0)))


def follow(path: Path, out: TextIO, stop: threading.Event, interval: float = FOLLOW_POLL_SECONDS) -> None:
    """Print lines appended to `path` until `stop` is set; a rotated (replaced or truncated) file is
    reopened from its start. Woken by the config watcher's inotify where it can, else every `interval`."""
    from ..daemon.config_watch import watch_config

    changed = threading.Event()
    watcher = watch_config(path, changed.set, debounce=0.05, poll_interval=interval)
    stream = _open_at_end(path)
    try:
        while not stop.is_set():
            if stream is None:
                stream = _open_at_start(path)
            if stream is not None:
                chunk = stream.read()
                if chunk:
                    out.write(chunk)
                    out.flush()
                if _replaced(path, stream):
                    stream.close()
                    stream = None
                    continue
            changed.wait(interval)
            changed.clear()
    finally:
        watcher.stop()
        if stream is not None:
            stream.close()


def _open_at_end(path: Path) -> TextIO | None:
    try:
        stream = path.open("r", encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    stream.seek(0, 2)
    return stream


def _open_at_start(path: Path) -> TextIO | None:
    try:
        return path.open("r", encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


def _replaced(path: Path, stream: TextIO) -> bool:
    import os

    try:
        now = path.stat()
    except FileNotFoundError:
        return True
    mine = os.fstat(stream.fileno())
    return (now.st_ino, now.st_dev) != (mine.st_ino, mine.st_dev) or now.st_size < stream.tell()


def cmd_logs(args: argparse.Namespace, path: Path | None = None) -> int:
    if path is None:
        from ..paths import default_paths

        path = default_paths().log_file
    if path.exists():
        sys.stdout.writelines(tail(path, args.lines))
        sys.stdout.flush()
    elif not args.follow:
        print(
            _("no log yet at {path}: it is written while the daemon runs").format(path=path), file=sys.stderr
        )
        return 1
    if args.follow:
        follow(path, sys.stdout, threading.Event())
    return 0
