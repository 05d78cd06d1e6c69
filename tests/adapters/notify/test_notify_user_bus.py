"""With DBUS_SESSION_BUS_ADDRESS unset (an ssh or `su` session, some autostart paths) and the session
bus at systemd's `$XDG_RUNTIME_DIR/bus`, a real daemon's prompt still goes over D-Bus, with buttons
that answer it (not plyer, which has none)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from daemon_run import running_daemon
from desktop_stack import BUS_CONFIG, DUNSTRC, PICKER, wait_for

pytestmark = pytest.mark.desktop


def start_user_bus(runtime: Path, log: Path) -> subprocess.Popen:
    """A private dbus-daemon listening where systemd puts the user's bus: $XDG_RUNTIME_DIR/bus."""
    conf = runtime.parent / "user-bus.conf"
    conf.write_text(BUS_CONFIG.replace("unix:dir={dir}", f"unix:path={runtime / 'bus'}"))
    with open(log, "ab") as out:
        bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={conf}", "--nofork"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    wait_for(lambda: bus.poll() is not None or (runtime / "bus").is_socket(), "the user bus socket")
    assert bus.poll() is None, log.read_text()
    return bus


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def test_a_prompt_reaches_dunst_on_the_runtime_dir_bus_with_its_buttons(desktop, tmp_path):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    bus = start_user_bus(runtime, tmp_path / "bus.log")
    address = f"unix:path={runtime / 'bus'}"
    server_env = {**desktop.env, "DBUS_SESSION_BUS_ADDRESS": address}  # dunst and dunstctl only
    picker = tmp_path / "picker.sh"
    picker.write_text(PICKER.format(dir=tmp_path))
    picker.chmod(0o755)
    (tmp_path / "dunstrc").write_text(DUNSTRC.format(picker=picker))
    with open(tmp_path / "dunst.log", "ab") as out:
        dunst = subprocess.Popen(
            ["dunst", "-config", str(tmp_path / "dunstrc")],
            env=server_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )

    def dunstctl(*args: str) -> str:
        done = subprocess.run(["dunstctl", *args], env=server_env, capture_output=True, text=True, timeout=5)
        return done.stdout if done.returncode == 0 else ""

    try:
        wait_for(lambda: dunst.poll() is not None or dunstctl("is-paused"), "dunst on the user bus")
        assert dunst.poll() is None, (tmp_path / "dunst.log").read_text()
        daemon_env = {"DESKBREAK_TRAY": "headless", "PATH": os.environ.get("PATH", "")}
        with running_daemon(desktop.env, tmp_path, daemon_env, unset=("DBUS_SESSION_BUS_ADDRESS",)) as daemon:
            assert "DBUS_SESSION_BUS_ADDRESS" not in daemon.env
            assert daemon.env["XDG_RUNTIME_DIR"] == str(runtime)
            assert daemon.status()["notifier"] == "freedesktop"
            assert daemon.cli("now").returncode == 0
            wait_for(lambda: dunstctl("count", "displayed").strip() not in ("", "0"), "the prompt on dunst")
            # dunst's context menu lists the notification's actions: the buttons came over D-Bus
            (tmp_path / "pick").write_text(",done]")
            dunstctl("context")
            menu = wait_for(
                lambda: (
                    (tmp_path / "picker-menu.txt").exists() and (tmp_path / "picker-menu.txt").read_text()
                ),
                "dunst's action menu",
            )
            assert all(f",{key}]" in menu for key in ("done", "snooze", "skip")), menu
            wait_for(
                lambda: daemon.status()["today"]["done"] == 1, "Done, chosen on dunst, to reach the daemon"
            )
    finally:
        stop(dunst)
        stop(bus)
