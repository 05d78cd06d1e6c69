"""`deskbreak now --window` on Wayland without Xwayland (headless sway, no DISPLAY): the guided window
cannot open, so the prompt reaches mako as a notification with its buttons and says why, once."""

from __future__ import annotations

import subprocess
import sys

import pytest
from desktop_stack import wait_for

pytestmark = pytest.mark.desktop


def test_now_window_without_a_display_falls_back_to_a_notification_with_buttons(wayland, tmp_path):
    env = {**wayland.env, "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "DESKBREAK_TRAY": "headless"}
    for name in ("DESKBREAK_NOTIFIER", "DESKBREAK_CONFIG", "DESKBREAK_IDLE_PROBE", "DISPLAY"):
        env.pop(name, None)
    (tmp_path / "run").mkdir(mode=0o700)
    wayland.makoctl("dismiss", "--all")

    def deskbreak(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "deskbreak", *args], env=env, capture_output=True,
                              text=True, timeout=30)

    log_path = tmp_path / "daemon.log"
    with open(log_path, "wb") as log:
        daemon = subprocess.Popen([sys.executable, "-m", "deskbreak", "run"], env=env,
                                  stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        wait_for(lambda: deskbreak("status").returncode == 0, "the daemon to answer", 20)
        assert deskbreak("now", "--window").returncode == 0
        note = wait_for(lambda: next((n for n in wayland.mako_list() if n["app-name"] == "deskbreak"), None),
                        "the prompt to reach mako")
        assert {"done", "snooze", "skip"} <= set(note["actions"])
        assert note["body"].startswith("No guided window here: this Wayland session has no Xwayland")
        wayland.screenshot(tmp_path / "window-fallback.png")
        wayland.makoctl("invoke", "-n", str(note["id"]), "skip")
        wait_for(lambda: deskbreak("status", "--json").stdout.find('"due"') < 0, "Skip to answer the prompt")
        assert deskbreak("now", "--window").returncode == 0  # a second time: no second explanation
        again = wait_for(lambda: next((n for n in wayland.mako_list()
                                       if n["app-name"] == "deskbreak" and n["id"] != note["id"]), None),
                         "the second prompt")
        assert "No guided window" not in again["body"]
    finally:
        deskbreak("quit")
        daemon.wait(10)
    text = log_path.read_text()
    assert text.count("no guided window") == 1
    assert "guided window starting" not in text
