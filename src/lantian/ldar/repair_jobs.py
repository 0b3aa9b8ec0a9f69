"""Periodic jobs of leak repair (``lantian.core.periodic``): overdue repair tasks, each seal point's next
detection due date, and the monthly statistics. Each is a few bulk queries whatever the number of rows;
pages, filters and the to-do centre read what they store.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.periodic import periodic_job
from lantian.ldar import standards
from lantian.ldar.actions_repair import refresh_overdue
from lantian.ldar.models import DetectionRecord, LeakRuleSet, SealPoint, SealPointType
from lantian.ldar.models.detection import DEFAULT_RULE_SET
from lantian.ldar.models.repair import DetectionDue, RepairMonth, RepairTask

DUE_SOON_DAYS = 30
WRITE_BATCH = 2000


@periodic_job(
    "ldar.repair_overdue",
    every=timedelta(minutes=15),
    description=_("LDAR: flag repair tasks past their deadlines"),
)
def overdue_job(now) -> str:
    count = refresh_overdue(RepairTask.objects.all(), timezone.localdate(now))
    return f"{count} overdue repair tasks"


@periodic_job(
    "ldar.detection_due",
    every=timedelta(hours=1),
    description=_("LDAR: next detection due date of every seal point"),
)
def detection_due_job(now) -> str:
    counts = refresh_detection_due(timezone.localdate(now), now)
    return f"{counts[DetectionDue.State.OVERDUE]} of {sum(counts.values())} seal points overdue for detection"


@periodic_job(
    "ldar.repair_months",
    every=timedelta(hours=1),
    description=_("LDAR: monthly leak and repair statistics"),
)
def repair_months_job(now) -> str:
    return f"{refresh_repair_months(now)} enterprise months"


def due_state(next_due, today) -> str:
    if next_due is None:
        return DetectionDue.State.NEVER
    if next_due < today:
        return DetectionDue.State.OVERDUE
    if next_due <= today + timedelta(days=DUE_SOON_DAYS):
        return DetectionDue.State.DUE_SOON
    return DetectionDue.State.CURRENT


STORED = (
    "enterprise_id",
    "tag",
    "unit_id",
    "area_id",
    "seal_type_id",
    "rule_set",
    "last_detected_on",
    "next_due",
    "state",
)


def refresh_detection_due(today, now=None, enterprise_ids=None) -> dict[str, int]:
    """Store every valid seal point's last detection and next due date (the kernel's
    ``next_detection_due`` under the enterprise's rule set; a type the kernel does not know keeps the
    point's own interval) and drop the rows of points no longer valid. Only rows whose figures changed
    are written (an hourly run rewrites the few points detected or come due since). Returns counts by
    state."""
    now = now or timezone.now()
    points = SealPoint.objects.filter(is_valid=True)
    records = DetectionRecord.objects.all()
    stored_rows = DetectionDue.objects.all()
    if enterprise_ids is not None:
        points = points.filter(enterprise_id__in=enterprise_ids)
        records = records.filter(enterprise_id__in=enterprise_ids)
        stored_rows = stored_rows.filter(enterprise_id__in=enterprise_ids)
    last = dict(
        records.values("seal_point_id").annotate(last=Max("detected_on")).values_list("seal_point_id", "last")
    )
    stored = {
        row[0]: row[1:]
        for row in stored_rows.values_list("seal_point_id", *STORED).iterator(chunk_size=WRITE_BATCH)
    }
    rule_sets = dict(LeakRuleSet.objects.values_list("enterprise_id", "rule_set"))
    codes = dict(SealPointType.objects.values_list("pk", "code"))
    known = {component.code for component in standards.COMPONENT_TYPES}
    dues: dict[tuple, object] = {}
    counts = dict.fromkeys(DetectionDue.State.values, 0)
    rows, seen = [], set()
    for pk, enterprise, unit, area, seal_type, tag, months in points.values_list(
        "pk", "enterprise_id", "unit_id", "area_id", "seal_type_id", "tag", "period_months"
    ).iterator(chunk_size=WRITE_BATCH):
        seen.add(pk)
        rule_set = rule_sets.get(enterprise, DEFAULT_RULE_SET)
        detected = last.get(pk)
        key = (codes[seal_type], rule_set, detected, months)
        if key not in dues:
            if detected is None:
                dues[key] = None
            elif codes[seal_type] in known:
                dues[key] = standards.next_detection_due(codes[seal_type], detected, rule_set)
            else:
                dues[key] = standards.add_months(detected, months or 12)
        state = due_state(dues[key], today)
        counts[state] += 1
        figures = (enterprise, tag, unit, area, seal_type, rule_set, detected, dues[key], state)
        if stored.get(pk) == figures:
            continue
        rows.append(
            DetectionDue(seal_point_id=pk, refreshed_at=now, **dict(zip(STORED, figures, strict=True)))
        )
        if len(rows) >= WRITE_BATCH:
            _upsert_due(rows)
            rows = []
    _upsert_due(rows)
    gone = sorted(set(stored) - seen)
    for start in range(0, len(gone), WRITE_BATCH):
        DetectionDue.objects.filter(seal_point_id__in=gone[start : start + WRITE_BATCH]).delete()
    return counts


def _upsert_due(rows) -> None:
    DetectionDue.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["seal_point"],
        update_fields=[
            "enterprise",
            "tag",
            "unit",
            "area",
            "seal_type",
            "rule_set",
            "last_detected_on",
            "next_due",
            "state",
            "refreshed_at",
        ],
    )


def refresh_repair_months(now=None) -> int:
    """Store each enterprise's monthly figures (by the month of detection): readings, leaks, leak rate,
    and of the repair tasks opened: repaired on time, late, delayed, still open, overdue."""
    now = now or timezone.now()
    months: dict[tuple, dict] = {}
    for row in (
        DetectionRecord.objects.annotate(month=TruncMonth("detected_on"))
        .values("enterprise_id", "month")
        .annotate(detected=Count("pk"), leaking=Count("pk", filter=Q(is_leak=True)))
        .order_by()
    ):
        months[(row["enterprise_id"], row["month"])] = {
            "detected": row["detected"],
            "leaking": row["leaking"],
        }
    repaired = Q(state=RepairTask.State.REPAIRED)
    for row in (
        RepairTask.objects.exclude(state=RepairTask.State.CANCELLED)
        .annotate(month=TruncMonth("detected_on"))
        .values("enterprise_id", "month")
        .annotate(
            repaired_on_time=Count("pk", filter=repaired & Q(late=False)),
            repaired_late=Count("pk", filter=repaired & Q(late=True)),
            delayed=Count("pk", filter=Q(delayed=True)),
            still_open=Count("pk", filter=Q(state=RepairTask.State.OPEN)),
            overdue=Count("pk", filter=Q(overdue=True)),
        )
        .order_by()
    ):
        key = (row.pop("enterprise_id"), row.pop("month"))
        months.setdefault(key, {"detected": 0, "leaking": 0}).update(row)
    rows = [
        RepairMonth(
            enterprise_id=enterprise,
            month=month,
            leak_rate=round(figures["leaking"] * 100 / figures["detected"], 2) if figures["detected"] else 0,
            refreshed_at=now,
            **figures,
        )
        for (enterprise, month), figures in months.items()
    ]
    fields = [
        "detected",
        "leaking",
        "leak_rate",
        "repaired_on_time",
        "repaired_late",
        "delayed",
        "still_open",
        "overdue",
        "refreshed_at",
    ]
    for start in range(0, len(rows), WRITE_BATCH):
        RepairMonth.objects.bulk_create(
            rows[start : start + WRITE_BATCH],
            update_conflicts=True,
            unique_fields=["enterprise", "month"],
            update_fields=fields,
        )
    RepairMonth.objects.filter(refreshed_at__lt=now).delete()
    return len(rows)
