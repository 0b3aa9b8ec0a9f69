"""LDAR repair benchmark: the periodic jobs and the opening of repair tasks at a big plant's scale.

Builds a plant of N seal points (``plant_layout``) with one detection cycle and one reading per point
(about 2 % leaking; written in bulk, decided by the model's ``derive()``), then times:
- ``open_repair_tasks`` over every reading (what the readings-saved hook does after an import);
- the overdue job over all tasks; the due-date job (kernel ``next_detection_due`` per point under the
  enterprise's rule set, upserted); the monthly statistics job;
- the repair-task list page filtered to overdue tasks (one request, as the bureau).

    .venv/bin/python bench/ldar_repair.py [--points 100000]

Runs on a temporary SQLite file (the test settings), or on DATABASE_URL if it is set.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.ldar_detection import build, setup_django  # noqa: E402


def timed(label: str, function, *args):
    started = time.perf_counter()
    result = function(*args)
    print(f"{label}: {time.perf_counter() - started:.2f} s ({result})")
    return result


def readings(cycle, instrument, seed: int = 8415) -> int:
    from django.utils import timezone

    from lantian.ldar.models import ComponentGroup, DetectionRecord, SealPoint
    from lantian.ldar.models.detection import thresholds_of

    rng = random.Random(seed)
    groups = {g.pk: g for g in ComponentGroup.objects.filter(enterprise=cycle.enterprise_id)}
    thresholds = thresholds_of([cycle.enterprise_id])
    start = timezone.make_aware(datetime.datetime(2026, 4, 6, 8))
    rows = []
    for index, point in enumerate(SealPoint.objects.filter(enterprise=cycle.enterprise_id).order_by("pk")):
        background = round(rng.uniform(0.5, 3.0), 1)
        value = (
            round(rng.uniform(5200, 48000), 1)
            if rng.random() < 0.02
            else background + rng.expovariate(1 / 40)
        )
        at = start + datetime.timedelta(seconds=45 * index)
        row = DetectionRecord(cycle=cycle, seal_point=point, background=background, reading=value,
                              instrument=instrument, operator="张伟", started_at=at,
                              ended_at=at + datetime.timedelta(seconds=30))  # fmt: skip
        row._groups, row._thresholds, row._orders, row._permits = groups, thresholds, {}, {}
        row.derive()
        rows.append(row)
    DetectionRecord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def run(count: int) -> None:
    from django.test import Client
    from django.utils import timezone

    from lantian.core.models import Organization, Role, User
    from lantian.ldar.actions_repair import open_repair_tasks, refresh_overdue
    from lantian.ldar.models import DetectionRecord, SealPoint
    from lantian.ldar.models.repair import RepairTask
    from lantian.ldar.repair_jobs import refresh_detection_due, refresh_repair_months

    started = time.perf_counter()
    _plant, _user, instrument, tags, cycle = build(count)
    written = readings(cycle, instrument)
    print(
        f"plant of {len(tags):,} seal points and {written:,} readings"
        f" in {time.perf_counter() - started:.1f} s (not timed)"
    )
    ids = list(DetectionRecord.objects.filter(cycle=cycle).values_list("pk", flat=True))
    timed(f"open_repair_tasks over {len(ids):,} readings", open_repair_tasks, ids)
    timed("open_repair_tasks again (idempotent)", open_repair_tasks, ids)
    today = timezone.localdate()
    timed("overdue job", refresh_overdue, RepairTask.objects.all(), today)
    counts = timed("detection due job (first run: every point written)", refresh_detection_due, today)
    assert sum(counts.values()) == SealPoint.objects.filter(is_valid=True).count()
    timed("detection due job again (nothing changed)", refresh_detection_due, today)
    timed("monthly statistics job", refresh_repair_months)
    bureau = User.objects.create_user(username="bench-bureau", password="Bench@2026x",
                                      organization=Organization.objects.get(name="基准测试市局"))  # fmt: skip
    bureau.roles.set([Role.objects.get(code="bureau_admin")])
    client = Client()
    client.force_login(bureau)
    client.get("/ldar/repairtasks/?overdue=true")
    samples = []
    for _ in range(10):
        began = time.perf_counter()
        assert client.get("/ldar/repairtasks/?overdue=true").status_code == 200
        samples.append(time.perf_counter() - began)
    samples.sort()
    print(
        f"overdue repair-task list page: median {samples[5] * 1000:.0f} ms, max {samples[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        run(arguments.points)


if __name__ == "__main__":
    main()
