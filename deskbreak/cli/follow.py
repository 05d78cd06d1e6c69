"""The long-running CLI commands: `deskbreak status --follow` and `deskbreak events`.

Each holds one stream open on the control socket (`follow` or `events`) and prints a line per
change or event. When the daemon stops, `--follow` prints the "not running" form and both wait
for it to come back (retrying with a backoff up to RETRY_MAX seconds), then go on: a status bar
starts them once per session. They end when their output closes (the bar went away): the closed
pipe is noticed while waiting, not only at the next line.
"""

from __future__ import annotations

import json
import os
import select
import socket
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core import protocol, status_forms
from ..i18n import _

RETRY_FIRST = 0.1  # seconds before reconnecting to a daemon that went away, doubled up to:
RETRY_MAX = 3.0
RETRY_MAX_WATCHED = 30.0  # ...or this, while the socket's folder is watched (Linux: inotify)
IN_CREATE = 0x100  # <sys/inotify.h>: a name was created in the watched folder (the socket)
NOT_RUNNING_STATE = "not_running"  # `status --follow --json` while no daemon runs

Status = Mapping[str, Any]


class OutputClosed(Exception):
    """Whoever read our output went away."""


def follow_status(form: Callable[[Status | None], str]) -> int:
    """`status --follow`: print `form(status)` at once and on every change; `form(None)` while no
    daemon runs. Returns an exit code once the output closes or the daemon refuses."""

    def lines() -> Iterator[str]:
        while True:
            for status in _stream("follow"):
                if status is None:
                    yield form(None)
                elif not status.get("ok", True):
                    raise RefusedError(str(status.get("error", _("refused"))))
                elif "state" in status:  # not a `dropped` note: only the latest status matters
                    yield form(status)
            yield form(None)  # the daemon went away

    return _print_each(lines())


def follow_events(form: Callable[[Mapping[str, Any]], str]) -> int:
    """`deskbreak events`: print `form(event)` for each event; waits across daemon restarts."""

    def lines() -> Iterator[str]:
        while True:
            for line in _stream("events"):
                if line is not None and "ok" in line and not line["ok"]:
                    raise RefusedError(str(line.get("error", _("refused"))))
                if line is not None and "event" in line:
                    yield form(line)

    return _print_each(lines(), repeat=True)


class RefusedError(Exception):
    """The daemon refused the stream (one line)."""


def _print_each(lines: Iterator[str], repeat: bool = False) -> int:
    last: str | None = None
    try:
        for line in lines:
            if repeat or line != last:
                _write(line)
                last = line
    except RefusedError as error:
        print(_("deskbreak: {error}").format(error=error), file=sys.stderr)
        return 1
    except (OutputClosed, BrokenPipeError):
        _quiet_stdout()
    return 0


