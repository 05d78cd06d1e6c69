"""The safety note: shown the first time deskbreak runs and in the guided window's footer.

It is complete on purpose (never shortened for space): no bouncing, stop at sharp pain, see a
professional first with severe pain, a recent injury or a spine condition, and the signs that mean
seeking care (at once for pain down the legs or loss of bowel or bladder control). The facts come
from the seed articles (002's safety guidelines and its list of when to seek help, 001, 000's tips);
the wording is ours (tests/core/test_catalog_wording.py checks it).
"""

from __future__ import annotations

SAFETY_NOTE = (
    "Stretch gently, never bouncing, and stop at sharp pain. With a recent injury, severe "
    "back pain or a spine condition, see a health professional before you start. Numbness, "
    "tingling or weakness means stop and seek care; pain running down one or both legs, or "
    "loss of bowel or bladder control, means seek care at once."
)
