"""Several machines, one routine: the records machines share through a synced folder, and how
other machines' records fold into this machine's schedule. Pure: `now` is a parameter.

Each machine appends JSON lines to its own file; a line is one `SharedRecord`. Only what the
routine needs leaves the machine: an answer (its kind, the prompt's due instant, the stretch id),
a natural break (its span) and a coarse "active" mark. Never a window title, an application name
or a call's details.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from ..i18n import _, ngettext
from .outcomes import DONE, IGNORED, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome
from .state import Phase, State, Transition, WithdrawPrompt, waiting
from .stats import DayCounts, done_part, today_of

ACTIVE = "active"
ANSWERS = (DONE, SNOOZED, SKIPPED, IGNORED)
KINDS = (*ANSWERS, NATURAL_BREAK, ACTIVE)
# A stretch done or skipped anywhere starts the interval again everywhere; a snooze or an ignored
# prompt does not (the body still owes the stretch).
ANCHORING = (DONE, SKIPPED)
ACTIVE_MARK_EVERY = timedelta(minutes=1)
CLOCK_SKEW = timedelta(minutes=5)  # how far apart two machines' clocks may be and still agree
LONGEST_LINE = 4096  # characters: a record is ~250; anything longer is not ours
_TEXT_LIMIT = 200


@dataclass(frozen=True)
class SharedRecord:
    """One line of a machine's file. `due`: an answer's prompt due instant, or when a natural break
    began; `ended`: when it ended. Datetimes are aware and kept in UTC."""

    id: str
    machine: str
    machine_name: str
    time: datetime
    kind: str
    due: datetime | None = None
    stretch: str | None = None
    ended: datetime | None = None


def to_line(record: SharedRecord) -> str:
    """The record as one JSON line (with its newline)."""
    fields: dict[str, Any] = {
        "id": record.id,
        "machine": record.machine,
        "machine_name": record.machine_name,
        "time": _iso(record.time),
        "kind": record.kind,
    }
    if record.due is not None:
        fields["due"] = _iso(record.due)
    if record.stretch is not None:
        fields["stretch"] = record.stretch
    if record.ended is not None:
        fields["ended"] = _iso(record.ended)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n"


def parse_line(line: str) -> SharedRecord | None:
    """The record in one line, or None when it is not a valid record (the caller counts it)."""
    if len(line) > LONGEST_LINE:
        return None
    try:
        raw = json.loads(line)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    try:
        record = SharedRecord(
            id=_text(raw["id"]),
            machine=_text(raw["machine"]),
            machine_name=_text(raw.get("machine_name") or raw["machine"]),
            time=_instant(raw["time"]),
            kind=_text(raw["kind"]),
            due=_instant(raw["due"]) if raw.get("due") is not None else None,
            stretch=_text(raw["stretch"]) if raw.get("stretch") is not None else None,
            ended=_instant(raw["ended"]) if raw.get("ended") is not None else None,
        )
    except (KeyError, TypeError, ValueError):
        return None
    return record if record.kind in KINDS else None


def of_outcome(
    outcome: PromptOutcome, record_id: str, machine: str, machine_name: str
) -> SharedRecord | None:
    """The shared record of one of this machine's outcomes (None for one not shared: a prompt
    missed while asleep says nothing another machine can use)."""
    if outcome.outcome in ANSWERS:
        when = outcome.answered_at or outcome.prompted_at
        return SharedRecord(
            record_id,
            machine,
            machine_name,
            _utc(when),
            outcome.outcome,
            _utc(outcome.prompted_at),
            outcome.stretch_id,
        )
    if outcome.outcome == NATURAL_BREAK:
        ended = outcome.answered_at or outcome.prompted_at
        return SharedRecord(
            record_id,
            machine,
            machine_name,
            _utc(ended),
            NATURAL_BREAK,
            _utc(outcome.prompted_at),
            ended=_utc(ended),
        )
    return None


def active_mark(record_id: str, machine: str, machine_name: str, now: datetime) -> SharedRecord:
    return SharedRecord(record_id, machine, machine_name, _utc(now), ACTIVE)


def active_mark_due(last_mark: datetime | None, now: datetime) -> bool:
    """Whether an active user earns another "active" mark now: at most one a minute."""
    return last_mark is None or now - last_mark >= ACTIVE_MARK_EVERY


def answered_elsewhere(state: State, now: datetime, record: SharedRecord) -> Transition:
    """Another machine's record, folded into this schedule: a stretch done or skipped there
    re-anchors the interval here, and withdraws a prompt showing here for the same moment (an
    answer given at most `CLOCK_SKEW` before it showed: the machines' clocks may differ by minutes).

    The anchor is the answer's time, never later than `now` (a clock ahead must not push the next
    prompt back) nor earlier than our own anchor. A pause here stands; an older answer changes nothing."""
    if record.kind not in ANCHORING or state.phase is Phase.PAUSED:
        return Transition(state)
    answered = min(_utc(record.time), _utc(now))
    anchor = max(answered, _utc(state.anchor))
    if state.phase in (Phase.PROMPTING, Phase.SNOOZED):
        shown = _utc(state.prompted_at or state.anchor)
        if _utc(record.time) < shown - CLOCK_SKEW:
            return Transition(state)
        return Transition(waiting(state, anchor), (WithdrawPrompt(),))
    if answered <= _utc(state.anchor):
        return Transition(state)
    return Transition(waiting(state, answered))


def busy_elsewhere(records: Iterable[SharedRecord], here: str, began: datetime, ended: datetime) -> bool:
    """Whether another machine was in use during [began, ended]: then this machine's idle span was
    work at another keyboard, not a natural break."""
    low, high = _utc(began), _utc(ended)
    return any(r.kind == ACTIVE and r.machine != here and low <= _utc(r.time) <= high for r in records)


@dataclass(frozen=True)
class MachineDay:
    """Today's stretches done across machines: all of them, and each other machine's share."""

    done: int
    elsewhere: tuple[tuple[str, int], ...] = ()  # (machine name, done there), most first


def day_done(records: Iterable[SharedRecord], here: str, day: date, zone: tzinfo) -> MachineDay:
    """Stretches done on `day` (local in `zone`) on every machine, each record once (by id)."""
    seen: set[str] = set()
    total = 0
    others: dict[str, int] = {}
    for record in records:
        if record.kind != DONE or record.id in seen or _utc(record.time).astimezone(zone).date() != day:
            continue
        seen.add(record.id)
        total += 1
        if record.machine != here:
            others[record.machine_name] = others.get(record.machine_name, 0) + 1
    return MachineDay(total, tuple(sorted(others.items(), key=lambda item: (-item[1], item[0]))))


def day_line(day: MachineDay, goal: int) -> str:
    """ "3 of 6 done, 1 on laptop" (the other machines' shares, when there are any)."""
    return _(", ").join(_day_parts(day, goal))


def today_line(day: MachineDay, goal: int) -> str:
    """The tray's line with the other machines' shares: "Today: 3 of 6 done, 1 on laptop"."""
    return today_of(_day_parts(day, goal))


def _day_parts(day: MachineDay, goal: int) -> list[str]:
    # Translators: one item of the tray's list "Today: 3 of 6 done, 1 on laptop"; {machine} is the
    # name of another computer of the user's.
    shares = [
        ngettext("{count} on {machine}", "{count} on {machine}", n).format(count=n, machine=name)
        for name, n in day.elsewhere
    ]
    return [done_part(day.done, goal), *shares]


def last_heard(records: Iterable[SharedRecord]) -> dict[str, tuple[str, datetime]]:
    """Each machine id -> (its latest name, the time of its latest record)."""
    heard: dict[str, tuple[str, datetime]] = {}
    for record in records:
        known = heard.get(record.machine)
        if known is None or _utc(record.time) >= known[1]:
            heard[record.machine] = (record.machine_name, _utc(record.time))
    return heard


def _text(value: object) -> str:
    if not isinstance(value, str) or not value or len(value) > _TEXT_LIMIT:
        raise ValueError(value)
    return value


def _instant(value: object) -> datetime:
    moment = datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment.astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="milliseconds")


