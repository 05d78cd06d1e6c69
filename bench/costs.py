"""What a status bar costs per hour, and a one-shot command against the floor.

- `status --short` vs the floor: paired, interleaved runs of a bare `python -c pass` and of the
  console script's entry (what pyproject's `[project.scripts]` names; with `pip_wrapper`, after
  the `import re` of pip's generated script), both on the bench's clean venv with bytecode cached
  as an install has it; medians of the wall time and of the CPU time (user + system, from the
  children's rusage).
- A bar polling `deskbreak status --short` every 5 s: 720 calls an hour, each a new interpreter
  (its CPU, median of the calls) plus what the daemon spends answering (its CPU over the calls,
  less its own idle rate, per call).
- A bar on `deskbreak status --follow --short`: one process per session on one connection,
  printing on each change and at most once a minute for progress. Measured: the real command runs
  against the daemon while the bench changes its status (`pause`, `resume`, in turn) every
  second; its own CPU (`/proc/PID/schedstat`, ns) from its first line to the end, per line it
  printed, and the daemon's extra CPU: its utime + stime (every thread, ended ones too) over that
  period, less the same over an equal period of the same changes with no follower. Per hour: 60
  lines (a line a minute; a status that changes more often prints more). The process's start, once
  per session, is given apart.
"""

from __future__ import annotations

import os
import resource
import select
import statistics
import subprocess
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from interpreter import PY
from procfs import CLOCK_TICKS, Sample
from subjects import REPO, Daemon


def console_entry(pip_wrapper: bool = False) -> str:
    """What the installed `deskbreak` script runs: pyproject's `[project.scripts]` entry. pip's
    (and pipx's) generated script imports `re` first (distlib's template; uv's does not)."""
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    module, function = scripts["deskbreak"].split(":")
    entry = f"import sys; from {module} import {function}; sys.exit({function}())"
    return f"import re; {entry}" if pip_wrapper else entry


ENTRY = console_entry()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run to its end."""
    cpu, wall = _children_cpu(), time.perf_counter()
    subprocess.run(argv, cwd=REPO, env=env, capture_output=True, timeout=60)
    return time.perf_counter() - wall, _children_cpu() - cpu


@dataclass(frozen=True)
class Paired:
    runs: int
    floor_wall: float
    floor_cpu: float
    wall: float
    cpu: float

    def line(self) -> str:
        return (
            f"wall {self.wall * 1000:.1f} ms vs {self.floor_wall * 1000:.1f} ms = {self.wall / self.floor_wall:.2f}x; "
            f"CPU {self.cpu * 1000:.1f} ms vs {self.floor_cpu * 1000:.1f} ms = {self.cpu / self.floor_cpu:.2f}x"
        )


def as_installed(env: dict[str, str]) -> dict[str, str]:
    """`env` for a command run as an installed one: its modules' bytecode cached (pip compiles it at
    install), so a PYTHONDONTWRITEBYTECODE in the bench's own environment is dropped, and each
    command runs once before it is timed to write the repo's `__pycache__`."""
    return {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}


def versus_floor(args: list[str], env: dict[str, str], runs: int = 20, entry: str = ENTRY) -> Paired:
    """`deskbreak ARGS` and a bare `python -c pass`, interleaved (floor first, then the command)."""
    env = as_installed(env)
    floor_argv, command_argv = [PY, "-c", "pass"], [PY, "-c", entry, *args]
    _timed(floor_argv, env), _timed(command_argv, env)  # bytecode written, caches warm: not counted
    floor, command = [], []
    for _ in range(runs):
        floor.append(_timed(floor_argv, env))
        command.append(_timed(command_argv, env))
    med = statistics.median
    return Paired(
        runs,
        med(w for w, _ in floor),
        med(c for _, c in floor),
        med(w for w, _ in command),
        med(c for _, c in command),
    )


def _daemon_seconds(before: Sample, after: Sample, idle_percent: float) -> float:
    """The daemon's CPU seconds between two samples, less what it spends idle over that time."""
    spent = (after.cpu_ticks - before.cpu_ticks) / CLOCK_TICKS
    return max(0.0, spent - idle_percent / 100 * (after.at - before.at))


@dataclass(frozen=True)
class BarCost:
    calls: int
    client_per_call: float  # CPU s
    daemon_per_call: float  # CPU s

    def per_hour(self, calls_an_hour: int) -> float:
        return calls_an_hour * (self.client_per_call + self.daemon_per_call)


def _pid(daemon: Daemon) -> int:
    if daemon.proc is None:
        raise RuntimeError(f"{daemon.label} is not running")
    return daemon.proc.pid


