"""The guard rails in the demo: plant-grid positions of the demo plants' groups (the walk rule needs
them), and the planted falsified work the guard rails must catch.

陕西清源检测技术有限公司 (its account ``qingyuan``) does 2026 round 1 at 渭川宏远化工有限公司, one work
order per area. In the first ``HEAPED`` work orders a quarter of the readings are typed just under the
leak threshold (a field app filling points it never measured, careful that none is a leak); in the
work order after them the inspector holds the probe 2–3 s and crosses 60 m between groups in 8 s.
The other work orders are honest, as are 华测's readings at 渭川金泰石化: they raise no flag.

Idempotent: a plant whose 2026 round 1 exists is left as it is. Written in bulk, then checked by the
guard rails as an import would be (``check_cycle``).
"""

from __future__ import annotations

import datetime
import random

AGENCY = "陕西清源检测技术有限公司"
PLANT = "渭川宏远化工有限公司"
INSTRUMENT = "PHX-42-0318"
INSPECTOR = "陈立新"
HEAPED = 2  # work orders with readings heaped under the threshold
HEAP_SHARE = 0.25
AREA_SPACING = 300.0  # metres between areas on the plant grid
GROUP_SPACING = 6.0  # metres between neighbouring groups of an area (a pipe rack's bays)
FAR_SPACING = 60.0  # the planted walk's groups: 60 m apart, crossed in 8 s


def place_groups(plant, spacing: float = GROUP_SPACING, only_missing: bool = True) -> None:
    """Give the plant's groups plant-grid positions: areas ``AREA_SPACING`` apart, the groups of an
    area along a line in code order."""
    from lantian.ldar.models import ComponentGroup

    groups = list(ComponentGroup.objects.filter(enterprise=plant).order_by("area_id", "code"))
    if only_missing and groups and all(g.grid_x is not None for g in groups):
        return
    areas = {area: index for index, area in enumerate(dict.fromkeys(g.area_id for g in groups))}
    along: dict[int, int] = {}
    for group in groups:
        position = along.get(group.area_id, 0)
        along[group.area_id] = position + 1
        group.grid_x = round(areas[group.area_id] * AREA_SPACING + position * spacing, 1)
        group.grid_y = round((areas[group.area_id] % 3) * AREA_SPACING, 1)
    ComponentGroup.objects.bulk_update(groups, ["grid_x", "grid_y"], batch_size=1000)


def check_cycle(cycle) -> int:
    """The guard rails over the cycle's work orders (written in bulk, so no save told them)."""
    from lantian.ldar.guardrails_checks import check_work_orders
    from lantian.ldar.models import WorkOrder

    return check_work_orders(WorkOrder.objects.filter(cycle=cycle).values_list("pk", flat=True))


def planted_parties():
    """The falsifying agency, linked to the plant, with its instrument and its account."""
    from lantian.core.demo import demo_account
    from lantian.core.models import Organization, OrganizationLink
    from lantian.ldar.models import DetectionInstrument

    plant = Organization.objects.filter(name=PLANT, kind=Organization.Kind.ENTERPRISE).first()
    agency = Organization.objects.filter(name=AGENCY, kind=Organization.Kind.AGENCY).first()
    if plant is None or agency is None:
        return None
    OrganizationLink.objects.get_or_create(
        provider=agency, client=plant, defaults={"since": datetime.date(2026, 1, 5)}
    )
    instrument, _created = DetectionInstrument.objects.get_or_create(
        organization=agency,
        serial_number=INSTRUMENT,
        defaults={
            "name": "便携式VOCs检测仪",
            "instrument_model": "phx42",
            "detector_type": "FID",
            "manufacturer": "LDARtools",
            "measuring_range": "0–50000 μmol/mol",
            "calibrated_on": datetime.date(2026, 1, 10),
            "calibration_due": datetime.date(2027, 1, 9),
        },
    )
    account = demo_account("qingyuan", INSPECTOR, agency, "agency_admin")
    return plant, agency, instrument, account


