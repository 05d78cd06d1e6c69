"""The guided window and the actions window in the user's language, under Xvfb: every label and
button is translated, catalog texts by their English text; the keys bound stay the same."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from desktop_stack import wait_for
from pseudo_language import translated

from deskbreak.adapters.window import theme as window_theme
from deskbreak.assets import builtin_catalog

tk = pytest.importorskip("tkinter")
from deskbreak.adapters.window.actions import build  # noqa: E402
from deskbreak.adapters.window.guided import GuideWindow  # noqa: E402

if TYPE_CHECKING:
    import tkinter as tk_types

pytestmark = pytest.mark.desktop

CATALOG = builtin_catalog()
NUMBER = re.compile(r"^\d+\.?$")  # the countdown and the steps' numbers


def texts(widget: tk_types.Misc, leave_out: tuple[Any, ...] = ()) -> list[str]:
    """Every non-empty text a label or button under `widget` shows (numbers aside)."""
    found: list[str] = []
    for child in widget.winfo_children():
        if child in leave_out:
            continue
        if isinstance(child, tk.Label | tk.Button):
            text = str(child.cget("text"))
            if text and not NUMBER.match(text):
                found.append(text)
        found.extend(texts(child, leave_out))
    return found


def test_the_guided_window_reads_in_the_language(desktop, pseudo_language: None) -> None:
    root = tk.Tk(screenName=desktop.display, className="deskbreak")
    stretch = CATALOG.get("seated-twist")
    window = GuideWindow(root, stretch, CATALOG, None, palette=window_theme.LIGHT, menu_less=True)
    try:
        wait_for(lambda: root.update() or root.winfo_viewable(), "the window to map")
        view = window.view
        # The summary and the phase line are the core's sentences, translated there.
        shown = texts(root, leave_out=(view.summary, view.phase))
        assert len(shown) >= 12  # title, steps, caution, five buttons, the reminders' line, footer
        assert [text for text in shown if not translated(text)] == []
        assert root.title() == f"⟦{stretch.name}⟧"
        assert view.caution.cget("text").startswith("⟦Caution: ⟦")
        assert view.footer.cget("text").startswith("⟦Safety: ⟦")
        assert view.message.cget("text").startswith("⟦deskbreak is not running")
    finally:
        window.close()


def test_the_actions_window_reads_in_the_language(desktop, pseudo_language: None) -> None:
    root = tk.Tk(screenName=desktop.display)
    try:
        status = {"ok": True, "state": "due", "headline": "⟦due now⟧", "today_line": "⟦today⟧"}
        build(root, status, [5, 10], lambda cmd, arg: None)
        root.update()
        shown = texts(root)
        assert "⟦Show stretch⟧" in shown and "⟦10 min⟧" in shown and "⟦Until I resume⟧" in shown
        assert [text for text in shown if not translated(text)] == []
        assert root.title() == "⟦deskbreak actions⟧"
    finally:
        root.destroy()
