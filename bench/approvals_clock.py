"""Clock and data-quality rules over 200,000 item instances (target < 20 s), end to end: the periodic
job ``approvals.clock`` (read the instances and their handling steps, compute every clock, write back
the states, remaining and overdue times) and the quality run (read the bureau's data in the exchange
tables' shapes, run every rule, keep the findings), on the database as they run in production.

Builds the demo city and its approvals demo, adds ``--cases`` item instances whose histories are shaped
like the demo's (acceptance, corrections, special procedures, completions across the 2026 holidays) to
the demo's projects, then times:

- the clock job from scratch (every instance never computed), then again an hour later (the open
  instances only, as every 15 minutes);
- the quality run over the bureau's data (every rule, findings written).

CPU time is this process's plus, on PostgreSQL, the server backend's (read from /proc).

    .venv/bin/python bench/approvals_clock.py [--cases 200000]

Runs on a temporary SQLite file (the test settings), or on DATABASE_URL if it is set (a database that
is created, migrated and dropped: give it a name of its own).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.cpu import server_cpu  # noqa: E402 (after the path is set)

TARGET = 20.0


def histories(n, seed=7):
    """(time limit, unit, events) of ``n`` cases received across 2026."""
    from lantian.approvals.standards import status as S

    rng = random.Random(seed)
    for _ in range(n):
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
        yield rng.choice((5, 10, 20)), rng.choice(("workdays", "workdays", "workhours")), events


def setup_django(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantian.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            name = connection.settings_dict["NAME"]
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def drop_database() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"]}"')


def timed(label: str, function):
    cpu, server, wall = time.process_time(), server_cpu(), time.perf_counter()
    result = function()
    wall = time.perf_counter() - wall
    cpu, server = time.process_time() - cpu, server_cpu() - server
    extra = f" + server {server:.2f} s" if server else ""
    print(f"{label:<52} {wall:7.2f} s wall, CPU {cpu:.2f} s{extra}: {result}")
    return wall


def add_cases(count: int) -> int:
    from django.db import transaction
    from django.utils import timezone

    from lantian.approvals import models as m
    from lantian.approvals.standards import status as S
    from lantian.core.demo import build_demo

    build_demo()
    from lantian.approvals import demo

    demo.build_demo()
    targets = list(
        m.ItemInstance.objects.exclude(stage=None)
        .order_by("pk")
        .values_list("project_id", "stage_id", "item_id", "department_id")
    )
    tz = timezone.get_current_timezone()
    began = time.perf_counter()
    steps = 0
    data = list(histories(count))
    with transaction.atomic():
        for start in range(0, count, 10_000):
            chunk = data[start : start + 10_000]
            instances = []
            for n, (limit, unit, events) in enumerate(chunk, start=start):
                project, stage, item, department = targets[n % len(targets)]
                final = next((moment for code, moment in events if code in S.FINAL), None)
                instances.append(
                    m.ItemInstance(
                        code=f"BENCH{n:08d}", project_id=project, stage_id=stage, item_id=item,
                        department_id=department, time_limit=limit, limit_unit=unit,
                        received_at=events[0][1].replace(tzinfo=tz),
                        status=events[-1][0], is_open=final is None,
                        completed_at=final and final.replace(tzinfo=tz),
                    )
                )  # fmt: skip
            m.ItemInstance.objects.bulk_create(instances, batch_size=2000)
            ids = dict(
                m.ItemInstance.objects.filter(code__in=[i.code for i in instances]).values_list("code", "pk")
            )
            records = [
                m.HandlingRecord(
                    instance_id=ids[instance.code],
                    sequence=sequence,
                    status=code,
                    handled_at=moment.replace(tzinfo=tz),
                    handler="经办人",
                )
                for instance, (_limit, _unit, events) in zip(instances, chunk, strict=True)
                for sequence, (code, moment) in enumerate(events, start=1)
            ]
            m.HandlingRecord.objects.bulk_create(records, batch_size=5000)
            steps += len(records)
    print(
        f"{count:,} item instances, {steps:,} handling steps written in {time.perf_counter() - began:.1f} s"
    )
    return steps


def run(count: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from lantian.approvals.clock import clock_job
    from lantian.approvals.models import QualityRun
    from lantian.approvals.quality import run_quality
    from lantian.core.models import Organization

    add_cases(count)
    print(f"database: {connection.vendor}; the machine is shared (2 cores), CPU times beside wall times")
    now = timezone.make_aware(datetime(2026, 12, 7, 14, 0))

    def job(at):
        with transaction.atomic():  # as manage.py run_periodic runs it
            return clock_job(at)

    clock_s = timed("clock job, every clock computed for the first time", lambda: job(now))
    timed("clock job an hour later (the open instances)", lambda: job(now + timedelta(hours=1)))
    bureau = Organization.objects.get(name="渭川市行政审批服务局")

    def quality():
        run, _findings = run_quality(bureau, None, QualityRun.Trigger.SCHEDULE)
        return f"{run.checked:,} rows checked, {run.findings:,} findings"

    rules_s = timed("quality run over the bureau's data", quality)
    verdict = "ok" if clock_s + rules_s < TARGET else f"OVER the {TARGET:.0f} s target"
    print(f"clock job + quality run: {clock_s + rules_s:.2f} s wall (target < {TARGET:.0f} s): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        try:
            run(args.cases)
        finally:
            drop_database()


if __name__ == "__main__":
    main()
