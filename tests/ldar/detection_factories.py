"""Detection-process rows for tests: the tree's agency (approved, serving ent_a1) detects the archive's
points in one cycle. Built through the models (``derive`` and ``clean`` rules apply on save)."""

import datetime
import itertools

from lantian.ldar.models import (
    BackgroundRecord,
    CalibrationRecord,
    DetectionCycle,
    DetectionRecord,
    InaccessiblePoint,
    LeakRuleSet,
    RetestRecord,
    WorkOrder,
    WorkPlan,
)
from tests.agencies.helpers import approved_filing
from tests.ldar.factories import Archive, moment, more_points

SERIAL = itertools.count(1)


def record(cycle, point, reading, background=1.0, at=None, **values) -> DetectionRecord:
    # a minute apart, but always on 8 April (09:00–18:59): the serial counts on across tests, and a
    # reading pushed past midnight moved its leak's repair window a day in a test run late in a process
    started = at or moment(2026, 4, 8, 9) + datetime.timedelta(minutes=next(SERIAL) % 600)
    return DetectionRecord.objects.create(
        cycle=cycle,
        seal_point=point,
        background=background,
        reading=reading,
        instrument=values.pop("instrument", None) or cycle_instrument(cycle),
        operator=values.pop("operator", "张伟"),
        started_at=started,
        ended_at=started + datetime.timedelta(seconds=30),
        **values,
    )


def cycle_instrument(cycle):
    from lantian.ldar.models import DetectionInstrument

    return DetectionInstrument.objects.filter(organization=cycle.agency).first()


class Detection:
    """The tree's agency, approved, in one 2026 cycle of ent_a1: a plan of the archive's area with its
    work order, a reading of each valve (one a leak), a re-test, a background, a calibration and an
    inaccessible point (the pump)."""

    def __init__(self, tree, archive: Archive):
        self.tree, self.archive = tree, archive
        self.filing = approved_filing(tree)
        self.instrument = archive.agency_instrument
        self.cycle = DetectionCycle.objects.create(
            enterprise=tree.ent_a1,
            agency=tree.agency,
            year=2026,
            round=1,
            accounting_start=datetime.date(2026, 1, 1),
            accounting_end=datetime.date(2026, 6, 30),
        )
        self.plan = WorkPlan.objects.create(
            cycle=self.cycle,
            area=archive.area,
            start_date=datetime.date(2026, 4, 1),
            collection_end_date=datetime.date(2026, 4, 30),
        )
        self.order = WorkOrder.objects.create(plan=self.plan, issued_on=datetime.date(2026, 3, 30))
        self.order.inspectors.set([tree.agency_admin])
        self.record = record(self.cycle, archive.points[0], 36.5, 1.2, position="阀杆")
        self.leak = record(self.cycle, archive.points[1], 6200.0, 2.0)
        self.retest = RetestRecord.objects.create(
            detection=self.leak,
            background=1.5,
            reading=120.0,
            instrument=self.instrument,
            operator="张伟",
            tested_at=moment(2026, 4, 12, 10),
        )
        self.background = BackgroundRecord.objects.create(
            cycle=self.cycle,
            area=archive.area,
            instrument=self.instrument,
            measured_at=moment(2026, 4, 8, 8, 30),
            readings="1.1, 1.3, 1.2",
            operator="张伟",
        )
        self.calibration = CalibrationRecord.objects.create(
            cycle=self.cycle,
            instrument=self.instrument,
            calibrated_at=moment(2026, 4, 8, 8),
            zero_gas_reading=0.2,
            span_gas=500,
            span_reading=492,
            drift=1.2,
            response_time=4.5,
            passed=True,
            cylinder_number="BG-2291",
            cylinder_expiry=datetime.date(2027, 3, 1),
            operator="张伟",
        )
        self.inaccessible = InaccessiblePoint.objects.create(
            cycle=self.cycle,
            seal_point=archive.points[2],
            recorded_on=datetime.date(2026, 4, 8),
            reason="高空无平台",
            operator="张伟",
        )
        self.rule_set = LeakRuleSet.objects.create(enterprise=tree.ent_a1, rule_set="GB37822")


def more_records(detection: Detection, n: int) -> None:
    group = detection.archive.group
    more_points(group, n)
    done = set(DetectionRecord.objects.values_list("seal_point_id", flat=True))
    for point in group.points.exclude(pk__in=done)[:n]:
        record(detection.cycle, point, 10.0 + point.pk)
