"""`deskbreak doctor` on the session: what the running daemon uses (asked over its socket), else the
prediction of the very same choosers; and fixes that follow the failure actually seen."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from daemon_run import running_daemon

from deskbreak.adapters.activity import pick_activity_probe
from deskbreak.adapters.notify import pick_notifier
from deskbreak.adapters.sleep import pick_sleep_watcher
from deskbreak.adapters.tray import pick_tray
from deskbreak.cli import doctor_fixes, doctor_session
from deskbreak.daemon.facts import choice_facts

# Settings of the machine running the tests that would reach the choosers.
SESSION_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "PYSTRAY_BACKEND")


def bare_env(tmp_path, **extra: str) -> dict[str, str]:
    """No display, no bus (the runtime folder is empty), no overrides: then `extra`."""
    env = {
        k: v for k, v in os.environ.items() if k not in SESSION_VARIABLES and not k.startswith("DESKBREAK_")
    }
    run = tmp_path / "xdg-run"
    run.mkdir(mode=0o700, exist_ok=True)
    return {**env, "XDG_RUNTIME_DIR": str(run), **extra}


def chosen(choice) -> dict:
    facts = choice_facts(choice)
    choice_close = getattr(choice.adapter, "close", None) or getattr(choice.adapter, "stop", None)
    if choice_close is not None:
        choice_close()
    return facts


def same(port: dict, expected: dict) -> bool:
    return {key: port[key] for key in expected} == expected


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"DESKBREAK_NOTIFIER": "log", "DESKBREAK_TRAY": "headless", "DESKBREAK_IDLE_PROBE": "fake"},
        {"DISPLAY": ":97"},  # no X server there: the X backends fail, each with its reason
    ],
    ids=["nothing", "forced", "a display that is not there"],
)
def test_with_no_daemon_the_prediction_is_what_the_choosers_pick(tmp_path, extra):
    env = bare_env(tmp_path, **extra)
    facts = doctor_session.predict(env)
    assert same(facts["notifications"], chosen(pick_notifier(lambda a, b: None, None, env)))
    assert same(facts["tray"], chosen(pick_tray(lambda a, b: None, env)))
    assert same(facts["idle_probe"], chosen(pick_activity_probe(env)))
    assert same(facts["resume"], chosen(pick_sleep_watcher(lambda: None, environ=env)))
    assert facts["guided_window"]["can_open"] is ("DISPLAY" in extra)  # tkinter is installed here


def test_with_no_daemon_doctor_says_it_predicted(tmp_path):
    env = bare_env(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_STATE_HOME=str(tmp_path / "s"))
    env["XDG_DATA_HOME"] = str(tmp_path / "d")
    report = doctor_json(env)
    assert report["session"]["source"] == "predicted"
    expected = chosen(pick_tray(lambda a, b: None, env))
    assert same(report["session"]["tray"], expected) and expected["name"] == "headless"
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["tray"]["source"] == "predicted" and checks["tray"]["detail"].startswith("[predicted] ")
    assert checks["daemon"]["detail"] == "not running"


def doctor_json(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "deskbreak", "doctor", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_doctor_reports_the_daemons_choices_not_its_own(tmp_path):
    """The daemon runs with no display and the terminal notifier; doctor runs where its own
    choosers would pick otherwise (a display, other overrides), and still reports the daemon's."""
    daemon_env = {"DESKBREAK_NOTIFIER": "log", "DESKBREAK_IDLE_PROBE": "none"}
    with running_daemon(bare_env(tmp_path), tmp_path, daemon_env) as daemon:
        mine = {k: v for k, v in daemon.env.items() if not k.startswith("DESKBREAK_")}
        mine.update(DISPLAY=":97", DESKBREAK_NOTIFIER="plyer", DESKBREAK_TRAY="headless")
        mine.update(DESKBREAK_IDLE_PROBE="fake")
        own = doctor_session.predict(mine)
        assert (own["notifications"]["in_use"], own["idle_probe"]["name"]) == ("plyer", "fake")
        assert own["tray"]["forced"] and own["guided_window"]["can_open"]

        report = doctor_json(mine)
    session = report["session"]
    assert session["source"] == "daemon"
    assert session["notifications"]["in_use"] == "log"
    assert session["notifications"]["forced"] == "DESKBREAK_NOTIFIER=log"
    assert session["tray"]["name"] == "headless" and session["tray"]["forced"] == ""
    assert [f["name"] for f in session["tray"]["failures"]] == ["sni", "pystray"]
    assert (
        session["idle_probe"]["name"] == "none"
        and session["idle_probe"]["forced"] == "DESKBREAK_IDLE_PROBE=none"
    )
    assert session["guided_window"] == {
        "can_open": False,
        "why_not": "there is no display (DISPLAY is unset)",
    }
    checks = {c["name"]: c for c in report["checks"]}
    assert all(checks[name]["source"] == "daemon" for name in ("tray", "notifications", "idle probe"))
    assert not checks["notifications"]["ok"] and "terminal and the log" in checks["notifications"]["detail"]
    assert checks["notifications"]["fix"].startswith("unset DESKBREAK_NOTIFIER")
    assert not checks["guided window"]["ok"] and "no display" in checks["guided window"]["detail"]
    assert checks["idle probe"]["fix"].startswith("unset DESKBREAK_IDLE_PROBE")
    assert checks["daemon"]["ok"]


X11_FAILED = {"name": "x11", "why": 'DisplayConnectionError: Can\'t connect to display ":97": [Errno 111]'}
NO_XLIB = {"name": "x11", "why": "ModuleNotFoundError: No module named 'Xlib'"}
NO_BUS = {"name": "gnome", "why": "NoBus: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)"}
NO_SERVICE = {"name": "freedesktop", "why": "DBusErrorResponse: [org.freedesktop.DBus.Error.ServiceUnknown]"}
AT_97 = {"display": ":97", "wayland_display": "", "bus": ""}


def probe(*failures: dict, forced: str = "") -> dict:
    return {"name": "none", "forced": forced, "failures": list(failures)}


def test_the_idle_probe_fix_follows_the_failure_seen():
    refused = doctor_fixes.idle_probe_fix(probe(X11_FAILED, NO_SERVICE), AT_97)
    assert "python-xlib" not in refused and "DISPLAY=:97" in refused
    assert doctor_fixes.idle_probe_fix(probe(NO_XLIB, NO_SERVICE), AT_97) == (
        "install python-xlib (pip install python-xlib)"
    )
    no_bus = doctor_fixes.idle_probe_fix(probe(NO_BUS), {"display": "", "wayland_display": "", "bus": ""})
    assert no_bus == f"{doctor_fixes.SESSION_FIX}; {doctor_fixes.BUS_FIX}"
    assert doctor_fixes.idle_probe_fix(probe(forced="DESKBREAK_IDLE_PROBE=none"), AT_97) == (
        "unset DESKBREAK_IDLE_PROBE (it forces none)"
    )


def test_a_real_refused_display_never_asks_for_python_xlib(tmp_path):
    pytest.importorskip("Xlib")
    env = bare_env(tmp_path, DISPLAY=":97")
    check = doctor_session.check_idle_probe(doctor_session.Session("predicted", doctor_session.predict(env)))
    assert not check.ok and "x11" in check.detail
    assert "python-xlib" not in check.fix and "DISPLAY=:97" in check.fix
