from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from deskbreak.core.outcomes import (
    DONE,
    IGNORED,
    MISSED_WHILE_ASLEEP,
    NATURAL_BREAK,
    SKIPPED,
    SNOOZED,
    PromptOutcome,
)
from deskbreak.core.stats import (
    Counts,
    DayCounts,
    add_outcome,
    count_days,
    not_yet_done,
    shown_start,
    streaks,
    summarize,
    summarize_counts,
    today_line,
    unique_least_done,
    window,
)

PLUS2 = timezone(timedelta(hours=2))
MON = date(2026, 6, 1)  # a Monday


def weekdays(d: date) -> bool:
    return d.weekday() < 5


def day(n: int) -> date:
    return MON + timedelta(days=n)


def at(n: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day(n), datetime.min.time(), PLUS2).replace(hour=hour, minute=minute)


def done(n: int, stretch: str = "twist", k: int = 0) -> PromptOutcome:
    return PromptOutcome(at(n, 9 + k), stretch, DONE, at(n, 9 + k, 1), 30)


def outcome(n: int, kind: str, stretch: str | None = "twist") -> PromptOutcome:
    return PromptOutcome(at(n, 15), stretch, kind)


# --- counting ---


def test_count_days_uses_the_prompts_own_offset() -> None:
    late = PromptOutcome(datetime(2026, 6, 1, 23, 30, tzinfo=UTC), "x", DONE)
    assert [d.day for d in count_days([late])] == [date(2026, 6, 1)]
    assert [d.day for d in count_days([late], zone=PLUS2)] == [date(2026, 6, 2)]


def test_every_outcome_has_a_column() -> None:
    c = DayCounts(MON)
    for kind in (DONE, SNOOZED, SKIPPED, IGNORED, NATURAL_BREAK, MISSED_WHILE_ASLEEP):
        c = add_outcome(c, kind, 2)
    assert (c.done, c.snoozed, c.skipped, c.ignored, c.natural_breaks, c.missed) == (2,) * 6
    assert c.total == 12 and c.day == MON


# --- completion rate ---


@pytest.mark.parametrize(
    ("counts", "rate"),
    [
        (Counts(), None),
        (Counts(snoozed=3, natural_breaks=2, missed=1), None),  # nothing answered: no rate
        (Counts(done=3, skipped=1), 0.75),
        (Counts(done=2, ignored=2, snoozed=9, natural_breaks=4), 0.5),
        (Counts(done=4), 1.0),
    ],
)
def test_completion_rate(counts: Counts, rate: float | None) -> None:
    assert counts.completion_rate == rate


# --- streaks ---


def test_weekends_neither_break_nor_extend_a_streak() -> None:
    # Mon..Fri met, weekend nothing, Mon..Tue met: 7 work days in a row.
    per_day = {day(n): 6 for n in (0, 1, 2, 3, 4, 7, 8)}
    assert streaks(per_day, 6, weekdays, day(8)) == (7, 7)
    per_day[day(5)] = 10  # stretching on Saturday does not add a day
    assert streaks(per_day, 6, weekdays, day(8)) == (7, 7)


def test_a_short_work_day_breaks_the_streak() -> None:
    per_day = {day(0): 6, day(1): 6, day(2): 5, day(3): 6}
    assert streaks(per_day, 6, weekdays, day(3)) == (1, 2)


def test_a_work_day_with_no_data_breaks_the_streak() -> None:
    per_day = {day(0): 6, day(2): 6, day(3): 6}
    assert streaks(per_day, 6, weekdays, day(3)) == (2, 2)


def test_today_short_of_the_goal_does_not_break_the_current_streak() -> None:
    per_day = {day(0): 6, day(1): 7, day(2): 3}
    assert streaks(per_day, 6, weekdays, day(2)) == (2, 2)
    per_day[day(2)] = 6
    assert streaks(per_day, 6, weekdays, day(2)) == (3, 3)
    assert streaks(per_day, 6, weekdays, day(3)) == (3, 3)  # next morning, nothing yet
    assert streaks(per_day, 6, weekdays, day(4)) == (0, 3)  # Thursday missed, now Friday


