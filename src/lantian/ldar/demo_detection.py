"""The detection demo: the first 2026 round of 渭川华测环境检测有限公司 at 渭川金泰石化有限公司 — a cycle,
a work plan and work order per area, a day's calibration and background before each day's walk, one
reading of every accessible point (about 2 % of them leaking, as plants report 1–3 %), the
inaccessible points recorded with their reasons, and re-tests of some leaks after repair.

The guard rails find nothing in it. ``build_planted_demo`` (``demo_guardrails``) adds the falsified work:
陕西清源检测 at 渭川宏远化工, whose readings heap just under the threshold in a few work orders and whose
inspector walks faster than a person in one; its other work orders are as clean as 华测's.

Run by ``ldar.demo.build_demo`` after the archive and the instruments exist. Idempotent: a plant whose
cycle exists is left as it is. Rows are written in bulk; each reading is derived and decided by the
model's own ``derive()`` (no query per row), as the import does. The agency's filing is approved by the
agencies demo, which runs after this one.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from lantian.ldar.demo_guardrails import build_planted_demo, check_cycle, place_groups

PLANT = "渭川金泰石化有限公司"
AGENCY = "渭川华测环境检测有限公司"
INSTRUMENT = "TVA-20-1187"
INSPECTORS = ("孙丽娟", "张伟", "李娜")
WINDS = ("东北", "东", "北", "西北", "东南")
FIRST_DAY = datetime.date(2026, 4, 7)
POINTS_PER_DAY = 520  # two inspectors, about 45 s a point
LEAK_SHARE = 0.02


def aware(day: datetime.date, seconds: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(8, 30)) + datetime.timedelta(seconds=seconds)
    )


@transaction.atomic
def build_detection_demo() -> list[str]:
    from lantian.core.models import Organization, User
    from lantian.ldar.models import (
        BackgroundRecord,
        CalibrationRecord,
        ComponentGroup,
        DetectionCycle,
        DetectionInstrument,
        DetectionRecord,
        InaccessiblePoint,
        RetestRecord,
        SealPoint,
        WorkOrder,
        WorkPlan,
    )
    from lantian.ldar.models.detection import thresholds_of

    plant = Organization.objects.filter(name=PLANT, kind=Organization.Kind.ENTERPRISE).first()
    agency = Organization.objects.filter(name=AGENCY, kind=Organization.Kind.AGENCY).first()
    instrument = DetectionInstrument.objects.filter(organization=agency, serial_number=INSTRUMENT).first()
    if plant is None or agency is None or instrument is None:
        return []
    if DetectionCycle.objects.filter(enterprise=plant, year=2026, round=1).exists():
        return build_planted_demo()
    rng = random.Random(37822)
    cycle = DetectionCycle.objects.create(
        enterprise=plant,
        agency=agency,
        year=2026,
        round=1,
        accounting_start=datetime.date(2026, 1, 1),
        accounting_end=datetime.date(2026, 6, 30),
        remark="2026 年第一轮 LDAR 检测",
    )
    inspectors = list(User.objects.filter(organization=agency, is_active=True))
    points = list(
        SealPoint.objects.filter(enterprise=plant, is_valid=True).order_by(
            "area_id", "group__code", "extension_number"
        )
    )
    by_area: dict[int, list] = {}
    for point in points:
        by_area.setdefault(point.area_id, []).append(point)
    groups = {g.pk: g for g in ComponentGroup.objects.filter(enterprise=plant)}
    thresholds, permits = thresholds_of([plant.pk]), {}
    day, used, orders = FIRST_DAY, 0, {}
    readings, unreachable, days = [], [], []
    for area_id, area_points in by_area.items():
        plan = WorkPlan.objects.create(
            cycle=cycle,
            area_id=area_id,
            start_date=day,
            collection_end_date=day + datetime.timedelta(days=14),
        )
        order = WorkOrder.objects.create(plan=plan, issued_on=day - datetime.timedelta(days=3))
        order.inspectors.set(inspectors)
        orders[(cycle.pk, area_id)] = order.pk
        for point in area_points:
            if used == POINTS_PER_DAY:
                day, used = day + datetime.timedelta(days=1), 0
            if not days or days[-1] != day:
                days.append(day)
            if not point.accessible:
                row = InaccessiblePoint(
                    cycle=cycle,
                    seal_point=point,
                    recorded_on=day,
                    reason=point.inaccessible_reason or "无法到达",
                    operator=INSPECTORS[1],
                )
                row.derive()
                unreachable.append(row)
                continue
            started = aware(day, 8 + used * 55 + rng.randint(0, 9))
            background = round(rng.uniform(0.8, 2.6), 1)
            leaking = rng.random() < LEAK_SHARE
            reading = (
                round(rng.uniform(2600, 32000), 1)
                if leaking
                else round(background + rng.expovariate(1 / 35), 1)
            )
            record = DetectionRecord(
                cycle=cycle,
                seal_point=point,
                background=background,
                reading=reading,
                instrument=instrument,
                operator=INSPECTORS[1 + used % 2],
                started_at=started,
                ended_at=started + datetime.timedelta(seconds=rng.randint(25, 40)),
                wind_direction=wind_of(day, rng),
                position="轴封" if point.is_dynamic else "",
            )
            record._groups, record._thresholds, record._orders, record._permits = (
                groups,
                thresholds,
                orders,
                permits,
            )
            record.derive()
            readings.append(record)
            used += 1
    DetectionRecord.objects.bulk_create(readings, batch_size=1000)
    InaccessiblePoint.objects.bulk_create(unreachable, batch_size=1000)
    BackgroundRecord.objects.bulk_create([background_of(cycle, instrument, day, rng) for day in days])
    CalibrationRecord.objects.bulk_create([calibration_of(cycle, instrument, day, rng) for day in days])
    leaks = [r for r in readings if r.is_leak]
    retests = []
    for record in leaks[::2]:  # half of them repaired and re-tested within the 15 days
        retest = RetestRecord(
            detection=record,
            background=record.background,
            reading=round(record.background + rng.uniform(5, 180), 1),
            instrument=instrument,
            operator=INSPECTORS[1],
            tested_at=record.started_at + datetime.timedelta(days=rng.randint(3, 12)),
        )
        retest.derive()
        retests.append(retest)
    RetestRecord.objects.bulk_create(retests)
    place_groups(plant)
    check_cycle(cycle)
    return [
        f"LDAR 检测：{PLANT} 2026 年第 1 轮，{len(readings)} 条检测记录，{len(leaks)} 个泄漏点"
        f"（{len(leaks) / max(1, len(readings)):.1%}），{len(unreachable)} 个不可达点，{len(retests)} 条复检",
        *build_planted_demo(),
    ]


def wind_of(day: datetime.date, rng) -> str:
    """The day's prevailing wind, turning now and then to its neighbours (as noted at each point)."""
    prevailing = day.toordinal() % len(WINDS)
    return WINDS[(prevailing + rng.choice((0, 0, 0, 1, -1))) % len(WINDS)]


def background_of(cycle, instrument, day, rng):
    from lantian.ldar.models import BackgroundRecord

    values = [round(rng.uniform(0.8, 2.6), 1) for _ in range(3)]
    row = BackgroundRecord(
        cycle=cycle,
        instrument=instrument,
        measured_at=aware(day, -600),
        readings="、".join(str(v) for v in values),
        wind_direction=WINDS[day.toordinal() % len(WINDS)],
        operator=INSPECTORS[1],
    )
    row.derive()
    return row


def calibration_of(cycle, instrument, day, rng):
    from lantian.ldar.models import CalibrationRecord

    span = 500.0
    row = CalibrationRecord(
        cycle=cycle,
        instrument=instrument,
        calibrated_at=aware(day, -1500),
        zero_gas_reading=round(rng.uniform(0, 0.8), 1),
        span_gas=span,
        span_reading=round(span * rng.uniform(0.95, 1.04), 1),
        drift=round(rng.uniform(-2.5, 2.5), 1),
        response_time=round(rng.uniform(3, 8), 1),
        passed=True,
        cylinder_number="BG-2291",
        cylinder_expiry=datetime.date(2027, 3, 1),
        operator=INSPECTORS[1],
    )
    row.derive()
    return row
