"""Air evaluation and live-view benchmark: 90 stations with a year of hourly values (loaded straight
into the hourly table and rolled up, not timed), then

- the evaluation of the year for every station and every township (and station kinds and the
  county), each with the same period of the year before, under both rule sets (target < 1 s);
- the live endpoint (/air/live/data/, the latest hour's real-time AQI of every station) through the
  full Django stack as a logged-in bureau user, 200 requests (target p95 < 200 ms): computed every
  time (the cache cleared before each request), then as served (computed once per scope, rule set
  and data state, see ``live.snapshot``).

Wall and CPU times (this process, plus the PostgreSQL server process of the connection when it runs
on this machine); on a shared machine the CPU time is the steadier figure.

    .venv/bin/python bench/air_evaluate.py

Runs on a temporary SQLite file (the test settings), or on DATABASE_URL if it is set.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

EVALUATION_TARGET = 1.0
LIVE_TARGET_MS = 200.0
DAYS = 365


def cpu_seconds() -> float:
    """CPU time of this process and, when the database is a PostgreSQL server on this machine, of
    the connection's server process."""
    from bench.cpu import server_cpu

    return time.process_time() + server_cpu()


def main():
    with tempfile.TemporaryDirectory() as folder:
        from bench.air_ingest import setup_django

        setup_django(folder)
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from lantian.air import daily, demo, evaluation, synthetic
        from lantian.air.models import HourlyValue, Station
        from lantian.core import demo as core_demo
        from lantian.core.models import User

        print(f"database: {connection.vendor}")
        core_demo.build_demo()
        county = core_demo.Organization.objects.get(name="渭川市生态环境局岐阳分局")
        stations, offices = demo._stations(county)
        ids = [s.pk for s in stations]
        last = timezone.localdate()
        first = last - timedelta(days=DAYS - 1)
        if not HourlyValue.objects.filter(station_id=ids[0]).exists():
            began = time.perf_counter()
            values = synthetic.generate(len(ids), first, DAYS, seed=3, faulty=demo.FAULTY)
            rows = synthetic.write_hourly(ids, first, values)
            daily.rollup(ids, first, last)
            print(
                f"setup: {rows:,} hourly values and their daily values in {time.perf_counter() - began:.0f} s"
            )
        user = User.objects.get(username="bureau")
        stations_seen = list(Station.objects.restrict(user, "view").select_related("organization"))
        for rules in ("2012", "2026"):
            for compare in (False, True):
                times, cpus = [], []
                for _ in range(5):
                    began, cpu = time.perf_counter(), cpu_seconds()
                    evaluation.evaluate_groupings(
                        list(Station.objects.restrict(user, "view").select_related("organization")),
                        first,
                        last,
                        ("station", "township"),
                        rules,
                        compare=compare,
                    )
                    times.append(time.perf_counter() - began)
                    cpus.append(cpu_seconds() - cpu)
                best, median = min(times), statistics.median(times)
                verdict = "meets" if median < EVALUATION_TARGET else "MISSES"
                what = "and the same period of the year before" if compare else "alone"
                print(
                    f"evaluation of {DAYS} days for {len(stations_seen)} stations and "
                    f"{len(offices) + 1} townships "
                    f"({what}), rules {rules}: median {median:.2f} s (best {best:.2f} s, "
                    f"CPU {statistics.median(cpus):.2f} s) — {verdict} the {EVALUATION_TARGET:.0f} s target"
                )

        client = Client()
        client.force_login(user)
        client.get("/air/live/data/")
        for label, cold in (
            ("computed every time (cache cleared before each request)", True),
            ("as served", False),
        ):
            samples, cpu = [], cpu_seconds()
            for n in range(200):
                if cold:
                    cache.clear()
                began = time.perf_counter()
                response = client.get(f"/air/live/data/?rules={'2012' if n % 2 else '2026'}")
                samples.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200 and len(response.json()["stations"]) == len(stations)
            cpu_ms = (cpu_seconds() - cpu) / len(samples) * 1000
            samples.sort()
            p50, p95 = samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1]
            verdict = "meets" if p95 < LIVE_TARGET_MS else "MISSES"
            print(
                f"live endpoint, {len(stations)} stations, {label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
                f"CPU {cpu_ms:.0f} ms a request — {verdict} the {LIVE_TARGET_MS:.0f} ms target"
            )
        assert Station.objects.count() >= 90


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