def test_streak_when_today_is_not_a_work_day() -> None:
    per_day = {day(3): 6, day(4): 6, day(5): 0}
    assert streaks(per_day, 6, weekdays, day(6)) == (2, 2)


def test_goal_edges() -> None:
    assert streaks({}, 6, weekdays, MON) == (0, 0)
    assert streaks({day(0): 1}, 1, weekdays, day(0)) == (1, 1)
    assert streaks({day(0): 5}, 6, weekdays, day(0)) == (0, 0)
    assert streaks({day(9): 8}, 6, weekdays, day(0)) == (0, 0)  # the future does not count
    with pytest.raises(ValueError):
        streaks({}, 0, weekdays, MON)


def test_best_streak_is_found_before_a_break() -> None:
    per_day = {day(n): 6 for n in range(12) if weekdays(day(n))}  # 10 work days
    per_day[day(14)] = 2
    per_day[day(15)] = 6
    assert streaks(per_day, 6, weekdays, day(15)) == (1, 10)


# --- summaries ---


def sample() -> list[PromptOutcome]:
    items = [done(0, "twist", k) for k in range(6)]  # Mon: goal met
    items += [done(1, "twist"), done(1, "lean", 1), done(1, "lean", 2)]  # Tue: 3
    items += [
        outcome(1, SKIPPED),
        outcome(1, IGNORED),
        outcome(1, SNOOZED),
        outcome(1, NATURAL_BREAK, None),
        outcome(1, MISSED_WHILE_ASLEEP),
    ]
    items += [done(2, "wall-slide")]  # Wed
    return items


def test_summarize_over_a_range() -> None:
    s = summarize(sample(), day(1), day(2), 6, weekdays, day(2))
    assert [d.day for d in s.days] == [day(1), day(2)]
    assert (
        s.totals.done,
        s.totals.skipped,
        s.totals.ignored,
        s.totals.snoozed,
        s.totals.natural_breaks,
        s.totals.missed,
    ) == (4, 1, 1, 1, 1, 1)
    assert s.completion_rate == pytest.approx(4 / 6)
    assert (s.current_streak, s.best_streak) == (0, 1)  # Monday, outside the range, still counts
    assert s.most_done is not None and (s.most_done.stretch_id, s.most_done.done) == ("lean", 2)
    assert s.least_done is not None and (s.least_done.stretch_id, s.least_done.done) == ("twist", 1)
    assert [(x.stretch_id, x.done) for x in s.done_by_stretch] == [
        ("lean", 2),
        ("twist", 1),
        ("wall-slide", 1),
    ]


def test_days_without_data_are_zero_rows_and_work_days_are_marked() -> None:
    s = summarize(sample(), day(0), day(6), 6, weekdays, day(6))
    assert len(s.days) == 7 and s.days[4] == DayCounts(day(4))
    assert s.work_days == frozenset(day(n) for n in range(5))


def test_least_done_may_name_a_stretch_never_done() -> None:
    s = summarize(sample(), day(0), day(2), 6, weekdays, day(2), known_ids=["squat", "lean"])
    assert s.least_done is not None and (s.least_done.stretch_id, s.least_done.done) == ("squat", 0)
    assert s.most_done is not None and s.most_done.stretch_id == "twist"


def test_days_before_the_first_use_are_left_out() -> None:
    # First used on Wednesday: Monday and Tuesday are not days without stretches.
    items = [done(2, "twist"), outcome(3, SKIPPED)]
    s = summarize(items, day(0), day(4), 6, weekdays, day(4))
    assert s.start_day == day(2) and [d.day for d in s.days] == [day(2), day(3), day(4)]
    assert s.work_days == frozenset({day(2), day(3), day(4)})
    counted = summarize_counts(
        count_days(items),
        {"twist": 1},
        start_day=day(0),
        end_day=day(4),
        goal=6,
        is_work_day=weekdays,
        today=day(4),
        first_use=day(2),
    )
    assert counted == s


