"""Clock and data-quality rules over 200,000 item instances (target < 20 s): the pure kernels on
histories shaped like the demo's (acceptance, corrections, special procedures, completions across the
2026 holidays), as the periodic job and the pre-upload check run them.

    .venv/bin/python bench/approvals_clock.py
"""

import os
import random
import sys
import time
from datetime import datetime, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from tests.approvals.test_clock import CAL

from lantian.approvals.standards import status as S
from lantian.approvals.standards.clock import item_clock
from lantian.approvals.standards.quality import check_details, check_handling

N = 200_000


def histories(n, seed=7):
    rng = random.Random(seed)
    for i in range(n):
        start = datetime(2026, 1, 1, 9) + timedelta(days=rng.randrange(330), minutes=rng.randrange(480))
        moment, events = start, [(S.RECEIVED, start), (S.ACCEPTED, start + timedelta(minutes=20))]
        for _ in range(rng.choice((0, 0, 1, 2))):
            moment += timedelta(hours=rng.randrange(2, 200))
            kind = rng.choice((S.CORRECTION_START, S.SPECIAL_START))
            events.append((kind, moment))
            if rng.random() < 0.85:
                moment += timedelta(hours=rng.randrange(1, 300))
                events.append((kind + 1, moment))
        if rng.random() < 0.6:
            events.append((S.APPROVED, moment + timedelta(hours=rng.randrange(1, 400))))
        yield f"SL{i:08d}", rng.choice((5, 10, 20)), rng.choice(("workdays", "workdays", "workhours")), events


def main():
    data = list(histories(N))
    now = datetime(2026, 12, 7, 14, 0)
    began = time.perf_counter()
    states = {}
    for _code, limit, unit, events in data:
        state = item_clock(CAL, limit, unit, events, now).state
        states[state] = states.get(state, 0) + 1
    clock_s = time.perf_counter() - began
    began = time.perf_counter()
    handling = [
        {"DFSJZJ": f"BL{i}", "BLZT": events[-1][0], "XMDM": "2026-610302-48-01-000001", "SPJDXH": 3}
        for i, (_c, _l, _u, events) in enumerate(data)
    ]
    details = [
        {"DFSJZJ": f"BLXX{i}-{n}", "SPSXSLBM": code, "BLCS": n, "BLZT": status}
        for i, (code, _l, _u, events) in enumerate(data)
        for n, (status, _moment) in enumerate(events, start=1)
    ]
    findings = check_handling(handling) + check_details(details)
    rules_s = time.perf_counter() - began
    print(f"clock: {N:,} item instances in {clock_s:.2f} s ({clock_s / N * 1e6:.1f} µs each): {states}")
    print(
        f"quality rules: {len(handling):,} cases, {len(details):,} handling steps in {rules_s:.2f} s, "
        f"{len(findings):,} findings"
    )
    print(f"total {clock_s + rules_s:.2f} s (target < 20 s)")


if __name__ == "__main__":
    main()
