"""Shared fixtures. Desktop fixtures live in tests/desktop_stack.py (Xvfb, D-Bus, dunst, trayer),
tests/wayland_stack.py (sway, waybar, mako) and tests/xfce_stack.py (xfce4-panel)."""

from pathlib import Path

import pytest
from pseudo_language import pseudo_language  # noqa: F401 (a fixture: the process in a pseudo-language)

pytest_plugins = ["desktop_stack", "wayland_stack", "xfce_stack", "sound_stack"]

LOCALE = Path(__file__).resolve().parent.parent / "deskbreak" / "locale"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The tests import ./deskbreak, whose `.mo` files are not committed (the wheel's build compiles
    them): compile each `.po` that has none, or an older one, as the build would."""
    stale = [
        po
        for po in sorted(LOCALE.glob("*/LC_MESSAGES/deskbreak.po"))
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        from deskbreak.i18n_tools import compile_catalog

        for po in stale:
            compile_catalog(po, po.with_suffix(".mo"))
