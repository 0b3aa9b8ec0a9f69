"""The repair demo: a year of LDAR at 渭川金泰石化有限公司 — round 1 by 渭川华测 (from the detection demo) and
round 2 by 陕西清源 (Nov 2026, about 1.5 % leaking), every leak's repair task with its deadlines, repairs
on time, after a failed first attempt and late, an approved delay done at the planned shutdown, one delay
awaiting the bureau, a few tasks still open or overdue, two points repaired three times within a year
(one leak found by the daily AVO inspection between the rounds), the daily inspection ledger, one spot
check by the bureau, and the periodic jobs' figures.

Run by ``ldar.demo.build_demo`` after the detection demo. Idempotent: a plant with repair tasks is left
as it is. Rows are written in bulk; readings are derived and decided by the model's own ``derive()``.
``LANTIAN_DEMO_SCALE = "small"`` detects a few areas in round 2 and keeps a month of the AVO ledger.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantian.ldar.demo_detection import aware, background_of, calibration_of, wind_of
from lantian.ldar.demo_guardrails import check_cycle

PLANT = "渭川金泰石化有限公司"
SECOND_AGENCY = "陕西清源检测技术有限公司"
SECOND_INSTRUMENT = ("便携式VOCs检测仪", "TVA2020", "TVA-20-2048", "FID", "Thermo Fisher")
INSPECTORS = ("陈立新", "周凯")
REPAIRERS = ("马志远", "刘强", "王建国", "杜鹏")
ROUND_TWO_START = datetime.date(2026, 11, 16)
POINTS_PER_DAY = 520
LEAK_SHARE = 0.015
SMALL_POINTS = 900
AVO_FOUND_ON = datetime.date(2026, 9, 14)
SPOT_CHECK_ON = datetime.date(2026, 11, 27)
SPOT_CHECK_POINTS = 60


@transaction.atomic
def build_repair_demo() -> list[str]:
    from lantian.core.demo import demo_account
    from lantian.core.models import Organization, OrganizationLink
    from lantian.ldar.models import DetectionCycle
    from lantian.ldar.models.repair import RepairTask

    plant = Organization.objects.filter(name=PLANT, kind=Organization.Kind.ENTERPRISE).first()
    agency = Organization.objects.filter(name=SECOND_AGENCY, kind=Organization.Kind.AGENCY).first()
    first_round = DetectionCycle.objects.filter(enterprise=plant, year=2026, round=1).first()
    if plant is None or agency is None or first_round is None:
        return []
    accounts = [
        demo_account("jintai", "刘晓燕", plant, "enterprise_admin"),
        demo_account("qingyuan", "陈立新", agency, "agency_admin"),
    ]
    if RepairTask.objects.filter(enterprise=plant).exists():
        return []
    rng = random.Random(8_4_15)
    OrganizationLink.objects.get_or_create(
        provider=agency, client=plant, defaults={"since": datetime.date(2026, 6, 1)}
    )
    repeated_points = second_round(plant, agency, first_round, rng)
    # in the order things happened: a leak found again while its task is open is the same leak
    phases = (
        Q(detected_on__lt=datetime.date(2026, 7, 1)),
        Q(detected_on__gte=datetime.date(2026, 7, 1), detected_on__lt=ROUND_TWO_START),
        Q(detected_on__gte=ROUND_TWO_START),
    )
    for number, phase in enumerate(phases):
        repair_tasks(open_tasks(plant, phase), repeated_points, rng, first=number == 0, last=number == 2)
    tasks = RepairTask.objects.filter(enterprise=plant)
    counts = {
        "on_time": tasks.filter(state=RepairTask.State.REPAIRED, late=False).count(),
        "late": tasks.filter(late=True).count(),
        "delayed": tasks.filter(delayed=True).count(),
        "open": tasks.filter(state=RepairTask.State.OPEN).count(),
    }
    avo = daily_inspections(plant, repeated_points, rng)
    verdict = spot_check(plant, rng)
    refresh(plant)
    return [
        f"LDAR 修复：{PLANT} 维修任务 {tasks.count()} 个（按期 {counts['on_time']}，"
        f"超期修复 {counts['late']}，延迟修复 {counts['delayed']}，未完成 {counts['open']}），"
        f"日常巡检 {avo} 条，抽检：{verdict}",
        *accounts,
    ]


def second_round(plant, agency, first_round, rng) -> list[int]:
    """Round 2 by the second agency: plans, work orders, a day's calibration and background, one reading
    per accessible point (about 1.5 % leaking). Two points that leaked in round 1 leak again, and were
    also found leaking by the daily inspection in September (confirmed by a reading): returned."""
    from lantian.core.models import User
    from lantian.ldar.models import (
        BackgroundRecord,
        CalibrationRecord,
        ComponentGroup,
        DetectionCycle,
        DetectionInstrument,
        DetectionRecord,
        SealPoint,
        WorkOrder,
        WorkPlan,
    )
    from lantian.ldar.models.detection import thresholds_of

    name, model, serial, detector, maker = SECOND_INSTRUMENT
    instrument, _ = DetectionInstrument.objects.get_or_create(
        organization=agency,
        serial_number=serial,
        defaults={
            "name": name,
            "instrument_model": model,
            "detector_type": detector,
            "manufacturer": maker,
            "measuring_range": "0–50000 μmol/mol",
            "calibrated_on": datetime.date(2026, 6, 20),
            "calibration_due": datetime.date(2027, 6, 20),
        },
    )
    cycle = DetectionCycle.objects.create(
        enterprise=plant,
        agency=agency,
        year=2026,
        round=2,
        accounting_start=datetime.date(2026, 7, 1),
        accounting_end=datetime.date(2026, 12, 31),
        remark="2026 年第二轮 LDAR 检测",
    )
    points = list(
        SealPoint.objects.filter(enterprise=plant, is_valid=True, accessible=True).order_by(
            "area_id", "group__code", "extension_number"
        )
    )
    if settings.LANTIAN_DEMO_SCALE == "small":
        points = points[:SMALL_POINTS]
    earlier_leaks = list(
        DetectionRecord.objects.filter(cycle=first_round, is_leak=True, seal_point__in=[p.pk for p in points])
        .order_by("pk")
        .values_list("seal_point_id", flat=True)[:2]
    )
    groups = {g.pk: g for g in ComponentGroup.objects.filter(enterprise=plant)}
    thresholds, permits, orders = thresholds_of([plant.pk]), {}, {}
    inspectors = list(User.objects.filter(organization=agency, is_active=True))
    day, used, days, readings = ROUND_TWO_START, 0, [ROUND_TWO_START], []
    for area_id in dict.fromkeys(point.area_id for point in points):
        plan = WorkPlan.objects.create(
            cycle=cycle,
            area_id=area_id,
            start_date=day,
            collection_end_date=day + datetime.timedelta(days=14),
        )
        order = WorkOrder.objects.create(plan=plan, issued_on=day - datetime.timedelta(days=4))
        order.inspectors.set(inspectors)
        orders[(cycle.pk, area_id)] = order.pk
    for point in points:
        if used == POINTS_PER_DAY:
            day, used = day + datetime.timedelta(days=1), 0
            days.append(day)
        leaking = point.pk in earlier_leaks or rng.random() < LEAK_SHARE
        readings.append(
            reading(cycle, point, instrument, aware(day, 8 + used * 55 + rng.randint(0, 9)), leaking, rng)
        )
        used += 1
    avo_points = (p for p in points if p.pk in earlier_leaks)
    for i, point in enumerate(avo_points):  # the AVO finding, confirmed by the agency, a walk apart
        readings.append(
            reading(
                cycle,
                point,
                instrument,
                aware(AVO_FOUND_ON, 3600 + i * 300 + point.pk % 60),
                True,
                rng,
                "目视发现滴漏后复核",
            )
        )
        days.append(AVO_FOUND_ON)
    for row in readings:
        row._groups, row._thresholds, row._orders, row._permits = groups, thresholds, orders, permits
        row.derive()
    DetectionRecord.objects.bulk_create(readings, batch_size=1000)
    BackgroundRecord.objects.bulk_create(background_of(cycle, instrument, d, rng) for d in days)
    CalibrationRecord.objects.bulk_create(calibration_of(cycle, instrument, d, rng) for d in days)
    check_cycle(cycle)  # written in bulk: no save told the guard rails
    return earlier_leaks


def reading(cycle, point, instrument, started, leaking, rng, remark=""):
    from lantian.ldar.models import DetectionRecord

    background = round(rng.uniform(0.8, 2.6), 1)
    value = round(rng.uniform(2600, 26000), 1) if leaking else round(background + rng.expovariate(1 / 30), 1)
    return DetectionRecord(
        cycle=cycle,
        seal_point=point,
        background=background,
        reading=value,
        instrument=instrument,
        operator=INSPECTORS[rng.randrange(len(INSPECTORS))],
        started_at=started,
        ended_at=started + datetime.timedelta(seconds=rng.randint(25, 40)),
        wind_direction=wind_of(started.date(), rng),  # turning now and then, as real notes do
        position="轴封" if point.is_dynamic else "",
        remark=remark,
    )


def open_tasks(plant, phase) -> list:
    from lantian.ldar.actions_repair import open_repair_tasks
    from lantian.ldar.models import DetectionRecord
    from lantian.ldar.models.repair import RepairTask

    leaks = DetectionRecord.objects.filter(phase, enterprise=plant, is_leak=True)
    open_repair_tasks(leaks.values_list("pk", flat=True))
    return list(
        RepairTask.objects.filter(phase, enterprise=plant)
        .select_related("detection", "seal_type")
        .order_by("detected_on", "pk")
    )


def repair_tasks(tasks, repeated_points, rng, first: bool, last: bool) -> None:
    """Repairs as a plant does them: most within the deadline, some after a failed first attempt, some
    late, a few still leaking; in the first phase a pump delayed to the October shutdown (approved); in
    the last the newest leaks partly still being repaired and the newest one's delay awaiting the bureau.
    The points that leak again are repaired each time."""
    from lantian.core.models import ReviewStatus, User
    from lantian.ldar.models import RetestRecord
    from lantian.ldar.models.repair import DelayedRepair, RepairOrder, RepairTask

    today = timezone.localdate()
    earlier = {
        r.detection_id: r for r in RetestRecord.objects.filter(detection__in=[t.detection_id for t in tasks])
    }
    bureau = User.objects.filter(username="bureau").first()
    enterprise_user = User.objects.filter(username="jintai").first()
    delayed = next(
        (t for t in tasks if first and t.seal_type.is_dynamic and t.seal_point_id not in repeated_points),
        None,
    )
    pending_delay = tasks[-1] if last and tasks else None
    awaiting_retest = set(tasks[-3:-1]) if last else set()  # repaired, the agency's re-test still to come
    orders, retests, closed = [], [], []

    def repair(task, day, passes, retest=None, tested=True):
        order = RepairOrder(
            task=task,
            enterprise_id=task.enterprise_id,
            repaired_on=day,
            repaired_by=REPAIRERS[rng.randrange(len(REPAIRERS))],
            method=rng.choice(
                ("tighten", "packing", "gasket", "seal" if task.seal_type.is_dynamic else "component")
            ),
            description="紧固/更换密封件后复检",
        )
        if not tested:  # repaired, the agency's re-test still to come
            orders.append((order, None))
            return order
        if retest is None:
            detection = task.detection
            net = (
                round(rng.uniform(5, 300), 1)
                if passes
                else round(detection.threshold * rng.uniform(1.05, 2.5), 1)
            )
            retest = RetestRecord(
                detection=detection,
                background=detection.background,
                reading=round(detection.background + net, 1),
                instrument=detection.instrument,
                operator=detection.operator,
                tested_at=aware(day, 3600 * 6 + rng.randint(0, 3600)),
            )
            retest.derive()
            retests.append(retest)
        orders.append((order, retest))
        return order

    for task in tasks:
        start = task.detected_on
        if task is delayed:
            planned = datetime.date(2026, 10, 12)
            DelayedRepair.objects.bulk_create(
                [
                    DelayedRepair(
                        task=task,
                        enterprise_id=task.enterprise_id,
                        reason_kind="shutdown",
                        reason="机泵轴封泄漏，需停机更换机械密封，计划于 10 月装置停工检修时处理",
                        planned_date=planned,
                        status=ReviewStatus.APPROVED,
                        submitted_by=enterprise_user,
                        submitted_at=aware(start + datetime.timedelta(days=2), 3600),
                        reviewed_by=bureau,
                        reviewed_at=aware(start + datetime.timedelta(days=4), 7200),
                    )
                ]
            )
            task.delayed, task.due_on = True, planned
            repair(task, start + datetime.timedelta(days=3), passes=False)
            repair(task, planned, passes=True)
        elif task.detection_id in earlier:  # the detection demo's re-test: repaired the day before it
            retest = earlier[task.detection_id]
            repair(
                task,
                max(start, timezone.localtime(retest.tested_at).date() - datetime.timedelta(days=1)),
                True,
                retest,
            )
        elif task in awaiting_retest:
            repair(task, min(today, start + datetime.timedelta(days=2)), passes=True, tested=False)
        elif task.seal_point_id in repeated_points and task.complete_due < today:
            repair(task, start + datetime.timedelta(days=rng.randint(1, 6)), passes=True)
        elif task.complete_due >= today or task is pending_delay:
            if task is not pending_delay and rng.random() < 0.6:
                day = min(today, start + datetime.timedelta(days=rng.randint(1, 4)))
                repair(task, day, passes=True, tested=rng.random() < 0.5)
        else:
            luck = rng.random()
            if luck < 0.72:
                repair(task, start + datetime.timedelta(days=rng.randint(1, 9)), passes=True)
            elif luck < 0.86:
                first = start + datetime.timedelta(days=rng.randint(1, 4))
                repair(task, first, passes=False)
                repair(task, first + datetime.timedelta(days=rng.randint(4, 9)), passes=True)
            elif luck < 0.96:
                repair(task, start + datetime.timedelta(days=rng.randint(16, 30)), passes=True)
            else:
                repair(task, start + datetime.timedelta(days=rng.randint(2, 5)), passes=False)

    RetestRecord.objects.bulk_create(retests, batch_size=500)
    for order, retest in orders:
        task = order.task
        task.first_attempt_on = min(task.first_attempt_on or order.repaired_on, order.repaired_on)
        if retest is None:
            continue
        order.retest, order.retest_value = retest, retest.net_value
        order.result = RepairOrder.Result.FAILED if retest.is_leak else RepairOrder.Result.PASSED
        if not retest.is_leak:
            task.state, task.closed_on, task.late = (
                RepairTask.State.REPAIRED,
                order.repaired_on,
                order.repaired_on > task.due_on,
            )
            closed.append(task)
    RepairOrder.objects.bulk_create([order for order, _ in orders], batch_size=500)
    RepairTask.objects.bulk_update(
        tasks, ["delayed", "due_on", "state", "closed_on", "late", "first_attempt_on"], batch_size=500
    )
    if pending_delay is not None and enterprise_user is not None:
        DelayedRepair.objects.bulk_create(
            [
                DelayedRepair(
                    task=pending_delay,
                    enterprise_id=pending_delay.enterprise_id,
                    reason_kind="unsafe",
                    reason="泄漏点位于高温高压管线，带压堵漏风险大，申请待 2027 年 3 月停工检修时修复",
                    planned_date=datetime.date(2027, 3, 20),
                    status=ReviewStatus.SUBMITTED,
                    submitted_by=enterprise_user,
                    submitted_at=timezone.now() - datetime.timedelta(hours=20),
                )
            ]
        )


def daily_inspections(plant, repeated_points, rng) -> int:
    """The daily AVO round of each unit on working days; the dripping found in September at the points
    that leak again."""
    from lantian.ldar.models import ProcessUnit, SealPoint
    from lantian.ldar.models.repair import AvoInspection

    today = timezone.localdate()
    first = today - datetime.timedelta(days=30 if settings.LANTIAN_DEMO_SCALE == "small" else 330)
    units = list(ProcessUnit.objects.filter(enterprise=plant).order_by("code"))
    rows = []
    for offset in range((today - first).days):
        day = first + datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for unit in units:
            finding = "normal" if rng.random() > 0.01 else rng.choice(("seepage", "odour"))
            rows.append(
                AvoInspection(
                    enterprise=plant,
                    unit=unit,
                    inspected_on=day,
                    inspector=REPAIRERS[(offset + unit.pk) % len(REPAIRERS)],
                    finding=finding,
                    description="" if finding == "normal" else "法兰处有轻微渗漏/异味，已通知检测公司复核",
                    action_taken="" if finding == "normal" else "挂牌标识，通知检测",
                )
            )
    for point in SealPoint.objects.filter(pk__in=repeated_points).select_related("unit", "area"):
        rows.append(
            AvoInspection(
                enterprise=plant,
                unit=point.unit,
                area=point.area,
                seal_point=point,
                inspected_on=AVO_FOUND_ON - datetime.timedelta(days=1),
                inspector=REPAIRERS[0],
                finding="dripping",
                description=f"{point.tag} 阀杆处滴漏",
                action_taken="挂牌标识，通知检测公司复核并安排维修",
            )
        )
    AvoInspection.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def spot_check(plant, rng) -> str:
    """The bureau reads 60 points detected in round 2 on 27 Nov: two leaks, one of them known and within
    its repair window — no violation."""
    from lantian.ldar.models import DetectionRecord
    from lantian.ldar.models.repair import RepairTask, SpotCheck, SpotCheckReading, open_on

    check = SpotCheck.objects.create(
        enterprise=plant,
        checked_on=SPOT_CHECK_ON,
        inspectors="张明华、赵磊",
        remark="2026 年第四季度 LDAR 抽检",
    )
    known = (
        RepairTask.objects.filter(open_on(SPOT_CHECK_ON), enterprise=plant, due_on__gte=SPOT_CHECK_ON)
        .values_list("seal_point_id", flat=True)
        .first()
    )
    sample = (
        DetectionRecord.objects.filter(enterprise=plant, cycle__round=2, is_leak=False)
        .exclude(seal_point_id=known)
        .select_related("seal_point__group")
        .order_by("pk")
    )
    points = [record.seal_point for record in sample[: SPOT_CHECK_POINTS - (1 if known else 0)]]
    leaking = points[:1]
    if known:
        from lantian.ldar.models import SealPoint

        leaking.append(SealPoint.objects.select_related("group").get(pk=known))
        points.append(leaking[-1])
    for point in points:
        background = round(rng.uniform(0.8, 2.2), 1)
        value = (
            round(rng.uniform(3000, 9000), 1)
            if point in leaking
            else round(background + rng.uniform(0, 40), 1)
        )
        SpotCheckReading.objects.create(
            spot_check=check, seal_point=point, background=background, reading=value
        )
    check.refresh_from_db()
    return f"{check.sampled} 点，{check.leaking} 点泄漏，{check.outside_window} 点不在修复期内，" + (
        "违规" if check.violation else "未违规"
    )


def refresh(plant) -> None:
    from lantian.ldar.actions_repair import refresh_overdue, refresh_repeats
    from lantian.ldar.models.repair import RepairTask
    from lantian.ldar.repair_jobs import refresh_detection_due, refresh_repair_months

    today = timezone.localdate()
    tasks = RepairTask.objects.filter(enterprise=plant)
    refresh_overdue(tasks, today)
    refresh_repeats(set(tasks.values_list("seal_point_id", flat=True)))
    refresh_detection_due(today)
    refresh_repair_months()
