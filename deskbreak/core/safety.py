"""The safety note: shown the first time deskbreak runs and in the guided window's footer.

This constant is the note's one text: the README quotes it word for word (tests/core/test_safety.py
compares them) and the catalog's header points here rather than restating it. It is complete on
purpose (never shortened for space): no bouncing, keep breathing, stop at sharp pain, see a
professional first with severe pain, a recent injury or a spine condition, the signs that mean
seeking care (at once for pain down the legs or lost bladder or bowel control), and that this is
not medical advice. The facts come from the seed articles (002's safety guidelines and its list of
when to seek help, 001, 000's tips); the wording is ours (tests/core/test_catalog_wording.py).
"""

from __future__ import annotations

from ..i18n import N_

# Marked for translation here and translated wherever it is shown (`_(SAFETY_NOTE)`); it must say
# exactly what the English says in every language. The log keeps the English.
# Translators: the safety note; say exactly what the English says, nothing softened or left out.
SAFETY_NOTE = N_(
    "Stretch gently, never bouncing, keep breathing, and stop at sharp pain. With a recent injury, "
    "severe back pain or a spine condition, see a health professional before you start. Numbness, "
    "tingling or weakness means stop and seek care; pain running down one or both legs, or losing "
    "control of your bladder or bowels, means seek care at once. These are general stretches, not "
    "medical advice."
)
