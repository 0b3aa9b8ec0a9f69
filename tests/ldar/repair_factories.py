"""Repair rows for tests, on top of the detection rows (tests/ldar/detection_factories.py): the leak of
the tree's cycle opens a task; a delay, a repair with its re-test, an AVO entry, a spot check with a
reading, and the periodic jobs' rows."""

import datetime
import itertools

from django.utils import timezone

from lantian.ldar.actions_repair import open_repair_tasks
from lantian.ldar.models import RetestRecord
from lantian.ldar.models.repair import (
    AvoInspection,
    DelayedRepair,
    DetectionDue,
    RepairMonth,
    RepairOrder,
    RepairTask,
    SpotCheck,
    SpotCheckReading,
)
from lantian.ldar.repair_jobs import refresh_detection_due, refresh_repair_months
from tests.ldar.detection_factories import Detection, record
from tests.ldar.factories import moment, more_points

SERIAL = itertools.count(1)


def retest(detection_record, net, at=None, instrument=None) -> RetestRecord:
    return RetestRecord.objects.create(
        detection=detection_record,
        background=1.0,
        reading=net + 1.0,
        instrument=instrument or detection_record.instrument,
        operator="张伟",
        tested_at=at or moment(2026, 4, 14, 10) + datetime.timedelta(minutes=next(SERIAL) % 600),
    )


class Repair:
    """ent_a1's leak (detected 2026-04-08) with its task, a submitted delay, a repair re-tested still
    leaking, an AVO entry, a spot check with one reading, the due dates and the monthly figures."""

    def __init__(self, detection: Detection):
        self.detection = detection
        tree = detection.tree
        open_repair_tasks([detection.record.pk, detection.leak.pk])
        self.task = RepairTask.objects.get(detection=detection.leak)
        self.delay = DelayedRepair.objects.create(
            task=self.task,
            reason_kind="shutdown",
            reason="需停车检修",
            planned_date=datetime.date(2026, 9, 1),
        )
        self.order = RepairOrder.objects.create(
            task=self.task, repaired_on=datetime.date(2026, 4, 10), repaired_by="王五", method="packing"
        )
        self.avo = AvoInspection.objects.create(
            enterprise=tree.ent_a1,
            unit=detection.archive.unit,
            area=detection.archive.area,
            inspected_on=datetime.date(2026, 4, 2),
            inspector="王五",
        )
        self.spot_check = SpotCheck.objects.create(
            enterprise=tree.ent_a1, checked_on=datetime.date(2026, 4, 20), inspectors="李检查"
        )
        self.spot_reading = SpotCheckReading.objects.create(
            spot_check=self.spot_check, seal_point=detection.archive.points[0], background=1, reading=12
        )
        now = timezone.now()
        refresh_detection_due(timezone.localdate(), now)
        refresh_repair_months(now)
        self.due = DetectionDue.objects.get(seal_point=detection.archive.points[0])
        self.month = RepairMonth.objects.get(enterprise=tree.ent_a1)


def more_tasks(repair: Repair, n: int) -> None:
    d = repair.detection
    more_points(d.archive.group, n)
    done = set(RepairTask.objects.values_list("seal_point_id", flat=True))
    records = [record(d.cycle, point, 9000.0) for point in d.archive.group.points.exclude(pk__in=done)[:n]]
    open_repair_tasks([r.pk for r in records])


def more_delays(repair: Repair, n: int) -> None:
    more_tasks(repair, n)
    for task in RepairTask.objects.filter(delays__isnull=True)[:n]:
        DelayedRepair.objects.create(
            task=task, reason_kind="unsafe", reason="带压", planned_date=datetime.date(2026, 8, 1)
        )


def more_orders(repair: Repair, n: int) -> None:
    for i in range(n):
        RepairOrder.objects.create(
            task=repair.task, repaired_on=datetime.date(2026, 4, 11), repaired_by=f"工{i}", method="tighten"
        )


def more_avo(repair: Repair, n: int) -> None:
    for i in range(n):
        AvoInspection.objects.create(
            enterprise=repair.detection.tree.ent_a1,
            unit=repair.detection.archive.unit,
            inspected_on=datetime.date(2026, 3, 1) + datetime.timedelta(days=i),
            inspector="王五",
        )


def more_dues(repair: Repair, n: int) -> None:
    more_points(repair.detection.archive.group, n)
    refresh_detection_due(timezone.localdate())


def more_months(repair: Repair, n: int) -> None:
    """Stored months of earlier years (the job's rows, written directly: the page only lists them)."""
    enterprise = repair.detection.tree.ent_a1
    start = next(SERIAL) * 100
    RepairMonth.objects.bulk_create(
        RepairMonth(
            enterprise=enterprise,
            month=datetime.date(1900 + (start + i) // 12 % 100, 1 + (start + i) % 12, 1),
            detected=100,
            leaking=2,
            leak_rate=2.0,
            refreshed_at=timezone.now(),
        )
        for i in range(n)
    )


def more_spot_checks(repair: Repair, n: int) -> None:
    for i in range(n):
        SpotCheck.objects.create(
            enterprise=repair.detection.tree.ent_a1,
            checked_on=datetime.date(2026, 5, 1) + datetime.timedelta(days=i),
            inspectors="李检查",
        )


def more_spot_readings(repair: Repair, n: int) -> None:
    group = repair.detection.archive.group
    more_points(group, n)
    for point in group.points.order_by("-pk")[:n]:
        SpotCheckReading.objects.create(
            spot_check=repair.spot_check, seal_point=point, background=1, reading=3
        )
