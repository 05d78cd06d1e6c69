"""A microphone in use, asked of the sound server by `pactl` in a short-lived child process.

Why a child: an in-process client (`pulse`) maps libpulse and the dozen libraries it brings into the
daemon for good, about 2.4 MB of private memory from the first prompt on; a child's pages leave
with it. pactl speaks the PulseAudio protocol, so PulseAudio and PipeWire's pipewire-pulse both
answer, as they do the in-process client. A sample runs `pactl --format=json list source-outputs`
(a few ms), and `list sources` too only when some stream could be a call, to tell a microphone from
the monitor of the speakers. Which stream is a call is decided in `capture`, as for `pulse`.

Bounded and quiet:
- no shell; one deadline per sample (`TIMEOUT`), after which the child's process group is killed
  and the answer is "cannot tell": a hung sound server never stalls the daemon's worker;
- the child gets the environment it is given (PULSE_SERVER, and the client.conf libpulse reads,
  honoured as in-process) with two changes. LC_ALL=C: pactl prints numbers in its JSON with the
  locale's decimal separator, a comma in many languages. PULSE_BINARY=/dev/null: where the user's
  client.conf allows autospawning (Debian does only without systemd), libpulse's attempt to start
  a server runs nothing and fails, so sampling never starts a sound server, while libpulse's own
  search for one (PULSE_SERVER, default-server, the X11 root window, the user's and the system
  socket) stays exactly as the in-process client had it. (Skipping when no socket exists would
  lose the default-server and X11 ways; a client.conf of our own would replace the user's.)
- a failure (no server, a timeout, output that is not pactl's JSON) gives "cannot tell" and is
  logged once per kind, with the first line pactl printed on stderr.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Container, Mapping
from typing import Any

from ..activity.base import LogOnce
from ..choose import Unavailable
from .base import CallSample
from .capture import INVALID_INDEX, CaptureStream, app_name, is_call, microphone_sample, process_id

log = logging.getLogger(__name__)

PROGRAM = "pactl"
# A sample usually takes 5-15 ms; a loaded machine may take a few hundred. Past this the server
# is taken as hung: the daemon's worker must not wait for libpulse's own 30-second timeout.
TIMEOUT = 2.0
# The child's environment on top of the daemon's (see the module's docstring).
CHILD_ENVIRONMENT = {"LC_ALL": "C", "PULSE_BINARY": os.devnull}
NO_INDEX = (None, "", "n/a", INVALID_INDEX, str(INVALID_INDEX))


class PactlFailed(Exception):
    """pactl gave no usable answer; `kind` groups failures for logging once."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def find_pactl(environ: Mapping[str, str]) -> str | None:
    """pactl's path on the PATH of `environ`, or None where it is not installed."""
    return shutil.which(PROGRAM, path=environ.get("PATH"))


def index(value: Any) -> int | None:
    """An index as pactl prints it (an integer, or a string of digits), or None (null, "", "n/a")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def is_monitor(source: Mapping[str, Any]) -> bool:
    """Whether a source records a sink (the speakers). pactl 16 names the sink under
    "monitor_source" in a source's JSON (and "" for a real source); later ones may say "monitor_of_sink"."""
    return any(source.get(key) not in NO_INDEX for key in ("monitor_of_sink", "monitor_source"))


def monitor_sources(sources: list[dict[str, Any]]) -> frozenset[int]:
    """The indices of the sources that are monitors, from `pactl --format=json list sources`."""
    return frozenset(i for s in sources if is_monitor(s) and (i := index(s["index"])) is not None)


def capture_stream(output: Mapping[str, Any], monitors: Container[int]) -> CaptureStream:
    """One entry of `pactl --format=json list source-outputs` as a `CaptureStream`; a KeyError
    where pactl's output lacks what it always prints (another format: cannot tell)."""
    props: Mapping[str, str] = output.get("properties") or {}
    return CaptureStream(
        app=app_name(props, props.get("media.name")),
        pid=process_id(props),
        app_id=props.get("application.id", ""),
        from_monitor=index(output["source"]) in monitors,
        from_client=index(output["client"]) not in NO_INDEX,
        corked=output["corked"] is True,
    )


def parse_list(text: str) -> list[dict[str, Any]]:
    """pactl's JSON list; ValueError when the text is not one."""
    entries = json.loads(text)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError("not a JSON list of objects")
    return entries


class PactlMicrophoneSense:
    """Raises when built where pactl is not installed; the server itself may come and go."""

    name = "pactl"

    def __init__(self, environ: Mapping[str, str] | None = None, timeout: float = TIMEOUT) -> None:
        env = os.environ if environ is None else environ
        program = find_pactl(env)
        if program is None:
            raise Unavailable("pactl is not installed (Debian: pulseaudio-utils)")
        self._program = program
        self._env = {**env, **CHILD_ENVIRONMENT}
        self._timeout = timeout
        self._log = LogOnce(log)

    def run(self, kind: str, deadline: float) -> list[dict[str, Any]]:
        """`pactl --format=json list <kind>`, parsed; PactlFailed past `deadline` (monotonic) or on
        any failure."""
        argv = [self._program, "--format=json", "list", kind]
        try:
            child = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self._env,
                start_new_session=True,  # its own process group: a timeout kills all of it
            )
        except OSError as error:
            raise PactlFailed(type(error).__name__, f"cannot run {self._program}: {error}") from error
        with child:
            try:
                out, err = child.communicate(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass  # it ended in between
                child.wait()
                raise PactlFailed("timeout", f"pactl: timed out after {self._timeout:g} s") from None
        if child.returncode != 0:
            said = err.decode(errors="replace").strip().splitlines()
            why = said[0] if said else f"exit status {child.returncode}"
            raise PactlFailed("exit", f"pactl: {why}")
        try:
            return parse_list(out.decode(errors="replace"))
        except ValueError as error:
            raise PactlFailed("output", f"pactl list {kind}: not a JSON list: {error}") from None

    def streams(self) -> list[CaptureStream]:
        """Every capture stream, each knowing whether it records a monitor (two children)."""
        deadline = time.monotonic() + self._timeout
        outputs = self.run("source-outputs", deadline)
        monitors = monitor_sources(self.run("sources", deadline))
        return [capture_stream(o, monitors) for o in outputs]

    def sample(self) -> CallSample:
        own_pid = os.getpid()
        deadline = time.monotonic() + self._timeout
        try:
            outputs = self.run("source-outputs", deadline)
            streams = [capture_stream(o, ()) for o in outputs]
            if any(is_call(s, own_pid) for s in streams):
                # Only a stream that would be a call needs its source checked: the speakers' monitor?
                monitors = monitor_sources(self.run("sources", deadline))
                streams = [capture_stream(o, monitors) for o in outputs]
        except PactlFailed as failure:
            self._log(failure.kind, "microphone sense: cannot read the sound server: %s", failure)
            return CallSample(None, str(failure))  # the reason is for doctor; the daemon only needs None
        except (KeyError, TypeError, AttributeError) as error:  # pactl printed another format
            self._log("format", "microphone sense: pactl's output is not as expected: %r", error)
            return CallSample(None, f"unexpected output: {error!r}")
        return microphone_sample(streams, own_pid)

    def close(self) -> None:
        pass  # nothing is held between samples
