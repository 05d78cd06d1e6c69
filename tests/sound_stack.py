"""A private sound server speaking the PulseAudio protocol, started by the test (not a pytest plugin).

`SoundStack(workdir, "pulseaudio")` runs PulseAudio itself (`pulseaudio -n`, no default.pa: only the
native protocol on a private socket, a null sink and a null source); `SoundStack(workdir,
"pipewire")` runs PipeWire, WirePlumber and pipewire-pulse on a private session bus (WirePlumber
needs one to link streams) and adds a virtual source through pipewire-pulse. Either way the stack
offers `mic`, a real (non-monitor) source, and `monitor`, the monitor of a sink (the speakers'
recording), and `recording(source)` runs a real `parecord` (or `pw-record`) until the block ends.

Every path is private (HOME, XDG_RUNTIME_DIR, PULSE_RUNTIME_PATH, the bus): nothing touches the
user's sound server. As root PulseAudio needs `--system=false` and prints a warning; that is fine.
If a program is missing `sound_stack` skips, unless DESKBREAK_REQUIRE_DESKTOP=1 (CI), then it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from desktop_stack import BUS_CONFIG, START_TIMEOUT, Processes, _read_line, skip_or_fail, wait_for

# program -> Debian package, per server kind
PROGRAMS = {
    "pulseaudio": {"pulseaudio": "pulseaudio", "pactl": "pulseaudio-utils", "parecord": "pulseaudio-utils"},
    "pipewire": {
        "pipewire": "pipewire",
        "wireplumber": "wireplumber",
        "pipewire-pulse": "pipewire-pulse",
        "pw-record": "pipewire-bin",
        "pactl": "pulseaudio-utils",
        "parecord": "pulseaudio-utils",
        "dbus-daemon": "dbus-daemon",
    },
}
MIC = "deskbreak_mic"


class SoundStack(Processes):
    def __init__(self, workdir: Path, kind: str) -> None:
        self.workdir, self.kind = Path(workdir), kind
        self.runtime = self.workdir / "run"
        self.server = ""
        self.mic = MIC
        self.monitor = ""
        self.env: dict[str, str] = {}
        self._procs: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, Path] = {}

    def missing(self) -> list[str]:
        return [f"{p} ({pkg})" for p, pkg in PROGRAMS[self.kind].items() if not shutil.which(p)]

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> SoundStack:
        self.runtime.mkdir(parents=True, mode=0o700)
        home = self.workdir / "home"
        home.mkdir()
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_STATE_HOME": str(home / ".state"),
            "PULSE_RUNTIME_PATH": str(self.runtime / "pulse"),
        }
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "PULSE_COOKIE", "PIPEWIRE_REMOTE"):
            self.env.pop(name, None)
        if self.kind == "pulseaudio":
            self._start_pulseaudio()
        else:
            self._start_pipewire()
        return self

    def stop(self) -> None:
        for name in reversed(list(self._procs)):
            self._stop(name)

    def _spawn(self, name: str, argv: list[str], **kw) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        self._logs[name] = log
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
                env=self.env,
                **kw,
            )
        self._procs[name] = proc
        return proc

    def _answers(self, name: str) -> bool:
        proc = self._procs[name]
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{self.log_tail(name)}")
        return subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0

    def _start_pulseaudio(self) -> None:
        socket = self.runtime / "pulse" / "native"
        socket.parent.mkdir(mode=0o700)
        self.server = self.env["PULSE_SERVER"] = f"unix:{socket}"
        self._spawn(
            "pulseaudio",
            [
                "pulseaudio", "-n", "--daemonize=no", "--system=false", "--exit-idle-time=-1",
                "--use-pid-file=false", "--log-target=stderr",
                "-L", f"module-native-protocol-unix socket={socket} auth-anonymous=1",
                "-L", "module-null-sink sink_name=speakers",
                "-L", f"module-null-source source_name={MIC}",
            ],
        )  # fmt: skip
        wait_for(lambda: self._answers("pulseaudio"), "PulseAudio on its private socket")
        self.monitor = "speakers.monitor"

    def _start_pipewire(self) -> None:
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self._start_bus()
        self.server = self.env["PULSE_SERVER"] = f"unix:{self.runtime / 'pulse' / 'native'}"
        self._spawn("pipewire", ["pipewire"])
        wait_for(lambda: (self.runtime / "pipewire-0").exists(), "PipeWire's socket")
        self._spawn("wireplumber", ["wireplumber"])
        self._spawn("pipewire-pulse", ["pipewire-pulse"])
        wait_for(lambda: self._answers("pipewire-pulse"), "pipewire-pulse on its private socket")
        # WirePlumber makes a dummy sink when there is no sound card: its monitor is the speakers.
        # (pactl's JSON names the sink a monitor source records "monitor_source".)
        self.monitor = wait_for(lambda: self._source(lambda s: s.get("monitor_source")), "a sink monitor")
        self.pactl(
            "load-module",
            "module-null-sink",
            f"sink_name={MIC}",
            "sink_properties=media.class=Audio/Source/Virtual",
        )
        wait_for(lambda: self._source(lambda s: s["name"] == MIC), "the virtual source")

    def _start_bus(self) -> str:
        directory = self.workdir / "bus"
        directory.mkdir()
        conf = directory / "bus.conf"
        conf.write_text(BUS_CONFIG.format(dir=directory))
        r, w = os.pipe()
        try:
            self._spawn(
                "dbus",
                ["dbus-daemon", f"--config-file={conf}", "--nofork", f"--print-address={w}"],
                pass_fds=(w,),
            )
            os.close(w)
            w = -1
            return _read_line(r, START_TIMEOUT, "the address of the private D-Bus")
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)

    # -- asking the server ----------------------------------------------------------------------
    def pactl(self, *args: str) -> str:
        return subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, check=True
        ).stdout

    def _source(self, match) -> str | None:
        sources = json.loads(self.pactl("-f", "json", "list", "sources"))
        return next((s["name"] for s in sources if match(s)), None)

    def source_outputs(self) -> int:
        """How many capture streams are recording: linked to a source and not paused (PipeWire
        shows a new stream unlinked and corked until WirePlumber links it)."""
        outputs = json.loads(self.pactl("-f", "json", "list", "source-outputs"))
        return sum(1 for o in outputs if not o["corked"] and o["source"] not in (-1, 0xFFFFFFFF))

    @contextmanager
    def recording(self, source: str, program: str = "parecord") -> Iterator[subprocess.Popen]:
        """A real recording client on `source` until the block ends, waited for on the server."""
        before = self.source_outputs()
        if program == "parecord":
            argv = ["parecord", "-d", source, os.devnull]
        else:
            argv = ["pw-record", "--target", source, str(self.workdir / "recording.wav")]
        proc = self._spawn(program, argv)
        try:
            wait_for(lambda: self.source_outputs() > before, f"{program} recording {source}")
            yield proc
        finally:
            self._stop(program)
        wait_for(lambda: self.source_outputs() == before, f"{program}'s stream to end")


@contextmanager
def sound_stack(workdir: Path, kind: str) -> Iterator[SoundStack]:
    stack = SoundStack(workdir, kind)
    missing = stack.missing()
    if missing:
        skip_or_fail(f"{kind} sound server: missing " + ", ".join(missing))
    try:
        stack.start()
    except BaseException:
        stack.stop()
        raise
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module", params=["pulseaudio", "pipewire"])
def sound(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoundStack]:
    """A real sound server for a module's tests: PulseAudio, then PipeWire with pipewire-pulse."""
    with sound_stack(tmp_path_factory.mktemp(request.param), request.param) as stack:
        yield stack
