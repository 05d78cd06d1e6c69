"""`deskbreak doctor` on the real desktop stack: clean with everything up, and it names the part
that was taken away."""

from __future__ import annotations

import json

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