def polling_cost(daemon: Daemon, idle_percent: float, calls: int = 40) -> BarCost:
    """`deskbreak status --short` run `calls` times against `daemon` (one after another)."""
    before = Sample.take(_pid(daemon))
    env = as_installed(daemon.env)
    cpus = [_timed([PY, "-c", ENTRY, "status", "--short"], env)[1] for _ in range(calls)]
    after = Sample.take(_pid(daemon))
    return BarCost(calls, statistics.median(cpus), _daemon_seconds(before, after, idle_percent) / calls)


@dataclass(frozen=True)
class FollowCost:
    seconds: float  # the measured period (each of the two)
    lines: int  # printed by the follower in it
    client: float  # CPU s of the follower over the period
    daemon_with: float  # CPU s of the daemon over the period, with the follower
    daemon_without: float  # ... over the same changes with none
    start_up: float  # CPU s of the follower until its first line

    @property
    def client_per_line(self) -> float:
        return self.client / max(self.lines, 1)

    @property
    def daemon_per_line(self) -> float:
        return max(0.0, self.daemon_with - self.daemon_without) / max(self.lines, 1)

    def per_hour(self, lines_an_hour: int = 60) -> float:
        return lines_an_hour * (self.client_per_line + self.daemon_per_line)


def _run_ns(pid: int) -> int:
    """CPU time of a single-threaded process, in ns (the scheduler's own count: no 10 ms ticks)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def _changes(daemon: Daemon, seconds: float, every: float) -> int:
    """Pause and resume the daemon in turn, one change each `every` s, for `seconds`, ending resumed;
    how many changes."""
    deadline = time.monotonic() + seconds
    paused, count = False, 0
    while True:
        wake = min(deadline, time.monotonic() + every)
        time.sleep(max(0.0, wake - time.monotonic()))
        if time.monotonic() >= deadline:
            break
        paused, count = not paused, count + 1
        daemon.request("pause" if paused else "resume")
    if paused:
        daemon.request("resume")
        count += 1
    return count


class _Lines:
    """A child's stdout, read line by line with a deadline."""

    def __init__(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        self.fd, self.buffer, self.count = proc.stdout.fileno(), b"", 0

    def drain(self, timeout: float = 0.0) -> None:
        while select.select([self.fd], [], [], timeout)[0]:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return
            self.buffer += chunk
            self.count += chunk.count(b"\n")
            timeout = 0.0


# Each of the two periods, and a change each second in them: about 60 lines, so the daemon's share,
# read in 10 ms ticks (+-0.02 s over the difference of two periods), is +-0.3 ms a line.
FOLLOW_SECONDS = 60.0
FOLLOW_CHANGE_EVERY = 1.0


def follow_cost(
    daemon: Daemon, seconds: float = FOLLOW_SECONDS, every: float = FOLLOW_CHANGE_EVERY
) -> FollowCost:
    """`deskbreak status --follow --short` against `daemon` for `seconds` of status changes, and the
    same changes for `seconds` without it (the daemon's own cost of changing)."""
    pid = _pid(daemon)
    before = Sample.take(pid)
    _changes(daemon, seconds, every)
    without = (Sample.take(pid).cpu_ticks - before.cpu_ticks) / CLOCK_TICKS
    follower = subprocess.Popen(
        [PY, "-c", ENTRY, "status", "--follow", "--short"],
        cwd=REPO,
        env=as_installed(daemon.env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        out = _Lines(follower)
        deadline = time.monotonic() + 30
        while out.count == 0 and time.monotonic() < deadline:
            out.drain(0.1)
        if out.count == 0:
            raise RuntimeError("status --follow printed nothing within 30 s")
        start_up = _run_ns(follower.pid) / 1e9
        first, before = out.count, Sample.take(pid)
        changed = _changes(daemon, seconds, every)
        deadline = time.monotonic() + 3
        while out.count - first < changed and time.monotonic() < deadline:
            out.drain(0.1)  # the last changes' lines
        client = _run_ns(follower.pid) / 1e9 - start_up
        with_follower = (Sample.take(pid).cpu_ticks - before.cpu_ticks) / CLOCK_TICKS
    finally:
        follower.terminate()
        follower.wait(10)
        if follower.stdout is not None:
            follower.stdout.close()
    return FollowCost(seconds, out.count - first, client, with_follower, without, start_up)


def percent_of_a_core(seconds_an_hour: float) -> str:
    return f"{seconds_an_hour:.2f} CPU s/h ({100 * seconds_an_hour / 3600:.4f} % of a core)"


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"
