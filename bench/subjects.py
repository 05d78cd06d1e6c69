"""What the bench runs and measures: the daemon under test with its own XDG dirs and config, a bare
pystray icon per backend, and the bookkeeping that stops every process by its PID."""

from __future__ import annotations

import contextlib
import re
import select
import signal
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from desktop_stack import DesktopStack
from interpreter import PY, subject_env
from procfs import Rates, Sample
from xtray import TrayIcons

from deskbreak.daemon.control import ControlClient, ControlError, NotRunning

REPO = Path(__file__).resolve().parents[1]
POLL = 0.01  # s between start-up checks (each walks the X tree): fine enough, light on a 2-core box
FLOOR_CODE = "import time; time.sleep(1e6)"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TRAY_REFERENCE = """
import pystray
from PIL import Image
pystray.Icon("bench", Image.new("RGBA", (32, 32), (0, 150, 136, 255)), "bench").run()
"""


def config_text(in_hours: bool, interval: int = 45, latency: bool = False) -> str:
    """A config whose work window covers now (every day, all day) or lies on another weekday."""
    if in_hours:
        days = dict.fromkeys(WEEKDAYS, '["00:00-24:00"]')
    else:
        other = WEEKDAYS[(datetime.now().weekday() + 3) % 7]
        days = {day: '["09:00-10:00"]' if day == other else "[]" for day in WEEKDAYS}
    lines = [
        "[schedule]",
        f"interval_minutes = {interval}",
        "min_minutes_before_end = 0",
        *(f"{day} = {value}" for day, value in days.items()),
        "",
        "[activity]",
        "settle_seconds = 0",
    ]
    if latency:  # prompt at the due instant: wall-clock counting, no away/busy holds under Xvfb
        lines += [
            'count = "clock"',
            "natural_break_minutes = 120",
            "defer_when_fullscreen = false",
            "defer_when_inhibited = false",
        ]
    return "\n".join(lines) + "\n"


# --- processes ---------------------------------------------------------------------------------


class Procs:
    """Every process the bench starts, stopped by PID (SIGTERM, then SIGKILL) however the run ends."""

    def __init__(self) -> None:
        self.all: list[subprocess.Popen] = []

    def start(self, argv: list[str], log: Path, **kw) -> subprocess.Popen:
        out = open(log, "ab")  # noqa: SIM115 (the child writes to it for its whole life)
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=kw.pop("stdout", out),
            stderr=out,
            start_new_session=True,
            **kw,
        )
        out.close()
        self.all.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 5.0) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)

    def stop_all(self) -> None:
        for proc in reversed(self.all):
            self.stop(proc)


