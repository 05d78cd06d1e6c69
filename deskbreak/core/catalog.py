"""The stretch library: built-in stretches plus the user's own, filtered by posture."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..i18n import N_, _, ngettext

POSTURES = ("seated", "standing", "floor")
AREAS = (
    "neck",
    "shoulders",
    "chest",
    "upper_back",
    "lower_back",
    "sides",
    "core",
    "hips",
    "glutes",
    "hamstrings",
    "quads",
)
SIDES = ("left", "right")
# How long holds are: seed 001 advises 5-10 s at first (especially when new to stretching), building
# up to 30 s once the stretches are familiar. "beginner" caps every built-in hold at BEGINNER_MAX_HOLD.
LEVELS = ("beginner", "regular")
BEGINNER_MAX_HOLD = 10
CAUTION_SHORT_MAX = 80  # fits a notification line next to the steps
POSITION_NAME_MAX = 20  # a flowing move's position name sits in the countdown's label
# Translators: "true" and "false" are values written in the config file: keep them in English.
TRUE_OR_FALSE = N_("true or false")
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_SIDE = re.compile(r"\b(left|right)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Stretch:
    id: str
    name: str
    posture: str
    areas: tuple[str, ...]
    steps: tuple[str, ...]
    hold_seconds: int
    reps: int
    per_side: bool
    caution: str
    source: str
    first_side: str | None = None
    caution_short: str = ""  # for a notification; empty means the same as `caution`
    # A flowing move (cat-cow) holds each of these positions for `hold_seconds` in every rep.
    positions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.caution_short:
            object.__setattr__(self, "caution_short", self.caution)

    @property
    def sides(self) -> tuple[str | None, ...]:
        """The sides walked through for each rep, in order (one `None` when not per side)."""
        if not self.per_side:
            return (None,)
        first = self.first_side or "right"
        return (first, "left" if first == "right" else "right")

    @property
    def total_hold_seconds(self) -> int:
        return self.hold_seconds * self.reps * len(self.sides) * max(1, len(self.positions))

    def summary(self) -> str:
        """One line on how long and how often: `Hold 20 s · 3 reps · each side`, in the user's
        language (each part a phrase of its own, the catalog's positions translated)."""
        # Translators: one part of a stretch's summary line "Hold 20 s · 3 reps · each side".
        parts = [_("Hold {seconds} s").format(seconds=self.hold_seconds)]
        # Translators: one part of a stretch's summary line "Hold 20 s · 3 reps · each side".
        parts.append(ngettext("{count} rep", "{count} reps", self.reps).format(count=self.reps))
        if self.per_side:
            # Translators: one part of a stretch's summary line "Hold 20 s · 3 reps · each side".
            parts.append(_("each side"))
        if self.positions:
            shown = [_(position) for position in self.positions]
            # Translators: the two positions of a flowing move, in order: "cow, then cat".
            then = _("{first}, then {second}")
            flow = shown[0]
            for position in shown[1:]:
                flow = then.format(first=flow, second=position)
            parts.append(flow)
        return " · ".join(parts)


class CatalogError(ValueError):
    """A stretch entry that is incomplete or inconsistent; the message names the entry and field."""


def stretch_problems(entry: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """Return (field, value, expectation) for each problem in one raw stretch entry."""
    problems: list[tuple[str, Any, str]] = []

    def need(field: str, ok: bool, expected: str) -> None:
        if not ok:
            problems.append((field, entry.get(field), expected))

    known = {
        "id",
        "name",
        "posture",
        "areas",
        "steps",
        "hold_seconds",
        "reps",
        "per_side",
        "caution",
        "caution_short",
        "source",
        "first_side",
        "positions",
    }
    for field in entry:
        if field not in known:
            problems.append(
                (field, entry[field], _("one of {choices}").format(choices=", ".join(sorted(known))))
            )
    sid = entry.get("id")
    need(
        "id",
        isinstance(sid, str) and _ID.fullmatch(sid) is not None and len(sid) <= 40,
        _('a lowercase id of letters, digits and single dashes, such as "seated-twist"'),
    )
    need(
        "name",
        isinstance(entry.get("name"), str) and 0 < len(entry["name"].strip()) <= 40,
        _("a name of 1-{most} characters").format(most=40),
    )
    need(
        "posture", entry.get("posture") in POSTURES, _("one of {choices}").format(choices=", ".join(POSTURES))
    )
    areas = entry.get("areas")
    need(
        "areas",
        isinstance(areas, list) and len(areas) > 0 and all(a in AREAS for a in areas),
        _("a non-empty list of {choices}").format(choices=", ".join(AREAS)),
    )
    steps = entry.get("steps")
    need(
        "steps",
        isinstance(steps, list)
        and 3 <= len(steps) <= 6
        and all(isinstance(s, str) and 0 < len(s.strip()) <= 160 for s in steps),
        _("{fewest}-{most} steps, each 1-{longest} characters").format(fewest=3, most=6, longest=160),
    )
    hold = entry.get("hold_seconds")
    # 1 s is real: seed 003's trunk rotations and chair figure-four hold "a second or two".
    need(
        "hold_seconds",
        type(hold) is int and 1 <= hold <= 120,
        _("whole seconds between {low} and {high}").format(low=1, high=120),
    )
    reps = entry.get("reps")
    need(
        "reps",
        type(reps) is int and 1 <= reps <= 15,
        _("a whole number of reps between {low} and {high}").format(low=1, high=15),
    )
    per_side = entry.get("per_side")
    need("per_side", type(per_side) is bool, _(TRUE_OR_FALSE))
    need(
        "caution",
        isinstance(entry.get("caution"), str) and len(entry["caution"].strip()) > 0,
        _("a caution sentence"),
    )
    short = entry.get("caution_short", "x")
    need(
        "caution_short",
        isinstance(short, str) and 0 < len(short.strip()) <= CAUTION_SHORT_MAX,
        _("a caution of 1-{most} characters for notifications").format(most=CAUTION_SHORT_MAX),
    )
    need("source", isinstance(entry.get("source", ""), str), _("the source it comes from"))
    if per_side is True:
        # Translators: "left" and "right" are values written in the config file: keep them in English.
        need("first_side", entry.get("first_side", "right") in SIDES, _("left or right"))
        if isinstance(steps, list) and not any(isinstance(s, str) and _SIDE.search(s) for s in steps):
            problems.append(("steps", steps, _("a per-side stretch says which side in its steps")))
    elif "first_side" in entry:
        # Translators: first_side and per_side are config keys: keep them as written.
        problems.append(("first_side", entry["first_side"], _("no first_side when per_side is false")))
    if "positions" in entry:
        positions = entry["positions"]
        need(
            "positions",
            per_side is not True
            and isinstance(positions, list)
            and len(positions) == 2
            and all(isinstance(p, str) and 0 < len(p.strip()) <= POSITION_NAME_MAX for p in positions),
            # Translators: per_side is a config key: keep it as written.
            _("two position names of 1-{most} characters, only when per_side is false").format(
                most=POSITION_NAME_MAX
            ),
        )
    caution = entry.get("caution")
    if (
        per_side is True
        and isinstance(caution, str)
        and _SIDE.search(caution + " " + str(entry.get("caution_short", "")))
    ):
        # A per-side stretch shows its caution unchanged on both sides, so a side named in it is wrong on one of them.
        problems.append(("caution", caution, _("a caution that names no side (left or right)")))
    return problems


def stretch_from_entry(entry: dict[str, Any]) -> Stretch:
    return Stretch(
        id=entry["id"],
        name=entry["name"],
        posture=entry["posture"],
        areas=tuple(entry["areas"]),
        steps=tuple(entry["steps"]),
        hold_seconds=entry["hold_seconds"],
        reps=entry["reps"],
        per_side=entry["per_side"],
        caution=entry["caution"],
        source=entry.get("source", "user"),
        first_side=(entry.get("first_side", "right") if entry["per_side"] else None),
        caution_short=entry.get("caution_short", ""),
        positions=tuple(entry.get("positions", ())),
    )


def at_level(stretch: Stretch, level: str) -> Stretch:
    """The stretch as done at `level` (one of LEVELS): a beginner holds at most BEGINNER_MAX_HOLD s."""
    if level == "beginner" and stretch.hold_seconds > BEGINNER_MAX_HOLD:
        return replace(stretch, hold_seconds=BEGINNER_MAX_HOLD)
    return stretch


def level_note(level: str) -> str:
    """One line saying what the hold level means and how to change it (for `deskbreak stretches`)."""
    if level == "beginner":
        # Translators: [stretches] level = "regular" is a config line: keep it as written.
        return _(
            "level beginner: holds of at most {seconds} s while you are new to these; "
            'set [stretches] level = "regular" for the full holds once they feel easy'
        ).format(seconds=BEGINNER_MAX_HOLD)
    # Translators: [stretches] level = "beginner" is a config line: keep it as written.
    return _('level regular: full holds; [stretches] level = "beginner" caps them at {seconds} s').format(
        seconds=BEGINNER_MAX_HOLD
    )


def parse_builtin(text: str) -> tuple[Stretch, ...]:
    """The stretches of a catalog file's text (`deskbreak/data/stretches.toml`), validated."""
    entries = tomllib.loads(text).get("stretch", [])
    stretches = []
    for index, entry in enumerate(entries):
        problems = stretch_problems(entry)
        if problems:
            field, value, expected = problems[0]
            raise CatalogError(
                f"stretch[{index}] ({entry.get('id', '?')}).{field}: got {value!r}, expected {expected}"
            )
        stretches.append(stretch_from_entry(entry))
    return tuple(stretches)


@dataclass(frozen=True)
class Catalog:
    stretches: tuple[Stretch, ...]

    def get(self, stretch_id: str) -> Stretch | None:
        return next((s for s in self.stretches if s.id == stretch_id), None)

    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stretches)

    def eligible(self, postures: Iterable[str], exclude: Iterable[str] = ()) -> tuple[Stretch, ...]:
        wanted, excluded = set(postures), set(exclude)
        return tuple(s for s in self.stretches if s.posture in wanted and s.id not in excluded)

    def at_level(self, level: str) -> Catalog:
        return Catalog(tuple(at_level(s, level) for s in self.stretches))

    def for_user(self, level: str, custom: Iterable[Stretch] = ()) -> Catalog:
        """The built-in stretches at the user's level, plus their own (which keep the hold they wrote)."""
        return self.at_level(level).with_custom(custom)

    def with_custom(self, custom: Iterable[Stretch]) -> Catalog:
        """User stretches are added; one with a built-in id replaces the built-in."""
        custom = tuple(custom)
        replaced = {s.id for s in custom}
        return Catalog(tuple(s for s in self.stretches if s.id not in replaced) + custom)
