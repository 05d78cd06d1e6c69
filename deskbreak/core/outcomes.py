"""What became of a prompt: the record the schedule core emits and the history stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DONE = "done"
SNOOZED = "snoozed"
SKIPPED = "skipped"
IGNORED = "ignored"
NATURAL_BREAK = "natural_break"
MISSED_WHILE_ASLEEP = "missed_while_asleep"
OUTCOMES = (DONE, SNOOZED, SKIPPED, IGNORED, NATURAL_BREAK, MISSED_WHILE_ASLEEP)


@dataclass(frozen=True)
class PromptOutcome:
    """One prompt and how it ended; one history row.

    `prompted_at` is when the prompt was shown (for a natural break: when the break began; for a
    missed prompt: the instant it fell due). Datetimes are timezone-aware.
    """

    prompted_at: datetime
    stretch_id: str | None
    outcome: str
    answered_at: datetime | None = None
    held_seconds: int | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if self.prompted_at.tzinfo is None:
            raise ValueError("prompted_at must be timezone-aware")