def _write(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _quiet_stdout() -> None:
    """The reader is gone: later flushes (at exit) must not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _stream(name: str) -> Iterator[dict[str, Any] | None]:
    """Every line of one stream (its reply first) until the daemon goes; while none answers, None
    after each try, then a wait (a growing pause, watching our output)."""
    from ..control_client import ControlClient, ControlError, NotRunning
    from ..paths import default_paths

    client = ControlClient(default_paths().socket_file)
    watch: int | None = None
    pause = RETRY_FIRST
    try:
        while True:
            try:
                sock = client.open_stream(name)
            except (NotRunning, ControlError):
                yield None
                if watch is None:
                    watch = _watch_folder(client.path.parent)
                woken = _wait_watching_output(pause, watch)
                pause = (
                    RETRY_FIRST
                    if woken
                    else min(pause * 2, RETRY_MAX if watch is None else RETRY_MAX_WATCHED)
                )
                continue
            try:
                lines = _lines_of(sock)
                first = next(lines, None)
                busy = first is not None and str(first.get("error", "")).startswith("busy")
                if not busy:  # busy: as if none ran, try again later
                    yield from ([first] if first is not None else [])
                    yield from lines
                    return
            finally:
                sock.close()
            yield None
            _wait_watching_output(pause, None)
            pause = min(pause * 2, RETRY_MAX)
    finally:
        if watch is not None:
            os.close(watch)


def _lines_of(sock: socket.socket) -> Iterator[dict[str, Any]]:
    buffer = b""
    while True:
        _wait_readable(sock)
        try:
            chunk = sock.recv(65536)
        except OSError:
            return
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            raw, buffer = buffer.split(b"\n", 1)
            try:
                line = json.loads(raw.decode("utf-8"))
            except ValueError:
                return  # not our protocol: treat as a daemon gone
            if isinstance(line, dict):
                yield line
        if len(buffer) > protocol.MAX_REPLY:
            return


def _wait_readable(sock: socket.socket) -> None:
    """Block until `sock` has data (or its end); OutputClosed if our output closes meanwhile."""
    if not hasattr(select, "poll"):  # Windows: no poll on pipes; a closed pipe shows at the next line
        return
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    out = _stdout_fd()
    if out is not None:
        poller.register(out, 0)  # a pipe whose reader went reports POLLERR even when asked nothing
    while True:
        for fd, events in poller.poll():
            if fd == out and events & (select.POLLERR | select.POLLHUP | select.POLLNVAL):
                raise OutputClosed()
            if fd != out:
                return


def _wait_watching_output(seconds: float, watch: int | None) -> bool:
    """Sleep `seconds`, or until something is created in the socket's folder (`watch`: True, the
    daemon may be back); OutputClosed if our output closes meanwhile."""
    out = _stdout_fd()
    if not hasattr(select, "poll"):
        import time

        time.sleep(seconds)
        return False
    poller = select.poll()
    if out is not None:
        poller.register(out, 0)
    if watch is not None:
        poller.register(watch, select.POLLIN)
    woken = False
    for fd, events in poller.poll(int(seconds * 1000)):
        if fd == out and events & (select.POLLERR | select.POLLHUP | select.POLLNVAL):
            raise OutputClosed()
        if fd == watch:
            _drain(watch)
            woken = True
    return woken


def _watch_folder(folder: Path) -> int | None:
    """An inotify descriptor that reads when a name is created in `folder` (Linux), else None:
    the wait for a daemon wakes when its socket appears instead of polling for it."""
    if not sys.platform.startswith("linux") or not folder.is_dir():
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = int(libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC))
    except (OSError, AttributeError):
        return None
    if fd < 0:
        return None
    if libc.inotify_add_watch(fd, os.fsencode(folder), IN_CREATE) < 0:
        os.close(fd)
        return None
    return fd


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except OSError:  # EAGAIN: nothing more
        pass


def _stdout_fd() -> int | None:
    try:
        return sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a buffer (tests), or closed
        return None


# --- formats ---


def json_form(status: Status | None) -> str:
    """`--follow --json`: one compact line per status (the `status --json` fields)."""
    if status is None:
        return json.dumps({"schema": protocol.SCHEMA, "state": NOT_RUNNING_STATE}, separators=(",", ":"))
    fields = {key: value for key, value in status.items() if key != "ok"}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def waybar_form(status: Status | None, ascii: bool, not_running: str) -> str:
    """waybar's custom-module JSON (`status_forms.waybar_body`). No daemon: empty text (waybar
    hides the module) and class `not-running`."""
    if status is not None:
        return status_forms.waybar_line(status, ascii)
    body = {"text": "", "tooltip": not_running, "class": "not-running", "percentage": 0}
    return status_forms.waybar_json(body, ascii)


def event_text(line: Mapping[str, Any]) -> str:
    """`deskbreak events` without --json: `14:30:05 done Seated twist`."""
    at = line.get("time")
    clock = datetime.fromisoformat(at).strftime("%H:%M:%S") if isinstance(at, str) else "--:--:--"
    skip = {"schema", "event", "time"}
    details = []
    for key, value in line.items():
        if key in skip or value is None:
            continue
        if isinstance(value, dict) and "name" in value:
            value = value["name"]
        details.append(
            f"{key}={value}" if not isinstance(value, list) else f"{key}={'; '.join(map(str, value))}"
        )
    return " ".join([clock, str(line.get("event")), *details])


def event_json(line: Mapping[str, Any]) -> str:
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))
