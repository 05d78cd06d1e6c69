"""How fast `deskbreak stats` stays as the history grows: five years of synthetic prompts.

Run: python bench/bench_stats.py [--years 5] [--per-day 24]
Prints milliseconds (median of several runs) for opening the history, the SQL-grouped stats of the
last 30 days and of all five years, the pure path over raw rows for comparison, the chart, and a
CSV export. Budget: the whole-history stats well under a second.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deskbreak.adapters.charts import draw_week_chart
from deskbreak.core import stats, stats_export
from deskbreak.core.outcomes import DONE, IGNORED, NATURAL_BREAK, SKIPPED, SNOOZED, PromptOutcome
from deskbreak.store.export import write_csv
from deskbreak.store.history import History

ZONE = ZoneInfo("Europe/Berlin")
STRETCHES = (
    "seated-twist",
    "forward-lean",
    "side-bend",
    "figure-four",
    "back-extension",
    "side-stretch",
    "hamstring",
    "quad",
    "wall-slide",
    "squat",
)
GOAL = 6


def is_work_day(d: date) -> bool:
    return d.weekday() < 5


def synthetic(today: date, years: int, per_day: int, seed: int = 1) -> list[PromptOutcome]:
    rng = random.Random(seed)
    out: list[PromptOutcome] = []
    day = today - timedelta(days=365 * years)
    while day <= today:
        if is_work_day(day) and rng.random() > 0.05:
            start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=ZONE)
            for i in range(per_day):
                at = start + timedelta(minutes=20 * i + rng.randint(0, 5))
                kind = rng.choices((DONE, SNOOZED, SKIPPED, IGNORED, NATURAL_BREAK), (60, 15, 10, 8, 7))[0]
                stretch = None if kind == NATURAL_BREAK else rng.choice(STRETCHES)
                held = rng.randint(15, 40) if kind == DONE else None
                out.append(PromptOutcome(at, stretch, kind, at + timedelta(seconds=50), held))
        day += timedelta(days=1)
    return out


def sql_summary(h: History, start: date, end: date, today: date) -> stats.Summary:
    return stats.summarize_counts(
        h.day_counts(start, end),
        h.done_by_stretch(start, end),
        start_day=start,
        end_day=end,
        goal=GOAL,
        is_work_day=is_work_day,
        today=today,
        done_per_day=h.done_per_day(today),
    )


def timed(label: str, fn: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    ms = statistics.median(times)
    print(f"  {label:<52} {ms:9.1f} ms   (median of {runs}, worst {max(times):.1f})")
    return ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-day", type=int, default=24, help="prompts per work day")
    args = parser.parse_args()
    today = date(2026, 6, 30)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite3"
        rows = synthetic(today, args.years, args.per_day)
        t0 = time.perf_counter()
        with History.open(path, zone=ZONE) as h:
            h.record_many(rows)
        size = (
            path.stat().st_size + Path(f"{path}-wal").stat().st_size
            if Path(f"{path}-wal").exists()
            else path.stat().st_size
        )
        print(
            f"history: {len(rows):,} rows over {args.years} years, {size / 1e6:.1f} MB "
            f"(written in {time.perf_counter() - t0:.1f} s)"
        )
        month = (today - timedelta(days=29), today)
        everything = (today - timedelta(days=365 * args.years), today)

        def cold(span: tuple[date, date]) -> Callable[[], object]:
            def run() -> object:
                with History.open(path, zone=ZONE) as h:
                    return sql_summary(h, span[0], span[1], today)

            return run

        print("stats as the CLI runs it (open + check + SQL GROUP BY + summarize):")
        timed("open the history (with quick_check)", lambda: History.open(path).close())
        timed("stats --days 30", cold(month))
        whole = timed(f"stats over all {args.years} years", cold(everything))
        with History.open(path, zone=ZONE) as h:
            print("on an open history (the daemon's tray line, JSON/CSV output):")
            timed("today line", lambda: stats.today_line(next(iter(h.day_counts(today, today)), None), GOAL))
            summary = sql_summary(h, *everything, today)
            timed(
                f"to_json + to_csv of {len(summary.days)} days",
                lambda: (stats_export.to_json(summary), stats_export.to_csv(summary)),
                runs=3,
            )
            print("pure path over raw rows (for comparison):")
            start = datetime(month[0].year, month[0].month, month[0].day, tzinfo=ZONE)
            timed(
                "outcomes_between + summarize, 30 days",
                lambda: stats.summarize(
                    h.outcomes_between(start, start + timedelta(days=30)), *month, GOAL, is_work_day, today
                ),
            )
            timed(
                f"outcomes_between + summarize, {args.years} years",
                lambda: stats.summarize(
                    h.outcomes_between(datetime(2000, 1, 1, tzinfo=ZONE), start + timedelta(days=30)),
                    *everything,
                    GOAL,
                    is_work_day,
                    today,
                ),
                runs=3,
            )
            print("chart and export:")
            last4 = sql_summary(h, today - timedelta(days=27), today, today)
            timed(
                "stats --chart (28 days, PNG)",
                lambda: draw_week_chart(
                    list(last4.days), GOAL, Path(tmp) / "chart.png", work_days=last4.work_days
                ),
            )
            timed(
                "history export --csv (all rows)", lambda: write_csv(h.export_rows(), io.StringIO()), runs=3
            )
        print(
            f"streaks over {args.years} years: current {summary.current_streak}, "
            f"best {summary.best_streak}; completion rate {summary.completion_rate:.0%}"
        )
    verdict = "OK" if whole < 1000 else "TOO SLOW"
    print(f"{verdict}: whole-history stats {whole:.1f} ms (budget: well under 1000 ms)")
    return 0 if whole < 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