def as_outcome(record: SharedRecord) -> PromptOutcome | None:
    """Another machine's answer or natural break as an outcome for the stats (None: an "active"
    mark, which is no prompt)."""
    if record.kind in ANSWERS:
        return PromptOutcome(record.due or record.time, record.stretch, record.kind, record.time)
    if record.kind == NATURAL_BREAK:
        return PromptOutcome(record.due or record.time, None, NATURAL_BREAK, record.ended or record.time)
    return None


def of_machine(records: Iterable[SharedRecord], wanted: str) -> list[SharedRecord]:
    """The records of the machine named `wanted` (its name, or its id)."""
    return [r for r in records if wanted in (r.machine, r.machine_name)]


def merge_days(*groups: Iterable[DayCounts]) -> list[DayCounts]:
    """Per-day counts added up across machines, oldest first."""
    days: dict[date, DayCounts] = {}
    for group in groups:
        for counts in group:
            known = days.get(counts.day)
            days[counts.day] = (
                counts if known is None else DayCounts(counts.day, **known.plus(counts).as_dict())
            )
    return [days[d] for d in sorted(days)]


def merge_totals(*groups: Mapping[Any, int]) -> dict[Any, int]:
    """Counts keyed by stretch id (or day) added up across machines."""
    total: dict[Any, int] = {}
    for group in groups:
        for key, n in group.items():
            total[key] = total.get(key, 0) + n
    return total


def done_by_stretch(outcomes: Iterable[PromptOutcome]) -> dict[str, int]:
    """Stretches done, by stretch id."""
    done: dict[str, int] = {}
    for o in outcomes:
        if o.outcome == DONE and o.stretch_id:
            done[o.stretch_id] = done.get(o.stretch_id, 0) + 1
    return done
