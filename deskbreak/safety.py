"""The short safety note: shown the first time deskbreak runs and in the guided window's footer."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

SAFETY_NOTE = ("Stretch gently and stop at sharp pain. Numbness, tingling or weakness "
               "means stop and seek care.")
MARKER = "safety-note-shown"


def first_run(state_dir: Path) -> bool:
    """True the first time it is called for `state_dir` (a marker file remembers it)."""
    marker = Path(state_dir) / MARKER
    if marker.exists():
        return False
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("the safety note was shown\n", encoding="utf-8")
    except OSError as error:  # an unwritable state dir: show the note every run rather than never
        log.debug("cannot write %s: %s", marker, error)
    return True
