"""Working-time kernel benchmark: deadlines and working hours over spans of up to 1,000 days.

Builds the shipped calendar (2004–2026), then times 100,000 calls of each operation on seeded random
starts in 2004–2024 with spans of up to 1,000 working days (7,000 working hours), against a day-by-day
walk over the same spans as the reference. Target: a 1,000-day span costs under 50 µs a call.

    .venv/bin/python bench/worktime.py
"""

from __future__ import annotations

import csv
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lantian.core.standards.worktime import WorkCalendar  # noqa: E402

DATA = ROOT / "src/lantian/core/data/calendar/china.csv"
CALLS = 100_000
WALKED = 2_000  # the day-by-day reference is slow: fewer calls, scaled per call
SEED = 20261207
TARGET_MICROSECONDS = 50


def load() -> WorkCalendar:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    days = {
        kind: [date.fromisoformat(r["date"]) for r in rows if r["kind"] == kind]
        for kind in ("holiday", "workday")
    }
    return WorkCalendar(days["holiday"], days["workday"])


def per_call(seconds: float, calls: int) -> float:
    return seconds / calls * 1e6


def timed(label: str, calls: int, function) -> float:
    began = time.perf_counter()
    function()
    micros = per_call(time.perf_counter() - began, calls)
    print(f"{label:<58} {micros:8.2f} µs/call")
    return micros


def main() -> int:
    began = time.perf_counter()
    cal = load()
    built = (time.perf_counter() - began) * 1e3
    print(f"calendar of {len(cal.holidays) + len(cal.extra_workdays)} days built in {built:.1f} ms")

    rng = random.Random(SEED)
    first = date(2004, 1, 1).toordinal()
    starts = [date.fromordinal(first + rng.randrange(365 * 21)) for _ in range(CALLS)]
    counts = [rng.randrange(1, 1001) for _ in range(CALLS)]
    moments = [
        datetime.combine(d, datetime.min.time()) + timedelta(minutes=rng.randrange(1440)) for d in starts
    ]
    hours = [rng.uniform(0, 7000) for _ in range(CALLS)]
    ends = [m + timedelta(days=rng.randrange(1, 1401)) for m in moments]
    suspended = [
        [(m + timedelta(days=10), m + timedelta(days=40)), (m + timedelta(days=30), m + timedelta(days=90))]
        for m in moments
    ]

    deadlines = list(map(cal.workday_deadline, starts, counts))
    operations = (
        ("workday_deadline(start, n ≤ 1000)", lambda: list(map(cal.workday_deadline, starts, counts))),
        (
            "workdays_between(start, that deadline)",
            lambda: list(map(cal.workdays_between, starts, deadlines)),
        ),
        ("add_working_hours(start, hours ≤ 7000)", lambda: list(map(cal.add_working_hours, moments, hours))),
        (
            "working_hours_between(a, b ≤ 1400 days later)",
            lambda: list(map(cal.working_hours_between, moments, ends)),
        ),
        (
            "working_hours_between(a, b, two overlapping suspensions)",
            lambda: list(map(cal.working_hours_between, moments, ends, suspended)),
        ),
    )
    worst = max(timed(label, CALLS, function) for label, function in operations)

    walked_counts = []

    def walk():
        for start, deadline in zip(starts[:WALKED], deadlines[:WALKED], strict=True):
            n, day = 0, start
            while day < deadline:
                day += timedelta(days=1)
                n += cal.is_workday(day)
            walked_counts.append(n)

    walked = timed("reference: walking day by day over the same spans", WALKED, walk)
    checked = walked_counts == counts[:WALKED]
    print(
        f"slowest operation {worst:.2f} µs/call (target < {TARGET_MICROSECONDS} µs); "
        f"{walked / worst:.0f}× faster than the walk; the walk finds the same counts: {checked}"
    )
    return 0 if checked and worst < TARGET_MICROSECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
