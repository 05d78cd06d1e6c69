"""The short safety note: shown the first time deskbreak runs and in the guided window's footer."""

from __future__ import annotations

SAFETY_NOTE = ("Stretch gently and stop at sharp pain. Numbness, tingling or weakness "
               "means stop and seek care.")
