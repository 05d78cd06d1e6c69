"""`deskbreak doctor` says why no guided window opens here (the bubble never does), and the fix."""

from __future__ import annotations

import pytest

from deskbreak.adapters.window.availability import unavailable_reason
from deskbreak.cli.doctor_session import PREDICTED, Session, check_window


def session_for(environ: dict[str, str]) -> Session:
    """The facts a daemon in `environ` reports about its window (as daemon/facts.py builds them)."""
    why = unavailable_reason(environ, lambda: True)
    facts = {
        "guided_window": {"can_open": why is None, "why_not": why or ""},
        "environment": {"display": environ.get("DISPLAY", "")},
    }
    return Session(PREDICTED, facts)


def test_wayland_without_xwayland_is_named_with_its_fix():
    pytest.importorskip("tkinter")
    check = check_window(session_for({"WAYLAND_DISPLAY": "wayland-1"}))
    assert not check.ok and "no Xwayland" in check.detail
    assert "Xwayland" in check.line() and "[predicted]" in check.line()


def test_with_a_display_the_window_is_fine():
    pytest.importorskip("tkinter")
    check = check_window(session_for({"DISPLAY": ":0"}))
    assert check.ok and "DISPLAY=:0" in check.detail
