"""The microphone sense through `pactl` in a child process.

Pure: pactl 16.1's JSON (captured from PulseAudio 16.1 and pipewire-pulse 0.3.65, trimmed to what
the sense reads) read into capture streams. With a fake `pactl` on PATH: what the child is given
(no shell, the environment, no autospawn), a hung pactl bounded by the timeout, a failing one
logged once. Against a real sound server started by the test (PulseAudio, and PipeWire with
pipewire-pulse): a real recording of a real source is a call; one of the speakers' monitor, a
corked one, a level meter and a loopback are not; no server is "cannot tell" and starts none; and
the daemon's process never maps libpulse.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from desktop_stack import wait_for

from deskbreak.adapters.calls import choose_call_sense
from deskbreak.adapters.calls.base import CallSample
from deskbreak.adapters.calls.capture import CaptureStream, is_call, microphone_sample
from deskbreak.adapters.calls.linux import LinuxCallSense, microphone_backend
from deskbreak.adapters.calls.pactl import (
    PactlMicrophoneSense,
    capture_stream,
    is_monitor,
    monitor_sources,
    parse_list,
)
from deskbreak.adapters.choose import Unavailable

# `pactl --format=json list source-outputs` / `list sources`, PulseAudio 16.1: parecord on the
# microphone, parecord on the speakers' monitor, a stream started corked, module-loopback's stream.
PULSEAUDIO_OUTPUTS = """[
{"index":0,"driver":"protocol-native.c","owner_module":"0","client":"3","source":1,"corked":false,"mute":false,
 "balance":0.00,"properties":{"media.name":"/dev/null","application.name":"parecord",
 "application.process.id":"8247","application.process.binary":"pacat"}},
{"index":1,"driver":"protocol-native.c","owner_module":"0","client":"7","source":0,"corked":false,"mute":false,
 "balance":0.00,"properties":{"media.name":"/dev/null","application.name":"parecord",
 "application.process.id":"8251","application.process.binary":"pacat"}},
{"index":2,"driver":"protocol-native.c","owner_module":"0","client":"1","source":1,"corked":true,"mute":false,
 "balance":0.00,"properties":{"media.name":"corked","application.name":"corked recorder",
 "application.process.id":"11807","application.process.binary":"python3.11"}},
{"index":3,"driver":"module-loopback.c","owner_module":"3","client":null,"source":1,"corked":false,"mute":false,
 "balance":0.00,"properties":{"media.role":"abstract","media.name":"Loopback to Null Output"}}
]"""
PULSEAUDIO_SOURCES = """[
{"index":0,"state":"RUNNING","name":"speakers.monitor","owner_module":1,"monitor_source":"speakers",
 "properties":{"device.class":"monitor"}},
{"index":1,"state":"RUNNING","name":"deskbreak_mic","owner_module":2,"monitor_source":"",
 "properties":{"device.class":"abstract"}}
]"""
# pipewire-pulse 0.3.65 (pactl 16.1): parecord on a virtual source and on the dummy sink's monitor.
PIPEWIRE_OUTPUTS = """[
{"index":54,"driver":"PipeWire","owner_module":null,"client":"52","source":45,"corked":false,"mute":false,
 "properties":{"client.api":"pipewire-pulse","application.name":"parecord","media.name":"/dev/null",
 "application.process.id":"8595","application.process.binary":"pacat","media.class":"Stream/Input/Audio"}},
{"index":65,"driver":"PipeWire","owner_module":null,"client":"64","source":32,"corked":false,"mute":false,
 "properties":{"client.api":"pipewire-pulse","application.name":"parecord","media.name":"/dev/null",
 "application.process.id":"8599","application.process.binary":"pacat","stream.capture.sink":"true"}}
]"""
PIPEWIRE_SOURCES = """[
{"index":32,"name":"auto_null.monitor","owner_module":4294967295,"monitor_source":"auto_null",
 "properties":{"device.class":"monitor","media.class":"Audio/Sink"}},
{"index":45,"name":"deskbreak_mic","owner_module":4294967295,"monitor_source":"",
 "properties":{"media.class":"Audio/Source/Virtual"}}
]"""


def streams_of(outputs: str, sources: str) -> list[CaptureStream]:
    monitors = monitor_sources(parse_list(sources))
    return [capture_stream(o, monitors) for o in parse_list(outputs)]


# -- pure: pactl's JSON -----------------------------------------------------------------------------


def test_pulseaudio_json_reads_as_capture_streams() -> None:
    assert streams_of(PULSEAUDIO_OUTPUTS, PULSEAUDIO_SOURCES) == [
        CaptureStream("pacat", 8247, "", from_monitor=False, from_client=True, corked=False),
        CaptureStream("pacat", 8251, "", from_monitor=True, from_client=True, corked=False),
        CaptureStream("python3.11", 11807, "", from_monitor=False, from_client=True, corked=True),
        CaptureStream(
            "Loopback to Null Output", None, "", from_monitor=False, from_client=False, corked=False
        ),
    ]
    assert microphone_sample(streams_of(PULSEAUDIO_OUTPUTS, PULSEAUDIO_SOURCES), own_pid=1) == CallSample(
        True, "microphone in use by pacat"
    )


def test_pipewire_pulse_json_reads_as_capture_streams() -> None:
    streams = streams_of(PIPEWIRE_OUTPUTS, PIPEWIRE_SOURCES)
    assert [(s.app, s.pid, s.from_monitor, s.from_client, s.corked) for s in streams] == [
        ("pacat", 8595, False, True, False),
        ("pacat", 8599, True, True, False),
    ]
    assert microphone_sample(streams, own_pid=8595) == CallSample(False)  # our own, and a monitor


@pytest.mark.parametrize(
    ("source", "monitor"),
    [
        ({"monitor_source": "speakers"}, True),  # pactl 16: the sink a source records
        ({"monitor_source": ""}, False),
        ({"monitor_of_sink": 3}, True),  # as later pactl may print it
        ({"monitor_of_sink": "alsa_output.pci"}, True),
        ({"monitor_of_sink": None}, False),
        ({"monitor_of_sink": "n/a"}, False),
        ({"monitor_of_sink": 4294967295}, False),
        ({}, False),
    ],
)
def test_a_monitor_source_in_either_spelling(source: dict, monitor: bool) -> None:
    assert is_monitor(source) is monitor


@pytest.mark.parametrize("text", ["", "{}", '{"index": 1}', "[1, 2]", "Connection failure"])
def test_anything_but_a_json_list_of_objects_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_list(text)


def test_the_rules_of_a_call() -> None:
    call = CaptureStream("zoom", 40, "", from_monitor=False, from_client=True, corked=False)
    assert is_call(call, own_pid=1)
    assert not is_call(call, own_pid=40)
    for stream in (
        CaptureStream("zoom", 40, "", from_monitor=True, from_client=True, corked=False),
        CaptureStream("zoom", 40, "", from_monitor=False, from_client=False, corked=False),
        CaptureStream("zoom", 40, "", from_monitor=False, from_client=True, corked=True),
        CaptureStream("pavucontrol", 40, "org.PulseAudio.pavucontrol", False, True, False),
        CaptureStream("gnome-control-center", 40, "org.gnome.VolumeControl", False, True, False),
    ):
        assert not is_call(stream, own_pid=1), stream


# -- a fake pactl on PATH -------------------------------------------------------------------------


def fake_pactl(directory: Path, body: str) -> dict[str, str]:
    """An environment whose PATH finds a `pactl` that runs the shell `body` (this test's own)."""
    directory.mkdir(exist_ok=True)
    program = directory / "pactl"
    program.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    program.chmod(0o755)
    return {**os.environ, "PATH": f"{directory}{os.pathsep}{os.environ.get('PATH', '')}"}


def canned_pactl(tmp_path: Path, outputs: str, sources: str) -> dict[str, str]:
    """A pactl that prints these lists and notes each call's arguments and environment."""
    (tmp_path / "source-outputs.json").write_text(outputs)
    (tmp_path / "sources.json").write_text(sources)
    return fake_pactl(
        tmp_path / "bin",
        f"""
        echo "$* LC_ALL=$LC_ALL PULSE_BINARY=$PULSE_BINARY PULSE_SERVER=$PULSE_SERVER" >> {tmp_path}/calls
        cat {tmp_path}/"$3".json
        """,
    )


def test_the_child_is_pactl_itself_with_the_environment_given(tmp_path: Path) -> None:
    env = {**canned_pactl(tmp_path, PULSEAUDIO_OUTPUTS, PULSEAUDIO_SOURCES), "PULSE_SERVER": "unix:/x/native"}
    assert PactlMicrophoneSense(env).sample() == CallSample(True, "microphone in use by pacat")
    assert (tmp_path / "calls").read_text().splitlines() == [
        f"--format=json list {kind} LC_ALL=C PULSE_BINARY={os.devnull} PULSE_SERVER=unix:/x/native"
        for kind in ("source-outputs", "sources")
    ]


def test_the_sources_are_listed_only_when_a_stream_could_be_a_call(tmp_path: Path) -> None:
    only_a_corked_one = json.dumps([o for o in json.loads(PULSEAUDIO_OUTPUTS) if o["corked"]])
    env = canned_pactl(tmp_path, only_a_corked_one, PULSEAUDIO_SOURCES)
    assert PactlMicrophoneSense(env).sample() == CallSample(False)
    assert len((tmp_path / "calls").read_text().splitlines()) == 1


def process_gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


def test_a_hung_pactl_is_cannot_tell_within_the_timeout_and_leaves_nothing_behind(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = fake_pactl(tmp_path / "bin", f"sleep 60 & echo $! > {tmp_path}/sleeper\nwait\n")
    sense = PactlMicrophoneSense(env, timeout=0.5)
    with caplog.at_level(logging.WARNING):
        start = time.monotonic()
        sample = sense.sample()
        took = time.monotonic() - start
        assert sense.sample().in_call is None
    assert sample == CallSample(None, "pactl: timed out after 0.5 s")
    assert took < 3, f"{took:.1f} s"
    sleeper = int((tmp_path / "sleeper").read_text().split()[0])
    wait_for(lambda: process_gone(sleeper), "the hung pactl's own child to be killed")
    assert [r.getMessage() for r in caplog.records] == [
        "microphone sense: cannot read the sound server: pactl: timed out after 0.5 s"
    ]


def test_a_failing_pactl_is_cannot_tell_with_what_it_said_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = fake_pactl(tmp_path / "bin", "echo 'Connection failure: Connection refused' >&2\nexit 1\n")
    sense = PactlMicrophoneSense(env)
    with caplog.at_level(logging.WARNING):
        assert sense.sample() == CallSample(None, "pactl: Connection failure: Connection refused")
        assert sense.sample().in_call is None
    assert len(caplog.records) == 1 and "Connection refused" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    "printed",
    ["Source Output #0", '{"index": 0}', '[{"index": 0, "source": 1}]', '[{"client": "3", "source": 1}]'],
)
def test_output_that_is_not_pactls_json_is_cannot_tell(tmp_path: Path, printed: str) -> None:
    env = fake_pactl(tmp_path / "bin", f"echo '{printed}'\n")
    assert PactlMicrophoneSense(env).sample().in_call is None


def test_without_pactl_the_sense_is_unavailable_and_linux_falls_back_to_pulsectl(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    no_pactl = {**os.environ, "PATH": str(tmp_path / "empty")}
    with pytest.raises(Unavailable, match="pulseaudio-utils"):
        PactlMicrophoneSense(no_pactl)
    assert microphone_backend(no_pactl) == "pulse"
    assert microphone_backend({**no_pactl, "DESKBREAK_CALL_SENSE": "pactl"}) == "pactl"
    linux = choose_call_sense(no_pactl, "linux")
    assert isinstance(linux, LinuxCallSense) and linux.microphone == "pulse"


@pytest.mark.skipif(not shutil.which("pactl"), reason="pactl (pulseaudio-utils) is not installed")
def test_where_pactl_is_installed_the_linux_sense_uses_it_unless_told_otherwise() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DESKBREAK_CALL_SENSE"}
    assert microphone_backend(env) == "pactl"
    assert microphone_backend({**env, "DESKBREAK_CALL_SENSE": "PULSE"}) == "pulse"
    linux = choose_call_sense(env, "linux")
    assert isinstance(linux, LinuxCallSense) and linux.microphone == "pactl"
    assert isinstance(
        choose_call_sense({**env, "DESKBREAK_CALL_SENSE": "pactl"}, "linux"), PactlMicrophoneSense
    )


# -- a real sound server ----------------------------------------------------------------------------

desktop = pytest.mark.desktop

# A recorder started corked (pulsectl's ctypes bindings: no program records corked): a client that
# opened the microphone and paused it.
CORKED_RECORDER = """
import sys, pulsectl
from pulsectl import _pulsectl as c
with pulsectl.Pulse("corked recorder") as pulse:
    spec = c.PA_SAMPLE_SPEC(format=c.PA_SAMPLE_FLOAT32NE, rate=8000, channels=1)
    stream = c.pa.stream_new_with_proplist(pulse._ctx, "corked", c.byref(spec), None, None)
    c.pa.stream_connect_record(stream, sys.argv[1], None, 0x0001)  # PA_STREAM_START_CORKED
    while True:
        pulse._pulse_poll(1)
"""
# A mixer's level meter: pulsectl's peak sample masquerades as pavucontrol, as mixers' meters do.
LEVEL_METER = """
import sys, pulsectl
with pulsectl.Pulse("level meter") as pulse:
    pulse.get_peak_sample(sys.argv[1], 60)
"""


@pytest.fixture
def sense(sound):
    sense = PactlMicrophoneSense(sound.env)
    yield sense
    sense.close()


def outputs(sound, match) -> int:
    return sum(1 for o in json.loads(sound.pactl("-f", "json", "list", "source-outputs")) if match(o))


@contextmanager
def client(sound, script: str, match) -> Iterator[None]:
    """A Python sound client running `script` on the microphone until the block ends, waited for on
    the server (a source output that `match`es)."""
    proc = subprocess.Popen([sys.executable, "-c", script, sound.mic], env=sound.env)
    try:
        wait_for(lambda: proc.poll() is None and outputs(sound, match) == 1, "the client's stream")
        yield
    finally:
        proc.kill()
        proc.wait()
    wait_for(lambda: outputs(sound, match) == 0, "the client's stream to end")


@desktop
def test_a_recording_of_a_real_source_is_a_call_naming_the_app(sound, sense) -> None:
    assert sense.sample() == CallSample(False)
    with sound.recording(sound.mic):
        assert sense.sample() == CallSample(True, "microphone in use by pacat")  # parecord's binary
    assert sense.sample() == CallSample(False)


@desktop
@pytest.mark.parametrize("sound", ["pipewire"], indirect=True)  # pw-record talks to PipeWire only
def test_a_native_pipewire_client_is_seen_through_pipewire_pulse(sound, sense) -> None:
    with sound.recording(sound.mic, "pw-record"):
        assert sense.sample() == CallSample(True, "microphone in use by pw-record")


@desktop
def test_a_recording_of_the_speakers_is_no_call(sound, sense) -> None:
    with sound.recording(sound.monitor):
        assert [s.from_monitor for s in sense.streams()] == [True]
        assert sense.sample() == CallSample(False)


@desktop
def test_a_corked_recording_is_no_call(sound, sense) -> None:
    with client(sound, CORKED_RECORDER, lambda o: o["corked"]):
        assert [s.corked for s in sense.streams()] == [True]
        assert sense.sample() == CallSample(False)


@desktop
def test_a_mixers_level_meter_is_no_call(sound, sense) -> None:
    meter = "org.PulseAudio.pavucontrol"
    with client(sound, LEVEL_METER, lambda o: o["properties"].get("application.id") == meter):
        assert [s.app_id for s in sense.streams()] == [meter]
        assert sense.sample() == CallSample(False)


@desktop
@pytest.mark.parametrize("sound", ["pulseaudio"], indirect=True)
def test_a_loopback_inside_the_server_is_no_call(sound, sense) -> None:
    module = sound.pactl("load-module", "module-loopback", f"source={sound.mic}", "sink=speakers").strip()
    try:
        wait_for(lambda: outputs(sound, lambda o: o["client"] is None) == 1, "the loopback's stream")
        assert sense.sample() == CallSample(False)
    finally:
        sound.pactl("unload-module", module)


@desktop
def test_our_own_recording_is_no_call(sound, sense) -> None:
    with sound.recording(sound.mic) as recorder:
        streams = sense.streams()
        assert microphone_sample(streams, own_pid=recorder.pid) == CallSample(False)
        assert microphone_sample(streams, own_pid=1) == CallSample(True, "microphone in use by pacat")


@desktop
def test_a_sample_is_cheap(sound, sense) -> None:
    with sound.recording(sound.mic):
        start = time.perf_counter()
        for _ in range(10):
            assert sense.sample().in_call
        per_sample = (time.perf_counter() - start) / 10
    # Two children per sample while a stream records (~15 ms here); generous for a loaded machine.
    assert per_sample < 0.2, f"{per_sample * 1000:.1f} ms per sample"


# What the daemon's process maps after sampling with the call sense it chooses (a child of this test).
MAPS_PROBE = """
import json, sys
from deskbreak.adapters.calls import choose_call_sense
sense = choose_call_sense()
sample = sense.sample()
with open("/proc/self/maps") as maps:
    libpulse = any("libpulse" in line for line in maps)
print(json.dumps([sense.name, sample.in_call, libpulse, "pulsectl" in sys.modules]))
"""


@desktop
@pytest.mark.parametrize("sound", ["pulseaudio"], indirect=True)
@pytest.mark.parametrize(
    ("override", "maps_libpulse"),
    [
        ("", False),
        ("pactl", False),
        ("pulse", True),
    ],  # pulse: the in-process client, to show the probe sees it
)
def test_sampling_through_pactl_never_maps_libpulse_in_the_daemon(sound, override, maps_libpulse) -> None:
    env = {**sound.env, "DESKBREAK_CALL_SENSE": override}
    with sound.recording(sound.mic):
        out = subprocess.run(
            [sys.executable, "-c", MAPS_PROBE], env=env, capture_output=True, text=True, check=True
        ).stdout
    name, in_call, libpulse, pulsectl = json.loads(out)
    assert (name, in_call) == (override or "linux", True)
    assert (libpulse, pulsectl) == (maps_libpulse, maps_libpulse)


# -- no server: cannot tell, and none is started ---------------------------------------------------

UNPRIVILEGED = 65534  # nobody: libpulse never autospawns for root, so the check runs as a user


@contextmanager
def autospawning_user_session() -> Iterator[tuple[dict[str, str], Path]]:
    """An environment with no sound server whose client.conf autospawns a fake server (it leaves a
    mark) and whose `pactl` runs as an unprivileged user; and the mark's path."""
    real_pactl = shutil.which("pactl")
    if real_pactl is None:
        pytest.skip("pactl (pulseaudio-utils) is not installed")
    root = Path(tempfile.mkdtemp(prefix="deskbreak-autospawn-"))
    try:
        root.chmod(0o755)
        runtime, marks = root / "run", root / "marks"
        runtime.mkdir(mode=0o700)
        marks.mkdir(mode=0o777)
        marks.chmod(0o777)
        mark = marks / "spawned"
        server = root / "fake-pulseaudio"
        server.write_text(f'#!/bin/sh\necho "$@" > {mark}\nexit 1\n')
        server.chmod(0o755)
        conf = root / "client.conf"
        conf.write_text(f"autospawn = yes\ndaemon-binary = {server}\n")
        conf.chmod(0o644)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(root),
            "XDG_RUNTIME_DIR": str(runtime),
            "PULSE_RUNTIME_PATH": str(runtime / "pulse"),
            "PULSE_CLIENTCONFIG": str(conf),
        }
        if os.getuid() == 0:
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("setpriv (util-linux) is needed to run pactl as a user")
            os.chown(runtime, UNPRIVILEGED, UNPRIVILEGED)
            wrapper = root / "bin" / "pactl"
            wrapper.parent.mkdir(mode=0o755)
            wrapper.write_text(
                f'#!/bin/sh\nexec {setpriv} --reuid={UNPRIVILEGED} --regid={UNPRIVILEGED} --clear-groups {real_pactl} "$@"\n'
            )
            wrapper.chmod(0o755)
            env["PATH"] = f"{wrapper.parent}{os.pathsep}{env['PATH']}"
        yield env, mark
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_no_server_is_cannot_tell_and_starts_none(caplog: pytest.LogCaptureFixture) -> None:
    with autospawning_user_session() as (env, mark):
        # The session really would start a server for a plain pactl: the test can see a spawn.
        subprocess.run(["pactl", "info"], env=env, capture_output=True)
        assert mark.exists(), "a plain pactl did not autospawn here: the check below would prove nothing"
        mark.unlink()
        sense = PactlMicrophoneSense(env)
        with caplog.at_level(logging.WARNING):
            sample = sense.sample()
        assert sample.in_call is None and "Connection refused" in sample.reason
        assert not mark.exists()
        assert "cannot read the sound server: pactl: Connection failure" in caplog.text
