"""LDAR kernel benchmark: a year's statistics and emissions of 1,000,000 detection records.

Generates a seeded plant of 250,000 seal points (the types and material states of a refinery archive)
detected four times in a year (1,000,000 records, a few of them outside the year and some leaking),
with three unit shutdowns, then times the vectorised kernel: net values, leak decisions under
GB 37822, emission rates with their methods, and the year's emissions of every point by the mid-point
method. Checks a sample of points against the scalar ``period_emissions`` (exact equality).
Target (specs/ldar.md, scale targets): annual statistics and emissions of 1,000,000 records < 5 s.

    .venv/bin/python bench/ldar_kernel.py [--points 250000] [--readings 4]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from lantian.ldar.standards import (
    MATERIAL_STATES,
    emission_method_array,
    emission_rate_array,
    is_leak_array,
    leak_threshold_array,
    net_value_array,
    period_emissions,
    period_emissions_array,
)

TARGET = 5.0  # seconds
SEED = 20240101
START, END = datetime(2024, 1, 1), datetime(2025, 1, 1)
SHUTDOWNS = [
    (datetime(2024, 3, 1), datetime(2024, 3, 20)),
    (datetime(2024, 3, 10), datetime(2024, 4, 2)),
    (datetime(2024, 12, 20), datetime(2025, 1, 10)),
]
# A refinery archive's mix of seal-point types (flanges and connectors dominate).
MIX = {
    "flange": 0.40,
    "connector": 0.25,
    "valve": 0.25,
    "open_ended": 0.04,
    "sampling": 0.02,
    "relief": 0.015,
    "pump": 0.02,
    "compressor": 0.003,
    "agitator": 0.002,
}


def plant(points: int, readings: int, rng: np.random.Generator):
    types = rng.choice(list(MIX), size=points, p=list(MIX.values()))
    states = rng.choice(MATERIAL_STATES, size=points, p=[0.35, 0.45, 0.20])
    point = np.repeat(np.arange(points), readings)
    rng.shuffle(point)  # records arrive in any order
    year = np.datetime64(START, "s")
    offsets = rng.integers(-10 * 86_400, 376 * 86_400, size=point.size)  # some outside the year
    times = (year + offsets.astype("timedelta64[s]")).astype("datetime64[us]")
    background = rng.uniform(0.5, 5.0, size=point.size).round(1)
    # Most seals read near the background; about 2 % leak, a few beyond the peg.
    reading = np.where(
        rng.random(point.size) < 0.02,
        rng.lognormal(9.0, 1.2, size=point.size),
        background + rng.exponential(20.0, size=point.size),
    ).round(1)
    return types, states, point, times, reading, background


def timed(label: str, function, *args, **kwargs):
    began = time.perf_counter()
    result = function(*args, **kwargs)
    elapsed = time.perf_counter() - began
    print(f"  {label:<48} {elapsed:6.3f} s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=250_000)
    parser.add_argument("--readings", type=int, default=4)
    options = parser.parse_args()
    rng = np.random.default_rng(SEED)
    types, states, point, times, reading, background = plant(options.points, options.readings, rng)
    print(f"{point.size:,} detection records of {options.points:,} seal points, {START:%Y}")

    total = 0.0
    net, seconds = timed("net values", net_value_array, reading, background)
    total += seconds
    thresholds, seconds = timed("GB 37822 thresholds", leak_threshold_array, "GB37822", states[point])
    total += seconds
    leaks, seconds = timed("leak decisions", is_leak_array, net, thresholds)
    total += seconds
    _, seconds = timed(
        "emission rates (refining)", emission_rate_array, net, types[point], states[point], "refining"
    )
    total += seconds
    methods, seconds = timed("emission methods", emission_method_array, net)
    total += seconds
    kg, seconds = timed(
        "year emissions per point (mid-point, shutdowns)",
        period_emissions_array,
        point,
        times,
        net,
        START,
        END,
        component_types=types,
        material_states=states,
        industry="refining",
        shutdowns=SHUTDOWNS,
    )
    total += seconds

    sample = rng.choice(options.points, size=200, replace=False)
    order = np.argsort(point, kind="stable")
    bounds = np.searchsorted(point[order], np.arange(options.points + 1))
    for index in sample:
        rows = order[bounds[index] : bounds[index + 1]]
        own = [(times[r].item(), float(net[r])) for r in rows]
        expected = period_emissions(
            own,
            START,
            END,
            component_type=types[index],
            material_state=states[index],
            industry="refining",
            shutdowns=SHUTDOWNS,
        )
        assert kg[index] == expected, (index, kg[index], expected)

    counts = {method: int((methods == method).sum()) for method in ("default_zero", "correlation", "pegged")}
    print(f"  leaks: {int(leaks.sum()):,} ({leaks.mean():.2%}); methods: {counts}")
    print(f"  emissions: {kg.sum() / 1000:.2f} t in the year; 200 sampled points equal the scalar kernel")
    verdict = "within" if total < TARGET else "OVER"
    print(f"total {total:.2f} s for {point.size:,} records: {verdict} the {TARGET:.0f} s target")


if __name__ == "__main__":
    main()