def build_planted_demo() -> list[str]:
    from lantian.core.models import User
    from lantian.ldar.demo_detection import aware, background_of, calibration_of, wind_of
    from lantian.ldar.models import (
        BackgroundRecord,
        CalibrationRecord,
        ComponentGroup,
        DetectionCycle,
        DetectionRecord,
        SealPoint,
        WorkOrder,
        WorkPlan,
    )
    from lantian.ldar.models.detection import thresholds_of

    parties = planted_parties()
    if parties is None:
        return []
    plant, agency, instrument, account = parties
    if DetectionCycle.objects.filter(enterprise=plant, year=2026, round=1).exists():
        return [account]
    place_groups(plant)
    rng = random.Random(31571)
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
        SealPoint.objects.filter(enterprise=plant, is_valid=True, accessible=True).order_by(
            "area_id", "group__code", "extension_number"
        )
    )
    by_area: dict[int, list] = {}
    for point in points:
        by_area.setdefault(point.area_id, []).append(point)
    groups = {g.pk: g for g in ComponentGroup.objects.filter(enterprise=plant)}
    thresholds, orders = thresholds_of([plant.pk]), {}
    day = datetime.date(2026, 5, 11)
    readings, days, planted = [], [], {}
    for index, (area_id, area_points) in enumerate(by_area.items()):
        plan = WorkPlan.objects.create(
            cycle=cycle, area_id=area_id, start_date=day, collection_end_date=day + datetime.timedelta(days=7)
        )
        order = WorkOrder.objects.create(plan=plan, issued_on=day - datetime.timedelta(days=2))
        order.inspectors.set(inspectors)
        orders[(cycle.pk, area_id)] = order.pk
        kind = "heaped" if index < HEAPED else "walk" if index == HEAPED else "clean"
        planted[order.number] = kind
        if kind == "walk":
            far = [groups[pk] for pk in dict.fromkeys(p.group_id for p in area_points)]
            for position, group in enumerate(far):
                group.grid_x = groups[group.pk].grid_x = round(
                    index * AREA_SPACING + position * FAR_SPACING, 1
                )
            ComponentGroup.objects.bulk_update(far, ["grid_x"])
        days.append(day)
        clock = 0
        for point in area_points:
            dwell = rng.randint(2, 3) if kind == "walk" and rng.random() < 0.3 else rng.randint(22, 45)
            started = aware(day, clock)
            clock += dwell + (8 if kind == "walk" else rng.randint(35, 80))
            background = round(rng.uniform(0.8, 2.6), 1)
            record = DetectionRecord(
                cycle=cycle,
                seal_point=point,
                background=background,
                reading=0.0,
                instrument=instrument,
                operator=INSPECTOR,
                started_at=started,
                ended_at=started + datetime.timedelta(seconds=dwell),
                wind_direction=wind_of(day, rng),
            )
            record._groups, record._thresholds, record._orders = groups, thresholds, orders
            record.derive()  # the threshold of the point's state
            if kind == "heaped" and rng.random() < HEAP_SHARE:  # typed: just under, never a leak
                record.reading = round(background + record.threshold * rng.uniform(0.905, 0.995), 1)
            else:
                record.reading = round(background + rng.expovariate(1 / 30), 1)
            record.decide()
            readings.append(record)
        day += datetime.timedelta(days=1)
    DetectionRecord.objects.bulk_create(readings, batch_size=1000)
    BackgroundRecord.objects.bulk_create([background_of(cycle, instrument, d, rng) for d in days])
    CalibrationRecord.objects.bulk_create([calibration_of(cycle, instrument, d, rng) for d in days])
    flags = check_cycle(cycle)
    heaped = [number for number, kind in planted.items() if kind != "clean"]
    return [
        f"LDAR 防造假演示：{AGENCY} 在 {PLANT} 2026 年第 1 轮 {len(readings)} 条检测记录，"
        f"工单 {'、'.join(heaped)} 被防造假规则标记（{flags} 条），其余工单无标记",
        account,
    ]
