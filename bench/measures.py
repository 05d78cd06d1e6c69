"""Measurements that are not /proc readings: prompt latency on the bus, import times, CLI wall
time, and the five-year stats benchmark."""

from __future__ import annotations

import contextlib
import io
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from desktop_stack import DesktopStack
from subjects import PY, REPO, Daemon, Procs


class NotifyWatch:
    """dbus-monitor on the private bus: the wall-clock time of every Notify call."""

    def __init__(self, procs: Procs, stack: DesktopStack, workdir: Path) -> None:
        rule = "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
        self.times: list[float] = []
        self._cond = threading.Condition()
        self.proc = procs.start(
            ["dbus-monitor", "--session", rule],
            workdir / "dbus-monitor.log",
            env=stack.env,
            stdout=subprocess.PIPE,
        )
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.3)  # let it subscribe

    def _read(self) -> None:
        for line in self.proc.stdout:
            m = re.match(rb"method call time=(\d+\.\d+) .*member=Notify", line)
            if m:
                with self._cond:
                    self.times.append(float(m.group(1)))
                    self._cond.notify_all()

    def first_after(self, since: float, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                later = [t for t in self.times if t >= since]
                if later:
                    return later[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)


def prompt_latency(daemon: Daemon, watch: NotifyWatch, samples: int) -> list[float]:
    """Due instant -> Notify on the bus, `samples` times (about a minute each)."""
    deltas = []
    for _ in range(samples):
        sent = time.time()
        reply = daemon.request("done")
        answered = time.time()
        due = (sent + answered) / 2 + 60  # the daemon re-anchors at its `now`, between the two
        shown = datetime.fromisoformat(reply["next_prompt_at"]).timestamp()
        if not shown <= due < shown + 1.5:  # status rounds to the second
            daemon.notes.append(f"status says next prompt {reply['next_prompt_at']}, expected {due:.3f}")
            due = shown
        at = watch.first_after(answered, timeout=90)
        if at is None:
            daemon.notes.append("no Notify on the bus within 90 s of the due instant")
            break
        deltas.append(at - due)
    return deltas


def parse_importtime(stderr: str) -> list[tuple[int, int, str]]:
    """(self us, cumulative us, module) for every `import time:` line."""
    rows = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (.*)$", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    return rows


def import_report(title: str, rows: list[tuple[int, int, str]], top: int = 10) -> list[str]:
    total = sum(r[0] for r in rows) / 1000
    lines = [f"{title}: {len(rows)} modules, {total:.0f} ms of imports; top {top} cumulative:"]
    for self_us, cum_us, name in sorted(rows, key=lambda r: -r[1])[:top]:
        lines.append(f"    {cum_us / 1000:7.1f} ms  {name.strip():<40} (self {self_us / 1000:.1f} ms)")
    return lines


def importtime(args: list[str], env: dict[str, str]) -> list[tuple[int, int, str]]:
    done = subprocess.run(
        [PY, "-X", "importtime", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    return parse_importtime(done.stderr)


def timed_cli(argv: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([PY, "-m", "deskbreak", *argv], cwd=REPO, env=env, capture_output=True, timeout=30)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def stats_figure() -> tuple[float | None, str]:
    import bench_stats

    out, argv = io.StringIO(), sys.argv
    sys.argv = ["bench_stats.py"]
    try:
        with contextlib.redirect_stdout(out):
            bench_stats.main()
    finally:
        sys.argv = argv
    m = re.search(r"whole-history stats ([\d.]+) ms", out.getvalue())
    return (float(m.group(1)) if m else None), out.getvalue()
