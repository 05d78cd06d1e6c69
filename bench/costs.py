"""What a status bar costs per hour, and a one-shot command against the floor.

- `status --short` vs the floor: paired, interleaved runs of a bare `python -c pass` and of the
  console script's entry (`from deskbreak.cli import main`), both on the bench's clean venv; medians
  of the wall time and of the CPU time (user + system, from the children's rusage).
- A bar polling `deskbreak status --short` every 5 s: 720 calls an hour, each a new interpreter
  (its CPU, median of the calls) plus what the daemon spends answering (its CPU over the calls,
  less its own idle rate, per call).
- A bar on `deskbreak status --follow`: one process per session on one connection, printing on each
  change and at most once a minute. Computed (the CLI had no --follow when this was written) from a
  long-lived client on the same interpreter that asks for the status once per simulated minute (60
  requests, one connection each): its CPU and the daemon's, per hour; the start of the process,
  once per session, is not counted. Measuring the real `--follow` is what is left to do here.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
import tomllib
from dataclasses import dataclass

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
FOLLOW_CLIENT = """
import resource, sys
from deskbreak.control_client import ControlClient
from deskbreak.paths import default_paths
client = ControlClient(default_paths().socket_file)
start = resource.getrusage(resource.RUSAGE_SELF)
for _ in range(int(sys.argv[1])):
    client.request("status")
end = resource.getrusage(resource.RUSAGE_SELF)
print(end.ru_utime + end.ru_stime - start.ru_utime - start.ru_stime)
"""


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


def follow_cost(daemon: Daemon, idle_percent: float, lines: int = 60) -> BarCost:
    """A long-lived client's `lines` status requests (an hour of --follow's at-most-one-a-minute)."""
    before = Sample.take(_pid(daemon))
    done = subprocess.run(
        [PY, "-c", FOLLOW_CLIENT, str(lines)],
        cwd=REPO,
        env=daemon.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    after = Sample.take(_pid(daemon))
    client = float(done.stdout.strip() or "nan")
    return BarCost(lines, client / lines, _daemon_seconds(before, after, idle_percent) / lines)


def percent_of_a_core(seconds_an_hour: float) -> str:
    return f"{seconds_an_hour:.2f} CPU s/h ({100 * seconds_an_hour / 3600:.4f} % of a core)"


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"
