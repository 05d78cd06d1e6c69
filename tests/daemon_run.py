"""One real `deskbreak run` in a subprocess for the desktop tests, with private XDG folders, and the
CLI pointed at it. Used by the X11, Wayland and XFCE tests instead of a copy each."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from desktop_stack import wait_for

ROOT = Path(__file__).resolve().parents[1]
# A work window covering all of every day: a daemon under test is always in hours.
EVERY_DAY = "\n".join(f'{day} = ["00:00-24:00"]' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def run_cli(env: Mapping[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`deskbreak ARGS` from this checkout, in a process of its own (text out)."""
    return subprocess.run(
        [sys.executable, "-m", "deskbreak", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


@contextmanager
def short_home(config: str) -> Iterator[Path]:
    """A private home under /tmp (AF_UNIX socket paths are short) with `config` as the user's config."""
    top = Path(tempfile.mkdtemp(prefix="dbk", dir="/tmp"))
    path = top / "cfg" / "deskbreak" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(config)
    try:
        yield top
    finally:
        shutil.rmtree(top, ignore_errors=True)


# Settings of the machine running the tests that would change what the daemon under test does.
OWN_SETTINGS = (
    "DESKBREAK_TRAY",
    "DESKBREAK_NOTIFIER",
    "DESKBREAK_CONFIG",
    "DESKBREAK_IDLE_PROBE",
    "PYSTRAY_BACKEND",
)


def private_env(
    stack_env: Mapping[str, str], home: Path, set_env: Mapping[str, str] = {}, unset: Iterable[str] = ()
) -> dict[str, str]:
    """The stack's environment with config, data, state and runtime folders under `home`."""
    env = {
        **stack_env,
        "XDG_CONFIG_HOME": str(home / "cfg"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "PYTHONUNBUFFERED": "1",
        "PYTHONFAULTHANDLER": "1",
    }  # a hung daemon shows its threads on SIGABRT
    for name in (*OWN_SETTINGS, *unset):
        env.pop(name, None)
    env.update(set_env)
    (home / "run").mkdir(mode=0o700, exist_ok=True)
    return env


class DaemonRun:
    """`deskbreak run` with `env`, its output in `log`; `cli` runs other commands against it."""

    def __init__(self, env: dict[str, str], log: Path, verbose: bool = True) -> None:
        self.env, self.log, self.verbose = env, log, verbose
        self.proc: subprocess.Popen | None = None

    def start(self) -> DaemonRun:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "deskbreak", "run", *(["-v"] if self.verbose else [])],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        return self

    def cli(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "deskbreak", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def status(self) -> dict:
        done = self.cli("status", "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def log_text(self) -> str:
        """What the daemon printed, then its log file: without -v the terminal gets only the
        few lines a user needs, and every log line is in the file."""
        printed = self.log.read_text(errors="replace") if self.log.exists() else ""
        state = self.env.get("XDG_STATE_HOME")
        kept = Path(state) / "deskbreak" / "deskbreak.log" if state else None
        return printed + (kept.read_text(errors="replace") if kept and kept.exists() else "")

    def wait_log(self, text: str, timeout: float = 10) -> None:
        wait_for(lambda: text in self.log_text(), f"{text!r} in the daemon log", timeout)

    def wait_answering(self, timeout: float = 20) -> None:
        wait_for(
            lambda: self.proc.poll() is not None or self.cli("status").returncode == 0,
            "the daemon to answer",
            timeout,
        )
        assert self.proc.poll() is None, f"the daemon exited:\n{self.log_text()[-3000:]}"

    def stop(self) -> bool:
        """SIGTERM; a daemon that ignores it gets SIGABRT (its threads' stacks go to the log). True
        when it stopped on SIGTERM."""
        if self.proc is None or self.proc.poll() is not None:
            return True
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
            return True
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)
            self.proc.wait(5)
            return False


@contextmanager
def running_daemon(
    stack_env: Mapping[str, str],
    home: Path,
    set_env: Mapping[str, str] = {},
    unset: Iterable[str] = (),
    log_name: str = "daemon.log",
) -> Iterator[DaemonRun]:
    """A daemon that answers `status`, stopped with `deskbreak quit` afterwards."""
    daemon = DaemonRun(private_env(stack_env, home, set_env, unset), home / log_name, verbose=False).start()
    try:
        daemon.wait_answering()
        yield daemon
    finally:
        daemon.cli("quit")
        daemon.proc.wait(10)
