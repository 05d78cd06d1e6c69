"""The camera scan: against a /proc-like tree, against the real /proc of this machine, and against
a real process that holds /dev/video0 open (in a mount namespace of its own, where /dev/video0 is a
plain file: there is no camera here, and the scan goes by the path the kernel reports)."""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from desktop_stack import skip_or_fail, wait_for

from deskbreak.adapters.calls.base import CallSample
from deskbreak.adapters.calls.camera import CameraHolder, CameraSense, cameras_in_use

ME, SOMEONE_ELSE = 1000, 1001


def fake_process(proc: Path, pid: int, uid: int, comm: str, fds: dict[int, str]) -> None:
    process = proc / str(pid)
    (process / "fd").mkdir(parents=True)
    (process / "status").write_text(f"Name:\t{comm}\nUmask:\t0022\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n")
    (process / "comm").write_text(comm + "\n")
    for fd, target in fds.items():
        (process / "fd" / str(fd)).symlink_to(target)  # dangling, as in /proc for a device not here


@pytest.fixture
def proc(tmp_path: Path) -> Path:
    root = tmp_path / "proc"
    fake_process(root, 100, ME, "zoom", {0: "/dev/null", 3: "socket:[4711]", 7: "/dev/video0"})
    fake_process(root, 200, SOMEONE_ELSE, "cheese", {5: "/dev/video1"})
    fake_process(
        root, 300, ME, "firefox", {3: "/dev/video-settings.txt", 4: "/dev/videos/x", 5: "/dev/v4l-subdev0"}
    )
    fake_process(root, 400, ME, "bash", {})
    (root / "self").symlink_to("400")
    (root / "meminfo").write_text("MemTotal: 1 kB\n")
    return root


def test_a_video_device_held_by_my_process_is_found(proc: Path) -> None:
    assert cameras_in_use(proc, uid=ME) == [CameraHolder(100, "zoom", "/dev/video0")]


def test_other_users_processes_are_ignored(proc: Path) -> None:
    assert cameras_in_use(proc, uid=SOMEONE_ELSE) == [CameraHolder(200, "cheese", "/dev/video1")]
    assert cameras_in_use(proc, uid=1002) == []


def test_a_process_that_ended_mid_scan_is_skipped(proc: Path) -> None:
    shutil.rmtree(proc / "100" / "fd")  # status read, fd gone: the race a live /proc has
    assert cameras_in_use(proc, uid=ME) == []


def test_the_sense_names_the_app_and_the_owner_is_the_user_running_it(tmp_path: Path) -> None:
    root = tmp_path / "proc"
    fake_process(root, 100, os.getuid(), "zoom", {7: "/dev/video0"})
    fake_process(root, 101, os.getuid(), "obs", {9: "/dev/video2"})
    fake_process(root, 102, os.getuid(), "self", {})
    (root / "self").symlink_to("102")
    assert CameraSense(proc=str(root)).sample() == CallSample(True, "camera in use by obs, zoom")


def test_a_sense_without_proc_refuses_to_be_built(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        CameraSense(proc=str(tmp_path))


def test_a_failing_scan_is_unknown_and_logged_once(tmp_path: Path, caplog) -> None:
    root = tmp_path / "proc"
    (root / "self" / "fd").mkdir(parents=True)
    sense = CameraSense(proc=str(root))
    shutil.rmtree(root)  # /proc unmounted under a running daemon
    with caplog.at_level(logging.WARNING):
        assert sense.sample() == CallSample(None)
        assert sense.sample() == CallSample(None)
    assert len([r for r in caplog.records if "camera sense" in r.getMessage()]) == 1


def test_the_real_proc_shows_no_camera_on_this_machine() -> None:
    if glob.glob("/dev/video*"):
        pytest.skip("this machine has a camera, which may well be in use")
    assert cameras_in_use() == []
    assert CameraSense().sample() == CallSample(False)


def test_the_real_proc_finds_a_process_holding_dev_video0() -> None:
    """A real process holding an fd whose path is /dev/video0: unshare gives it a private /dev."""
    if not shutil.which("unshare"):
        skip_or_fail("unshare (util-linux) is missing")
    unshare = ["unshare", "--mount"] + ([] if os.getuid() == 0 else ["--map-root-user"])
    script = (
        "mount -t tmpfs tmpfs /dev && : > /dev/video0 && exec 3</dev/video0 && echo held && exec sleep 60"
    )
    holder = subprocess.Popen(
        [*unshare, "sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        if holder.stdout.readline().strip() != "held":
            skip_or_fail(f"cannot mount a private /dev here: {holder.communicate(timeout=5)[1].strip()}")
        comm = Path(f"/proc/{holder.pid}/comm")
        wait_for(lambda: comm.read_text().strip() == "sleep", "the shell to become sleep")  # after `echo`
        found = [h for h in cameras_in_use() if h.pid == holder.pid]
        assert found == [CameraHolder(holder.pid, "sleep", "/dev/video0")]
        assert CameraSense().sample() == CallSample(True, "camera in use by sleep")
    finally:
        holder.kill()
        holder.wait()
    assert [h for h in cameras_in_use() if h.pid == holder.pid] == []
