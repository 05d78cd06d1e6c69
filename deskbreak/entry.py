"""The `deskbreak` command's entry: a status bar's one-shot `deskbreak status` at the cost of a bare
interpreter start, everything else handed to the full CLI (`deskbreak.cli.main`) unchanged.

A bar may run `deskbreak status --short` every few seconds, and in a 10 ms interpreter start
argparse, json, socket (its enums), pathlib, dataclasses and platformdirs each cost as much as the
start again. So the one-shot forms (`status`, `status --short [--ascii]`, `status --waybar
[--ascii]`, `status --json`, exactly these words) are recognised here by hand and served with the
standard library's C socket and JSON scanner: the daemon renders the form (in its language) and
this prints its text. Anything else, and every outcome but the daemon's rendered answer (an error,
a refusal, a daemon too old to render, no daemon except for `--short`'s silent exit 3), goes to the
full CLI, which asks again and answers as it always has: one behaviour, two costs.

The plain ways to start the daemon (`deskbreak`, `deskbreak run`, with `-v` / `--verbose` and one
`--config PATH`) go straight to the daemon too (`daemon.start.start_plainly`): argparse and the CLI's modules would otherwise stay
in its memory for its whole life (about 0.5 MB). `--help`, abbreviations and mistakes go to the full
CLI, which parses them as it always has.

This module imports no argparse, json, re, gettext, pathlib or dataclasses; a test holds it to that.
"""

import os
import sys

from .runtime import MISSING, SOCKET_NAME, choose_runtime_dir, current_uid, folder_problem

TIMEOUT = 2.0  # seconds to connect, then to answer: as the full CLI's client
MAX_ANSWER = 64 * 1024  # bytes; a longer answer (none is) goes to the full CLI and its own limit
EXIT_NOT_RUNNING = 3
# `status` and its options, as typed, for each form the daemon renders (`core/status_forms.py`).
ONE_SHOT_FORMS = {
    frozenset(): "text",
    frozenset({"--json"}): "json",
    frozenset({"--short"}): "short",
    frozenset({"--short", "--ascii"}): "short-ascii",
    frozenset({"--waybar"}): "waybar",
    frozenset({"--waybar", "--ascii"}): "waybar-ascii",
}
SILENT_WHEN_NOT_RUNNING = ("short", "short-ascii")  # exit 3 and no output: the bar hides its module


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    form = one_shot_form(argv)
    if form is not None:
        try:
            code = serve(form)
        except KeyboardInterrupt:
            return 0
        if code is not None:
            return code
    run = run_form(argv)
    if run is not None:
        from .daemon.start import start_plainly

        return start_plainly(argv, *run)
    from .cli import main as full_main

    return full_main(argv)


def run_form(argv: list[str]) -> tuple[str | None, bool] | None:
    """(the `--config` path or None, verbose) when `argv` is a plain start of the daemon: `[run]`
    with `-v`/`--verbose` and `--config PATH`/`--config=PATH` at most once each; else None."""
    words = argv[1:] if argv[:1] == ["run"] else argv
    config: str | None = None
    verbose = False
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("-v", "--verbose") and not verbose:
            verbose = True
        elif (
            word == "--config"
            and config is None
            and index + 1 < len(words)
            and words[index + 1][:1] not in ("", "-")
        ):
            index += 1
            config = words[index]
        elif word.startswith("--config=") and config is None and len(word) > len("--config="):
            config = word.removeprefix("--config=")
        else:
            return None
        index += 1
    return config, verbose


def one_shot_form(argv: list[str]) -> str | None:
    """The status form `argv` asks for when it is exactly one of the one-shot forms, else None."""
    if not argv or argv[0] != "status" or len(set(argv[1:])) != len(argv) - 1:
        return None
    return ONE_SHOT_FORMS.get(frozenset(argv[1:]))


def serve(form: str) -> int | None:
    """Print the daemon's rendered `form` and return the exit code; None: leave it to the full CLI."""
    if sys.platform == "win32":  # loopback TCP with a token file: the full CLI's client
        return None
    runtime, _problem = choose_runtime_dir(os.environ, current_uid(), _state_dir)
    problem = folder_problem(runtime, current_uid())
    if problem == MISSING:
        return EXIT_NOT_RUNNING if form in SILENT_WHEN_NOT_RUNNING else None
    if problem is not None:
        return None
    try:
        answer = ask(os.path.join(runtime, SOCKET_NAME), form)
    except (FileNotFoundError, ConnectionRefusedError, NotADirectoryError):
        return EXIT_NOT_RUNNING if form in SILENT_WHEN_NOT_RUNNING else None
    except OSError:  # a timeout, a daemon that hung up: the full CLI says so
        return None
    text = rendered_text(answer)
    if text is None:
        return None
    try:
        print(text)
    except BrokenPipeError:  # the bar went away, as the full CLI
        return 0
    return 0


def _state_dir() -> str:
    """Only when no per-user runtime folder is usable: the platform's state folder (paths.py)."""
    from .paths import user_state_dir

    return user_state_dir()


def request_line(form: str) -> bytes:
    """`protocol.encode_request("status", form)`, for a form name (plain ASCII, no quote)."""
    return b'{"cmd":"status","arg":"' + form.encode("ascii") + b'"}\n'


def ask(path: str, form: str) -> bytes:
    """One round trip on the control socket: the answer's line (without its newline)."""
    import _socket  # the C module under `socket`, whose enums cost a polled command 0.7x a bare start

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(TIMEOUT)
        sock.connect(path)
        try:
            sock.sendall(request_line(form))
        except (BrokenPipeError, ConnectionResetError):
            pass  # a daemon that answers at once ("busy") may hang up first: its answer is still there
        answer = b""
        while b"\n" not in answer and len(answer) <= MAX_ANSWER:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    finally:
        sock.close()
    return answer.split(b"\n", 1)[0]


class _JsonContext:
    """What the C JSON scanner reads from its decoder: `json.loads`' defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float  # NaN, Infinity, -Infinity
    memo: dict[str, str] = {}  # noqa: RUF012 (the scanner's own cache of keys, as json.decoder's)


def rendered_text(answer: bytes) -> str | None:
    """The `text` of an `{"ok": true, ..., "text": "..."}` answer; None for any other answer."""
    if len(answer) > MAX_ANSWER:
        return None
    try:
        from _json import make_scanner  # json's own C scanner, without json's import of re
    except ImportError:
        return None
    try:
        line = answer.decode("utf-8").rstrip("\r")
        scan = make_scanner(_JsonContext())  # type: ignore[arg-type]  # json.decoder's duck-typed context
        reply, end = scan(line, 0)
    except Exception:  # not UTF-8 or not JSON: the full CLI reports it
        return None
    if end != len(line) or not isinstance(reply, dict):
        return None
    text = reply.get("text")
    return text if reply.get("ok") is True and isinstance(text, str) else None
