"""`deskbreak doctor` on the real desktop stack: clean with everything up, and it names the part
that was taken away."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from daemon_run import running_daemon
from desktop_stack import need_gtk

pytestmark = pytest.mark.desktop


@pytest.fixture
def session(desktop, tmp_path):
    need_gtk()
    with running_daemon(desktop.env, tmp_path, {"PYSTRAY_BACKEND": "gtk"}) as daemon:
        assert daemon.cli("autostart", "enable").returncode == 0
        yield daemon.cli


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


def test_doctor_reports_the_daemon_without_a_display_though_it_runs_with_one(desktop, tmp_path):
    """The daemon started where DISPLAY is unset (an autostart path, a service): no guided window, no
    X idle probe, no pystray icon there. Doctor runs in the desktop's terminal, where its own
    choosers would find all three; it reports the daemon's."""
    from deskbreak.cli.doctor_session import predict

    with running_daemon(desktop.env, tmp_path, unset=("DISPLAY",)) as daemon:
        own = predict({**daemon.env, "DISPLAY": desktop.env["DISPLAY"]})
        assert own["guided_window"]["can_open"] and own["idle_probe"]["name"] == "x11"
        with_display = {**daemon.env, "DISPLAY": desktop.env["DISPLAY"]}
        done = subprocess.run(
            [sys.executable, "-m", "deskbreak", "doctor", "--json"],
            env=with_display,
            capture_output=True,
            text=True,
            timeout=60,
        )
    report = json.loads(done.stdout)
    session = report["session"]
    assert session["source"] == "daemon" and session["environment"]["display"] == ""
    assert session["guided_window"] == {
        "can_open": False,
        "why_not": "there is no display (DISPLAY is unset)",
    }
    assert session["idle_probe"]["name"] != "x11"
    assert session["notifications"]["in_use"] == "freedesktop"  # the bus does not need a display
    found = {c["name"]: c for c in report["checks"]}
    assert not found["guided window"]["ok"] and found["guided window"]["source"] == "daemon"
    assert found["notifications"]["ok"] and "dunst" in found["notifications"]["detail"]
