"""SLA clock kernel speed: readings of incidents with pauses, 24×7 and office hours (lantian.ops.sla).

Run: .venv/bin/python bench/ops_clocks.py
"""

import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from lantian.core.standards.worktime import WorkCalendar
from lantian.ops.sla import Timeline, incident_clocks

N = 100_000


def timelines(rng):
    base = datetime(2026, 1, 1)
    for _ in range(N):
        reported = base + timedelta(minutes=rng.randint(0, 500_000))
        responded = reported + timedelta(minutes=rng.randint(0, 90))
        resolved = responded + timedelta(minutes=rng.randint(10, 3000)) if rng.random() < 0.8 else None
        pauses = [(reported + timedelta(minutes=20), reported + timedelta(minutes=rng.randint(20, 600)))]
        yield Timeline(reported, responded, None, None, resolved), pauses


def run(calendar, label):
    rng = random.Random(1)
    cases = list(timelines(rng))
    now = datetime(2027, 1, 1)
    targets = {"own": 30, "restore": 40, "resolve": 24 * 60}
    started = time.perf_counter()
    breached = 0
    for timeline, pauses in cases:
        clocks = incident_clocks(timeline, targets, now=now, pauses=pauses, calendar=calendar)
        breached += any(reading.breached for reading in clocks.values())
    seconds = time.perf_counter() - started
    print(
        f"{label:<13} {N:,} incidents × 3 clocks: {seconds:.2f} s "
        f"({seconds / N * 1e6:.1f} µs each), {breached:,} breached"
    )


if __name__ == "__main__":
    run(None, "24×7")
    holidays = [date(2026, 10, d) for d in range(1, 9)] + [date(2026, 1, 1), date(2026, 5, 1)]
    run(WorkCalendar(holidays, [date(2026, 10, 10)]), "office hours")