@dataclass
class Daemon:
    """One `python -m deskbreak run` with its own XDG directories."""

    label: str
    home: Path
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    launched: float = 0.0
    status_after: float | None = None
    icon_after: float | None = None
    tray: str = "?"
    start: Sample | None = None
    end: Sample | None = None
    rates: Rates | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def make(
        cls,
        label: str,
        workdir: Path,
        stack: DesktopStack,
        config: str,
        backend: str | None = None,
        **extra: str,
    ) -> Daemon:
        home = workdir / re.sub(r"\W+", "-", label)
        for sub in ("config", "data", "state", "cache", "run"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        (home / "run").chmod(0o700)
        (home / "config.toml").write_text(config)
        env = subject_env(
            {
                **stack.env,
                "XDG_CONFIG_HOME": str(home / "config"),
                "XDG_DATA_HOME": str(home / "data"),
                "XDG_STATE_HOME": str(home / "state"),
                "XDG_CACHE_HOME": str(home / "cache"),
                "XDG_RUNTIME_DIR": str(home / "run"),
                "DESKBREAK_CONFIG": str(home / "config.toml"),
                **extra,
            }
        )
        env.pop("PYSTRAY_BACKEND", None)
        env.pop("DESKBREAK_TRAY", None)
        if backend == "sni":  # the StatusNotifierItem tray (bench/snitray.py's host), not a pystray backend
            env["DESKBREAK_TRAY"] = "sni"
        elif backend:
            env["PYSTRAY_BACKEND"] = backend
        return cls(label, home, env)

    @property
    def client(self) -> ControlClient:
        return ControlClient(self.home / "run" / "deskbreak" / "control.sock")

    def request(self, cmd: str, arg=None) -> dict:
        return self.client.request(cmd, arg, timeout=5)

    def launch(self, procs: Procs, icons: TrayIcons, timeout: float = 20.0) -> Daemon:
        self.launched = time.monotonic()
        self.proc = procs.start(
            [PY, "-m", "deskbreak", "run"], self.home / "daemon.log", cwd=REPO, env=self.env
        )
        deadline = self.launched + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if self.status_after is None:
                try:
                    status = self.client.request("status", timeout=1)
                    self.status_after = time.monotonic() - self.launched
                    self.tray = status.get("tray", "?")
                except (NotRunning, ControlError):
                    pass
            if self.icon_after is None and self.proc.pid in icons.docked_pids():
                self.icon_after = time.monotonic() - self.launched
            if self.status_after is not None and (self.icon_after is not None or self.tray == "headless"):
                break
            time.sleep(POLL)
        if self.proc.poll() is not None:
            raise RuntimeError(
                f"{self.label}: the daemon exited ({self.proc.returncode}):\n{self.log_tail()}"
            )
        if self.status_after is None:
            raise RuntimeError(f"{self.label}: no status within {timeout:.0f} s:\n{self.log_tail()}")
        if self.icon_after is None and self.tray != "headless":
            self.notes.append(f"tray {self.tray!r}: no docked icon seen within {timeout:.0f} s")
        return self

    def log_tail(self, lines: int = 15) -> str:
        text = (self.home / "daemon.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def start_reference_icon(
    procs: Procs, stack: DesktopStack, icons: TrayIcons, workdir: Path, backend: str
) -> Daemon:
    """A bare pystray icon (no deskbreak): what the toolkit costs by itself (the tray's floor)."""
    ref = Daemon(
        f"bare pystray icon [{backend}]", workdir, subject_env({**stack.env, "PYSTRAY_BACKEND": backend})
    )
    ref.launched = time.monotonic()
    ref.proc = procs.start([PY, "-c", TRAY_REFERENCE], workdir / f"tray-{backend}.log", env=ref.env)
    deadline = ref.launched + 15
    while time.monotonic() < deadline and ref.proc.poll() is None:
        if ref.proc.pid in icons.docked_pids():
            ref.icon_after = time.monotonic() - ref.launched
            break
        time.sleep(POLL)
    ref.tray = backend
    if ref.icon_after is None:
        ref.notes.append("no docked icon within 15 s")
    return ref


def start_skeleton(procs: Procs, env: dict[str, str], workdir: Path, xembed: bool) -> Daemon:
    """bench/skeleton.py on a desktop (`env`): the least a CPython tray daemon of deskbreak's design
    holds, as a reference for the daemons' figures (on pystray's XEmbed tray with `xembed`)."""
    tray = "xorg" if xembed else "sni"
    home = workdir / f"skeleton-{tray}"
    home.mkdir(parents=True, exist_ok=True)
    ref = Daemon(f"skeleton [{tray}]", home, subject_env({**env, "PYSTRAY_BACKEND": "xorg"}))
    ref.launched = time.monotonic()
    argv = [PY, str(REPO / "bench" / "skeleton.py"), str(REPO / "config.example.toml")]
    argv += [str(home / name) for name in ("skeleton.log", "history.sqlite3", "control.sock")]
    ref.proc = procs.start(
        argv + (["--xembed"] if xembed else []),
        home / "out.log",
        env=ref.env,
        cwd=REPO,
        stdout=subprocess.PIPE,
    )
    assert ref.proc.stdout is not None
    ready, _, _ = select.select([ref.proc.stdout], [], [], 30)
    line = ref.proc.stdout.readline() if ready else b""  # "ready"; nothing when it failed (see its log)
    ref.proc.stdout.close()
    if line.strip() != b"ready":
        raise RuntimeError(
            f"{ref.label} did not start: {(home / 'out.log').read_text(errors='replace')[-2000:]}"
        )
    ref.tray = tray
    return ref


def tray_backends(stack: DesktopStack) -> list[str]:
    """The pystray backends that import under this display (gtk needs PyGObject)."""
    found = []
    for backend in ("appindicator", "gtk", "xorg"):
        env = subject_env({**stack.env, "PYSTRAY_BACKEND": backend})
        done = subprocess.run([PY, "-c", "import pystray"], env=env, capture_output=True, timeout=30)
        if done.returncode == 0:
            found.append(backend)
    return found


def startup_runs(
    procs: Procs, stack: DesktopStack, icons: TrayIcons, workdir: Path, backend: str | None, launches: int
) -> tuple[Daemon, list[Daemon]]:
    """Launch, wait for status and icon, quit; `launches` times in one home: the first run (history
    created, safety note shown) and then ordinary starts."""
    runs = []
    for _launch in range(launches):
        d = Daemon.make(f"start-up [{backend or 'default'}]", workdir, stack, config_text(True), backend)
        d.launch(procs, icons)
        runs.append(d)
        with contextlib.suppress(NotRunning, ControlError):
            d.request("quit")
        try:
            d.proc.wait(10)
        except subprocess.TimeoutExpired:
            procs.stop(d.proc)
        time.sleep(0.3)
    return runs[0], runs[1:]
