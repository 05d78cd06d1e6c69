"""What a process costs, read straight from /proc (Linux; no psutil).

`Sample.take(pid)` reads memory (RSS and PSS from smaps_rollup), CPU time (utime+stime in clock
ticks from /proc/PID/stat, plus the finer per-thread run time in ns from task/*/schedstat) and, per
thread, its name and voluntary + nonvoluntary context switches (task/*/status): a thread that wakes
up and goes back to sleep costs one switch, so the switches of an idle process count its wake-ups.
`Sample.since(earlier)` turns two samples into rates.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _kv(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


def _kb(value: str) -> int:
    return int(value.split()[0])


@dataclass(frozen=True)
class Thread:
    tid: int
    name: str
    switches: int  # voluntary + nonvoluntary context switches
    run_ns: int  # time on a CPU (schedstat)


@dataclass(frozen=True)
class Sample:
    pid: int
    at: float  # time.monotonic()
    rss_kb: int
    pss_kb: int
    uss_kb: int  # private clean + private dirty
    cpu_ticks: int  # utime + stime of every thread, dead ones included
    threads: dict[int, Thread] = field(default_factory=dict)

    @classmethod
    def take(cls, pid: int) -> Sample:
        base = Path(f"/proc/{pid}")
        rollup = _kv((base / "smaps_rollup").read_text())
        stat = (base / "stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()  # field 3 (state) is fields[0]
        cpu = int(fields[11]) + int(fields[12])  # utime (14), stime (15)
        threads = {}
        for task in (base / "task").iterdir():
            try:
                status = _kv((task / "status").read_text())
                run_ns = int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                continue  # the thread ended between listing and reading
            threads[int(task.name)] = Thread(
                int(task.name),
                status["Name"],
                int(status["voluntary_ctxt_switches"]) + int(status["nonvoluntary_ctxt_switches"]),
                run_ns,
            )
        return cls(
            pid,
            time.monotonic(),
            _kb(rollup["Rss"]),
            _kb(rollup["Pss"]),
            _kb(rollup["Private_Clean"]) + _kb(rollup["Private_Dirty"]),
            cpu,
            threads,
        )

    @property
    def thread_count(self) -> int:
        return len(self.threads)

    def since(self, earlier: Sample) -> Rates:
        seconds = self.at - earlier.at
        per_thread = []
        for tid, now in self.threads.items():
            before = earlier.threads.get(tid)
            if before is not None:
                per_thread.append(
                    (now.name, tid, now.switches - before.switches, (now.run_ns - before.run_ns) / 1e6)
                )
            else:  # born during the period
                per_thread.append((now.name + " (new)", tid, now.switches, now.run_ns / 1e6))
        per_thread.sort(key=lambda t: -t[2])
        switches = sum(t[2] for t in per_thread)
        run_ms = sum(t[3] for t in per_thread)
        return Rates(
            seconds=seconds,
            cpu_percent=100.0 * (self.cpu_ticks - earlier.cpu_ticks) / CLOCK_TICKS / seconds,
            cpu_percent_fine=100.0 * run_ms / 1000 / seconds,
            switches_per_minute=60.0 * switches / seconds,
            per_thread=per_thread,
            gone=sorted(t.name for tid, t in earlier.threads.items() if tid not in self.threads),
        )


@dataclass(frozen=True)
class Rates:
    seconds: float
    cpu_percent: float  # of one core, from utime+stime ticks (10 ms resolution)
    cpu_percent_fine: float  # of one core, from schedstat ns (live threads only)
    switches_per_minute: float  # summed over the threads alive at the end
    per_thread: list[tuple[str, int, int, float]]  # (name, tid, switches, run ms), most first
    gone: list[str]  # threads that ended during the period (their switches are not counted)

    def thread_lines(self, limit: int = 8) -> list[str]:
        return [
            f"{name:<28} tid {tid:<7} {count:6d} switches  {ms:8.2f} ms on CPU"
            for name, tid, count, ms in self.per_thread[:limit]
        ]
