"""Generating the detection reports from the records (spec §4): counts in SQL, one grouped query for the
seal points and one for the records."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from lantian.ldar.models import (
    DetectionCycle,
    DetectionRecord,
    EmissionAccount,
    InaccessiblePoint,
    ProcessUnit,
    RepairTask,
    SealPoint,
    SealPointType,
)
from lantian.ldar.models.reports import (
    FIRST_ROUND_KINDS,
    ReportKind,
    ReportLine,
    StatisticsReport,
    ThirdPartyReport,
)

OVER = 1000.0  # μmol/mol: the summary's "reading above 1,000" column [7.1.1]


@transaction.atomic
def generate_lines(report: StatisticsReport) -> StatisticsReport:
    """Replace the report's lines with the counts the records give now (the report must be editable)."""
    by_type = report.kind == ReportKind.FIRST_ROUND_BY_TYPE
    place = "seal_type" if by_type else "unit"
    points = SealPoint.objects.filter(enterprise_id=report.enterprise_id, is_valid=True)
    if report.kind in FIRST_ROUND_KINDS:
        records = DetectionRecord.objects.filter(cycle_id=report.cycle_id)
        recorded_inaccessible = InaccessiblePoint.objects.filter(cycle_id=report.cycle_id).values(
            "seal_point_id"
        )
        inaccessible = Q(accessible=False) | Q(pk__in=recorded_inaccessible)
    else:
        # The year's cycles of the enterprise, by id: the records come from the (cycle, point) index
        # without a join (a record's point is in its cycle's enterprise).
        cycles = DetectionCycle.objects.filter(enterprise_id=report.enterprise_id, year=report.year)
        records = DetectionRecord.objects.filter(cycle_id__in=list(cycles.values_list("pk", flat=True)))
        inaccessible = Q(accessible=False)
    point_counts = grouped(
        points, place, controlled=Count("pk"), inaccessible=Count("pk", filter=inaccessible)
    )
    if connections[records.db].vendor == "postgresql":
        record_counts = counted_by_point(records, place)
    else:  # SQLite counts distinct points along the (cycle, point) index faster than it groups twice
        leak = Q(is_leak=True)
        record_counts = grouped(
            records,
            place,
            detected=Count("seal_point", distinct=True),
            leaking=Count("seal_point", distinct=True, filter=leak),
            over_1000=Count("seal_point", distinct=True, filter=Q(net_value__gt=OVER)),
            leak_times=Count("pk", filter=leak),
        )
    names = label_names(place, point_counts)

    report.lines.all().delete()
    keys = sorted(set(point_counts) | set(record_counts), key=lambda key: names.get(key, ("", ""))[0])
    empty = {"controlled": 0, "inaccessible": 0, "detected": 0, "leaking": 0, "over_1000": 0, "leak_times": 0}
    ReportLine.objects.bulk_create(
        ReportLine(
            report=report,
            position=position,
            label=names.get(key, ("", str(key)))[1],
            **(empty | point_counts.get(key, {}) | record_counts.get(key, {})),
        )
        for position, key in enumerate(keys, start=1)
    )
    report.generated_at = timezone.now()
    report.save()
    return report


def grouped(queryset, place: str, **measures) -> dict[int, dict[str, int]]:
    """Unit or seal-point type id → the measures (counts), in one grouped query."""
    rows = queryset.order_by().values(f"{place}_id").annotate(**measures)
    return {row.pop(f"{place}_id"): row for row in rows}


def counted_by_point(records, place: str) -> dict[int, dict[str, int]]:
    """Unit or seal-point type id → the records' counts, in two levels: per (place, point) its leaking
    readings and highest reading, then per place over those (no DISTINCT count, each a sort of its own)."""
    per_point = (
        records.order_by()
        .values(f"{place}_id", "seal_point_id")
        .annotate(leaks=Count("pk", filter=Q(is_leak=True)), top=Max("net_value"))
    )
    try:
        sql, params = per_point.query.sql_with_params()
    except EmptyResultSet:  # no cycle in the year
        return {}
    connection = connections[records.db]
    quote = connection.ops.quote_name
    place_id, leaks, top = (f"r.{quote(name)}" for name in (f"{place}_id", "leaks", "top"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {place_id}, COUNT(*), COUNT(CASE WHEN {leaks} > 0 THEN 1 END), "
            f"COUNT(CASE WHEN {top} > %s THEN 1 END), SUM({leaks}) "
            f"FROM ({sql}) r GROUP BY {place_id}",
            (OVER, *params),
        )
        rows = cursor.fetchall()
    return {
        place_id: {"detected": detected, "leaking": leaking, "over_1000": over, "leak_times": int(times)}
        for place_id, detected, leaking, over, times in rows
    }


def label_names(place: str, places) -> dict[int, tuple[str, str]]:
    """id → (sort key, label) of ``places``: units as "code name", types by their order in the standard."""
    if place == "unit":
        rows = ProcessUnit.objects.filter(pk__in=list(places)).values_list("pk", "code", "name")
        return {pk: (code, f"{code} {name}") for pk, code, name in rows}
    rows = SealPointType.objects.filter(pk__in=list(places)).values_list("pk", "sort_order", "name")
    return {pk: (f"{order:05d}", name) for pk, order, name in rows}


@transaction.atomic
def prefill(report: ThirdPartyReport) -> ThirdPartyReport:
    """The third-party report's figures from its cycle's records; the emissions from the enterprise's
    account of the same period, if there is one."""
    cycle = report.cycle
    records = DetectionRecord.objects.filter(cycle=cycle)
    points = SealPoint.objects.filter(enterprise_id=cycle.enterprise_id, is_valid=True)
    if not (cycle.covers_dynamic and cycle.covers_static):
        points = points.filter(is_dynamic=cycle.covers_dynamic)
    tasks = RepairTask.objects.filter(detection__cycle=cycle).exclude(state=RepairTask.State.CANCELLED)
    report.controlled = points.count()
    report.detected = records.values("seal_point").distinct().count()
    report.leaking = records.filter(is_leak=True).values("seal_point").distinct().count()
    report.repaired = tasks.filter(state=RepairTask.State.REPAIRED).values("seal_point").distinct().count()
    report.delayed = tasks.filter(delayed=True).values("seal_point").distinct().count()
    units = records.order_by("unit__code").values_list("unit__code", "unit__name").distinct()
    report.units = "、".join(f"{code} {name}" for code, name in units)
    account = EmissionAccount.objects.filter(
        enterprise_id=cycle.enterprise_id, start=report.start, end=report.end, computed_at__isnull=False
    ).first()
    report.emissions_t = account.after_repair_tonnes if account else None
    report.generated_at = timezone.now()
    report.save()
    return report
