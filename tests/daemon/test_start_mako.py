"""50 starts of the daemon in a row against real mako (which answers GetCapabilities twice): every one
stays up, chooses the freedesktop notifier, and its prompt reaches mako with the buttons."""

from __future__ import annotations

import subprocess
import sys

import pytest
from daemon_run import running_daemon
from desktop_stack import wait_for

pytestmark = pytest.mark.desktop

STARTS = 50
CRASH_MARKS = ("KeyError", "InvalidStateError", "Exception in thread", "Traceback")


def test_fifty_daemon_starts_against_mako_never_crash(wayland, tmp_path):
    env = {
        **wayland.env,
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "DESKBREAK_TRAY": "headless",
    }  # the tray is not under test; the notifier is
    for name in ("DESKBREAK_NOTIFIER", "DESKBREAK_CONFIG", "DESKBREAK_IDLE_PROBE", "DISPLAY"):
        env.pop(name, None)
    (tmp_path / "run").mkdir(mode=0o700)

    def deskbreak(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "deskbreak", *args], env=env, capture_output=True, text=True, timeout=30
        )

    failures: list[str] = []
    for start in range(STARTS):
        wayland.makoctl("dismiss", "--all")
        log_path = tmp_path / f"daemon-{start}.log"
        with open(log_path, "wb") as log:
            daemon = subprocess.Popen(
                [sys.executable, "-m", "deskbreak", "run"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        try:
            wait_for(
                lambda daemon=daemon: daemon.poll() is not None or deskbreak("status").returncode == 0,
                "the daemon to answer",
                20,
            )
            assert deskbreak("now").returncode == 0
            prompt = wait_for(
                lambda daemon=daemon: (
                    daemon.poll() is not None
                    or next((n for n in wayland.mako_list() if n["app-name"] == "deskbreak"), None)
                ),
                "the prompt to reach mako",
                10,
            )
            alive = daemon.poll() is None and deskbreak("status").returncode == 0
        finally:
            deskbreak("quit")
            try:
                daemon.wait(10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        text = log_path.read_text(errors="replace")
        buttons = isinstance(prompt, dict) and {"done", "snooze", "skip"} <= set(prompt["actions"])
        if not alive or daemon.returncode != 0 or not buttons or any(m in text for m in CRASH_MARKS):
            failures.append(
                f"start {start}: alive={alive} rc={daemon.returncode} buttons={buttons}\n{text[-800:]}"
            )
    assert not failures, f"{len(failures)}/{STARTS} starts failed:\n" + "\n".join(failures[:3])


def test_status_json_names_the_wayland_idle_probe_on_sway(wayland, tmp_path):
    with running_daemon(wayland.env, tmp_path, {"DESKBREAK_TRAY": "headless"}, unset=("DISPLAY",)) as daemon:
        assert daemon.status()["idle_probe"] == "wayland"
