"""Command-centre benchmark: the periodic time-limit job, the queues and the overview over 100,000
open cases, and the cost of a report and of a transition.

Builds the demo township (仁和镇), adds ``--cases`` open cases at the handling step whose limits lie
between five days ago and five days ahead, then times:

- ``refresh_clocks`` (the periodic job: three bulk updates) from scratch and when nothing changed;
- a dispatcher's and a department's queue counts, and the leaders' overview aggregates;
- ``report_case`` (intake with grid lookup and a case number) and ``transition`` per call.

Targets on the project's 2-core machine: the job < 5 s for 100,000 open cases; a queue count and
the overview < 1 s; a report or a transition < 50 ms.

    .venv/bin/python bench/cases_clock.py [--cases 100000]

Runs on a temporary SQLite file (the test settings), or on DATABASE_URL if it is set.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

JOB_TARGET, QUERY_TARGET, ACTION_TARGET = 5.0, 1.0, 0.050


def setup_django(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantian.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(label: str, function, target: float | None = None, calls: int = 1):
    began = time.perf_counter()
    result = function()
    seconds = (time.perf_counter() - began) / calls
    verdict = "" if target is None else ("  ok" if seconds <= target else f"  OVER the {target} s target")
    unit = f"{seconds * 1000:9.2f} ms/call" if calls > 1 else f"{seconds:9.3f} s"
    print(f"{label:<62} {unit}{verdict}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--actions", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        run(args.cases, args.actions)


def run(count: int, calls: int) -> None:
    import numpy as np
    from django.conf import settings
    from django.db.models import Count, Q
    from django.utils import timezone

    from lantian.cases import actions, demo, queues
    from lantian.cases.models import Case, Category
    from lantian.cases.periodic import refresh_clocks
    from lantian.core.demo import build_demo
    from lantian.core.models import Organization, User

    settings.LANTIAN_DEMO_SCALE = "small"
    build_demo()
    demo.build_demo()
    template = Case.objects.filter(state="open").first() or Case.objects.first()
    street = Organization.objects.get(name=demo.DEPARTMENTS[0])
    now = timezone.now()
    rng = np.random.default_rng(7)
    offsets = rng.uniform(-5, 5, count)
    began = time.perf_counter()
    batch = []
    for index, offset in enumerate(offsets):
        due = now + timedelta(days=float(offset))
        batch.append(
            Case(
                number=f"BX{index:012d}", organization=template.organization, channel="grid",
                category=template.category, workflow_version=template.workflow_version, step="handle",
                step_name="处置", description="基准", lat=template.lat, lng=template.lng, grid=template.grid,
                department=street, token=secrets.token_hex(16), created_at=due - timedelta(days=3),
                step_started_at=due - timedelta(days=3), due_at=due, warn_at=due - timedelta(hours=6),
            )
        )  # fmt: skip
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)
    print(f"{count:,} open cases written in {time.perf_counter() - began:.1f} s")

    timed("periodic job refresh_clocks (from scratch)", lambda: refresh_clocks(now), JOB_TARGET)
    timed("periodic job refresh_clocks (nothing changed)", lambda: refresh_clocks(now), JOB_TARGET)
    dispatcher = User.objects.get(username="rh_dispatch")
    handler = User.objects.get(username="rh_street")
    leader = User.objects.get(username="rh_leader")
    timed("dispatcher's queue counts", lambda: queues.queue_counts(dispatcher), QUERY_TARGET)
    timed("department's queue counts (100,000 waiting)", lambda: queues.queue_counts(handler), QUERY_TARGET)
    timed(
        "overview aggregates and departments' load",
        lambda: (
            Case.objects.restrict(leader).aggregate(
                open=Count("pk", filter=Q(state="open")), overdue=Count("pk", filter=Q(clock="overdue"))
            ),
            list(
                Case.objects.restrict(leader).open().exclude(department=None).order_by()
                .values("department").annotate(n=Count("pk"))
            ),
        ),
        QUERY_TARGET,
    )  # fmt: skip

    worker = User.objects.get(username="rh_grid1")
    operator = User.objects.get(username="rh_operator")
    category = Category.objects.get(code="E0302")
    grid = template.grid

    def reports():
        made = []
        for index in range(calls):
            lat = grid.south + Decimal("0.001") + Decimal(index % 20) / 10000
            report = actions.Report(
                organization=template.organization, category=category, channel="grid", description="基准上报",
                lat=lat, lng=grid.west + Decimal("0.001"), address="基准路",
            )  # fmt: skip
            made.append(actions.report_case(report, worker))
        return made

    made = timed("report_case (grid, number, event)", reports, ACTION_TARGET, calls)
    timed(
        "transition register → dispatch",
        lambda: [actions.transition(case, operator, "dispatch", "立案") for case in made],
        ACTION_TARGET,
        calls,
    )


if __name__ == "__main__":
    main()
