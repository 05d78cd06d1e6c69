"""`deskbreak doctor` on the real desktop stack: clean with everything up, and it names the part
that was taken away."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from desktop_stack import need_gtk, wait_for

pytestmark = pytest.mark.desktop


@pytest.fixture
def session(desktop, tmp_path):
    need_gtk()
    env = {**desktop.env, "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "PYSTRAY_BACKEND": "gtk"}
    for name in ("DESKBREAK_TRAY", "DESKBREAK_NOTIFIER", "DESKBREAK_CONFIG", "DESKBREAK_IDLE_PROBE"):
        env.pop(name, None)
    (tmp_path / "run").mkdir(mode=0o700)

    def deskbreak(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "deskbreak", *args], env=env, capture_output=True,
                              text=True, timeout=30)

    with open(tmp_path / "daemon.log", "wb") as log:
        daemon = subprocess.Popen([sys.executable, "-m", "deskbreak", "run"], env=env,
                                  stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        wait_for(lambda: deskbreak("status").returncode == 0, "the daemon to answer", 15)
        assert deskbreak("autostart", "enable").returncode == 0
        yield deskbreak
    finally:
        deskbreak("quit")
        daemon.wait(10)


def checks(deskbreak) -> tuple[int, dict[str, dict]]:
    done = deskbreak("doctor", "--json")
    return done.returncode, {c["name"]: c for c in json.loads(done.stdout)["checks"]}


def test_doctor_is_clean_on_the_test_desktop_and_names_a_removed_part(desktop, session):
    code, found = checks(session)
    broken = {name: c["detail"] for name, c in found.items() if not c["ok"]}
    assert code == 0 and broken == {}, broken
    assert "freedesktop" in found["notifications"]["detail"]
    assert "x11" in found["idle probe"]["detail"]
    desktop.kill_dunst()
    try:
        code, found = checks(session)
        assert not found["notifications"]["ok"]
        assert found["notifications"]["fix"]
        assert [name for name, c in found.items() if not c["ok"]] == ["notifications"]
    finally:
        desktop.start_dunst()
