"""`deskbreak doctor` says why no guided window opens here (the bubble never does)."""

from __future__ import annotations

import pytest

from deskbreak.cli.doctor import check_window


def test_wayland_without_xwayland_is_named_with_where_the_steps_are(monkeypatch):
    pytest.importorskip("tkinter")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-1")
    check = check_window()
    assert not check.ok and "no Xwayland" in check.detail
    assert "deskbreak now" in check.line()


def test_with_a_display_the_window_is_fine(monkeypatch):
    pytest.importorskip("tkinter")
    monkeypatch.setenv("DISPLAY", ":0")
    assert check_window().ok