def test_the_first_use_bounds_the_range() -> None:
    assert shown_start(day(0), day(6), None) == day(0)  # unknown: the whole range
    assert shown_start(day(3), day(6), day(0)) == day(3)  # used before the range
    assert shown_start(day(0), day(6), day(4)) == day(4)
    assert shown_start(day(0), day(6), day(9)) == day(6)  # nothing yet: the last day alone


def test_ties_for_least_done_name_no_stretch() -> None:
    s = summarize(sample(), day(1), day(2), 6, weekdays, day(2), known_ids=["squat", "bend"])
    assert not_yet_done(s) == ("bend", "squat")
    assert unique_least_done(s) is None  # two at zero
    tied = summarize(sample(), day(1), day(2), 6, weekdays, day(2))  # twist 1, wall-slide 1
    assert not_yet_done(tied) == () and unique_least_done(tied) is None
    alone = summarize(sample(), day(1), day(1), 6, weekdays, day(1))  # lean 2, twist 1
    least = unique_least_done(alone)
    assert least is not None and (least.stretch_id, least.done) == ("twist", 1)


def test_empty_summary() -> None:
    s = summarize([], day(0), day(0), 6, weekdays, day(0))
    assert s.totals == Counts() and s.completion_rate is None
    assert s.most_done is None and s.least_done is None
    assert (s.current_streak, s.best_streak) == (0, 0)
    with pytest.raises(ValueError):
        summarize([], day(1), day(0), 6, weekdays, day(1))


def test_sql_path_gives_the_same_summary() -> None:
    items = sample()
    pure = summarize(items, day(0), day(2), 6, weekdays, day(2))
    counted = summarize_counts(
        count_days(items),
        {"twist": 7, "lean": 2, "wall-slide": 1},
        start_day=day(0),
        end_day=day(2),
        goal=6,
        is_work_day=weekdays,
        today=day(2),
    )
    assert counted == pure


# --- the tray line and the CLI window ---


@pytest.mark.parametrize(
    ("counts", "goal", "line"),
    [
        (None, None, "Today: no stretches yet"),
        (Counts(), 6, "Today: no stretches yet"),
        (Counts(missed=2), 6, "Today: no stretches yet"),
        (Counts(done=4, skipped=1), None, "Today: 4 done, 1 skipped"),
        (Counts(done=4, skipped=1), 6, "Today: 4 of 6 done, 1 skipped"),
        (Counts(skipped=2), None, "Today: 0 done, 2 skipped"),
        (
            Counts(done=1, ignored=1, natural_breaks=2, snoozed=1),
            None,
            "Today: 1 done, 1 ignored, 2 natural breaks, 1 snoozed",
        ),
        (Counts(done=1, natural_breaks=1), None, "Today: 1 done, 1 natural break"),
    ],
)
def test_today_line(counts: Counts | None, goal: int | None, line: str) -> None:
    assert today_line(counts, goal) == line


def test_today_line_takes_a_day_from_a_summary() -> None:
    s = summarize(sample(), day(1), day(1), 6, weekdays, day(1))
    assert today_line(s.days[-1], 6) == (
        "Today: 3 of 6 done, 1 skipped, 1 ignored, 1 natural break, 1 snoozed"
    )


def test_window() -> None:
    thu = day(3)
    assert window(thu) == (day(-3), thu)
    assert window(thu, days=1) == (thu, thu)
    assert window(thu, days=30) == (thu - timedelta(days=29), thu)
    assert window(thu, week=True) == (MON, thu)
    assert window(thu, month=True) == (date(2026, 6, 1), thu)
    assert window(date(2026, 6, 20), month=True) == (date(2026, 6, 1), date(2026, 6, 20))
    with pytest.raises(ValueError):
        window(thu, days=0)
