"""Autostart's messages in the user's language, the path as written inside them."""

from __future__ import annotations

import pytest
from pseudo_language import translated

from deskbreak.adapters.autostart import AutostartError
from deskbreak.adapters.autostart.xdg import XdgAutostart


def test_messages_are_translated_and_name_the_file(tmp_path, pseudo_language: None) -> None:
    xdg = XdgAutostart(tmp_path / ".config")
    assert xdg.status().detail == "⟦not enabled⟧"
    done = xdg.enable(["deskbreak", "run"])
    assert translated(done) and str(xdg.path) in done
    assert xdg.status().detail == "⟦enabled⟧"
    removed = xdg.disable()
    assert removed == f"⟦disabled: removed {xdg.path}⟧"
    xdg.path.write_text("[Desktop Entry]\nName=someone else's\n")
    with pytest.raises(AutostartError) as refused:
        xdg.enable(["deskbreak", "run"])
    assert translated(str(refused.value)) and str(xdg.path) in str(refused.value)
