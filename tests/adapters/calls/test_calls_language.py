"""A call's reason (the status line, the tooltip) in the user's language, one sentence per device;
the programs' names as they are."""

from __future__ import annotations

from deskbreak.adapters.calls.base import CallSample, in_use_by


def test_the_reason_is_one_translated_sentence_per_device(pseudo_language: None) -> None:
    assert in_use_by("microphone", ["zoom", "firefox"]) == CallSample(
        True, "⟦microphone in use by firefox, zoom⟧"
    )
    assert in_use_by("camera", ["obs"]) == CallSample(True, "⟦camera in use by obs⟧")
    assert in_use_by("speaker", ["mpv"]) == CallSample(True, "⟦speaker in use by mpv⟧")
    assert in_use_by("camera", []) == CallSample(False)
