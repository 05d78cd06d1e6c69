"""Which stretch comes next: a pure, seeded rotation.

Each cycle is a shuffled deck of every eligible stretch, followed by a second, shuffled pass over the
stretches that match the user's focus areas. So no stretch repeats until every eligible one has been
offered, and focus stretches come up about twice as often. The deck is a pure function of
(seed, cycle, eligible ids, focus ids), so the state is three numbers and one id.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Rotation:
    seed: int = 0
    cycle: int = 0
    position: int = 0
    last_offered: str | None = None  # the stretch offered just before this cycle's deck began
    cycle_after: str | None = None  # the `last_offered` when this cycle began


def deck(rotation: Rotation, eligible: Sequence[str], focus: Sequence[str] = ()) -> tuple[str, ...]:
    """The order of this cycle's stretches."""
    ids = sorted(set(eligible))
    if not ids:
        return ()
    rng = random.Random(f"{rotation.seed}:{rotation.cycle}")
    first = ids[:]
    rng.shuffle(first)
    if len(first) > 1 and first[0] == rotation.cycle_after:
        first[0], first[1] = first[1], first[0]
    focused = sorted(set(focus) & set(ids))
    rng.shuffle(focused)
    if len(focused) > 1 and focused[0] == first[-1]:
        focused[0], focused[1] = focused[1], focused[0]
    elif len(focused) == 1 and focused[0] == first[-1]:
        focused = []
    return tuple(first + focused)


def peek(rotation: Rotation, eligible: Sequence[str], focus: Sequence[str] = ()) -> str | None:
    """The stretch the next prompt will offer, without consuming it."""
    current = _normalised(rotation, eligible, focus)
    cards = deck(current, eligible, focus)
    return cards[current.position] if cards else None


def advance(rotation: Rotation, eligible: Sequence[str], focus: Sequence[str] = ()) -> Rotation:
    """The rotation after offering `peek(...)`."""
    current = _normalised(rotation, eligible, focus)
    cards = deck(current, eligible, focus)
    if not cards:
        return current
    return replace(current, position=current.position + 1, last_offered=cards[current.position])


def _normalised(rotation: Rotation, eligible: Sequence[str], focus: Sequence[str]) -> Rotation:
    """Start the next cycle when this one is used up (or shrank under it after a config change)."""
    if rotation.position < len(deck(rotation, eligible, focus)):
        return rotation
    return replace(rotation, cycle=rotation.cycle + 1, position=0, cycle_after=rotation.last_offered)
