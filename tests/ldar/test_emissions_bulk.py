"""The bulk paths of the annual statistics and the emissions give what the plain paths gave: the report
lines of one grouped query per table equal the counts of one query per column, and readings read as
epoch microseconds (PostgreSQL) equal the stored datetimes."""

import datetime

import numpy as np
import pytest
from django.db import connection
from django.db.models import Count, Q

from lantian.ldar import standards
from lantian.ldar.emissions import (
    Places,
    Points,
    Readings,
    StoredMoment,
    compute_account,
    methods_of,
    period_bounds,
    shutdowns_by_place,
)
from lantian.ldar.models import (
    DetectionRecord,
    EmissionAccount,
    InaccessiblePoint,
    RetestRecord,
    SealPoint,
    UnitShutdown,
)
from lantian.ldar.models.emissions import coefficient_table
from lantian.ldar.models.reports import FIRST_ROUND_KINDS, StatisticsReport
from lantian.ldar.reports import OVER, generate_lines
from tests.ldar.cases import archive, detection
from tests.ldar.detection_factories import record
from tests.ldar.factories import build_branch, moment, more_points


def counts(queryset, place, *, distinct=False):
    measure = Count("seal_point", distinct=True) if distinct else Count("pk")
    return dict(
        queryset.order_by().values_list(f"{place}_id").annotate(n=measure).values_list(f"{place}_id", "n")
    )


def reference_lines(report) -> list[tuple]:
    """The lines as the report generator counted them before: one query per column."""
    place = "seal_type" if report.kind == "first_by_type" else "unit"
    points = SealPoint.objects.filter(enterprise_id=report.enterprise_id, is_valid=True)
    if report.kind in FIRST_ROUND_KINDS:
        records = DetectionRecord.objects.filter(cycle_id=report.cycle_id)
        recorded = InaccessiblePoint.objects.filter(cycle_id=report.cycle_id).values("seal_point_id")
        inaccessible = counts(points.filter(Q(accessible=False) | Q(pk__in=recorded)), place)
    else:
        records = DetectionRecord.objects.filter(
            seal_point__enterprise_id=report.enterprise_id, cycle__year=report.year
        )
        inaccessible = counts(points.filter(accessible=False), place)
    controlled = counts(points, place)
    detected = counts(records, place, distinct=True)
    leaking = counts(records.filter(is_leak=True), place, distinct=True)
    over = counts(records.filter(net_value__gt=OVER), place, distinct=True)
    times = counts(records.filter(is_leak=True), place)
    names = reference_names(points, place)
    keys = sorted(set(controlled) | set(detected), key=lambda key: names.get(key, ("", ""))[0])
    return [
        (
            names.get(key, ("", str(key)))[1],
            controlled.get(key, 0),
            inaccessible.get(key, 0),
            detected.get(key, 0),
            leaking.get(key, 0),
            over.get(key, 0),
            times.get(key, 0),
        )
        for key in keys
    ]


def reference_names(points, place) -> dict:
    """id → (sort key, label) of the points' places, read through the points."""
    if place == "unit":
        rows = points.order_by().values_list("unit_id", "unit__code", "unit__name").distinct()
        return {pk: (code, f"{code} {name}") for pk, code, name in rows}
    rows = points.order_by().values_list("seal_type_id", "seal_type__sort_order", "seal_type__name")
    rows = rows.distinct()
    return {pk: (f"{order:05d}", name) for pk, order, name in rows}


def lines(report) -> list[tuple]:
    return list(
        report.lines.order_by("position").values_list(
            "label", "controlled", "inaccessible", "detected", "leaking", "over_1000", "leak_times"
        )
    )


@pytest.fixture
def busy(tree):
    """The detection fixture with more points (some inaccessible, one invalid) and more readings: a
    point leaking twice, readings above 1,000 that are not leaks, a reading of another unit's point."""
    d = detection(tree)
    a = archive(tree)
    more_points(a.group, 12)
    added = list(SealPoint.objects.filter(group=a.group).order_by("pk"))[3:]
    SealPoint.objects.filter(pk__in=[p.pk for p in added[:3]]).update(
        accessible=False, inaccessible_reason="高空"
    )
    SealPoint.objects.filter(pk=added[3].pk).update(is_valid=False)
    for n, point in enumerate(added[4:]):
        record(d.cycle, point, [3.0, 1500.0, 8000.0, 12000.0][n % 4], 1.0)
    record(d.cycle, a.points[1], 7000.0, 1.0, at=moment(2026, 5, 2, 9))  # the leak again
    return d


@pytest.mark.parametrize("kind", ["first_summary", "first_by_type", "annual_by_unit"])
def test_the_grouped_report_lines_equal_the_counts_per_column(tree, busy, kind):
    report = StatisticsReport.objects.create(
        enterprise=tree.ent_a1, kind=kind, cycle=None if kind == "annual_by_unit" else busy.cycle, year=2026
    )
    generate_lines(report)
    expected = reference_lines(report)
    assert lines(report) == expected
    assert sum(line[6] for line in expected) >= 3  # leak times: the leak twice and the new leaks


def test_readings_as_epoch_microseconds_equal_the_stored_datetimes(tree, busy):
    points = Points.of(tree.ent_a1.pk)
    for model, field in ((DetectionRecord, "started_at"), (RetestRecord, "tested_at")):
        rows = model.objects.filter(seal_point__enterprise_id=tree.ent_a1.pk).order_by("pk")
        fast = Readings.of(rows.values_list("seal_point_id", StoredMoment(field), "net_value"), points)
        plain = Readings.of(rows.values_list("seal_point_id", field, "net_value"), points)
        assert fast.points.size > 0
        assert np.array_equal(fast.points, plain.points)
        assert np.array_equal(fast.times, plain.times)
        assert np.array_equal(fast.values, plain.values)
    first = (
        DetectionRecord.objects.filter(seal_point__enterprise_id=tree.ent_a1.pk)
        .order_by("started_at")
        .first()
    )
    expected = first.started_at.astimezone(datetime.UTC).replace(tzinfo=None)
    assert (
        fast is not None
        and np.datetime64(expected, "us")
        in Readings.of(
            DetectionRecord.objects.filter(pk=first.pk).values_list(
                "seal_point_id", StoredMoment("started_at"), "net_value"
            ),
            points,
        ).times
    )


def previous_rows(account) -> dict[int, tuple]:
    """The point rows as ``compute_account`` computed them before its fast paths: readings through the
    ORM (datetimes converted by Django, through the points' enterprise, in the model's order) and the
    kernel once per (unit, area)."""
    begin, finish = period_bounds(account.start, account.end)
    table = coefficient_table()
    points = Points.of(account.enterprise_id)
    detections = Readings.of(
        DetectionRecord.objects.filter(
            seal_point__enterprise_id=account.enterprise_id, started_at__range=(begin, finish)
        ).values_list("seal_point_id", "started_at", "net_value"),
        points,
    )
    retests = Readings.of(
        RetestRecord.objects.filter(
            seal_point__enterprise_id=account.enterprise_id, tested_at__range=(begin, finish)
        ).values_list("seal_point_id", "tested_at", "net_value"),
        points,
    )
    everything = detections.plus(retests)
    stops = shutdowns_by_place(account.enterprise_id, begin, finish)
    initial, after, hours = np.zeros(points.count), np.zeros(points.count), np.zeros(points.count)
    for readings, result in ((detections, initial), (everything, after)):
        for (unit_id, area_id), members, (local, times, values) in Places.of(points).split(readings):
            down = stops.get((unit_id, None), []) + (stops.get((unit_id, area_id), []) if area_id else [])
            hours[members] = standards.operating_hours(begin, finish, down)
            result[members] = standards.period_emissions_array(
                local, times, values, begin, finish,
                component_types=points.types[members], material_states=points.states[members],
                industry=account.coefficient_set, shutdowns=down, coefficients=table,
            )  # fmt: skip
    by_factor = ~points.accessible | (detections.counts == 0)
    factors = standards.average_factor_by_index(
        points.type_index, points.state_index, account.coefficient_set, table
    )
    initial[by_factor] = after[by_factor] = (factors * hours)[by_factor]
    first, every = methods_of(points, detections, everything, by_factor)
    columns = (
        points.tags, points.units.tolist(), points.seal_types.tolist(), points.states.tolist(), first, every,
        everything.counts.tolist(), hours.tolist(), initial.tolist(), after.tolist(),
    )  # fmt: skip
    return dict(zip(points.ids.tolist(), zip(*columns, strict=True), strict=True))


def test_the_fast_paths_write_exactly_the_rows_of_the_previous_path(tree, busy):
    """Readings read by the enterprise's own index (packed by the server on PostgreSQL), the places
    stopped alike computed in one kernel run, the rows written as COPY text: the same rows, bit for bit,
    tags with characters COPY escapes included."""
    a = archive(tree)
    second = build_branch(tree.ent_a1, unit_code="CHJ", unit_name="催化装置", points=4)
    third = build_branch(tree.ent_a1, unit_code="JQ", unit_name="加氢装置", points=3)
    UnitShutdown.objects.create(
        unit=third[0], area=third[1], start=moment(2026, 2, 1, 8), end=moment(2026, 2, 20, 8),
        reason="检修", recorder="王工",
    )  # fmt: skip
    for n, point in enumerate([*second[4], *third[4]]):
        record(busy.cycle, point, [0.5, 40.0, 600.0, 60000.0][n % 4], 1.0)
    SealPoint.objects.filter(pk=second[4][0].pk).update(tag="T\tab\\back\nline\r泵-1")
    SealPoint.objects.filter(pk=a.points[0].pk).update(tag="阀门 V-101 “东”")
    account = compute_account(
        EmissionAccount.objects.create(
            enterprise=tree.ent_a1, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31),
            coefficient_set="refining",
        )
    )  # fmt: skip
    written = {
        row[0]: row[1:]
        for row in account.point_emissions.values_list(
            "seal_point_id", "tag", "unit_id", "seal_type_id", "material_state", "method", "methods",
            "readings", "hours", "initial_kg", "after_repair_kg",
        )
    }  # fmt: skip
    expected = previous_rows(account)
    assert len(expected) == SealPoint.objects.filter(enterprise=tree.ent_a1, is_valid=True).count() > 12
    assert written == expected  # floats compared exactly
    assert len({row[7] for row in expected.values()}) >= 3  # hours: stopped in March, in February, never
    assert account.initial_kg == pytest.approx(sum(row[8] for row in written.values()), rel=1e-12)


def test_packed_readings_equal_the_stored_values(tree, busy):
    points = Points.of(tree.ent_a1.pk)
    for model, field in ((DetectionRecord, "started_at"), (RetestRecord, "tested_at")):
        rows = model.objects.filter(seal_point__enterprise_id=tree.ent_a1.pk)
        fast = Readings.read(rows, field, points)
        plain = Readings.of(rows.order_by().values_list("seal_point_id", field, "net_value"), points)
        order, plain_order = np.lexsort((fast.times, fast.points)), np.lexsort((plain.times, plain.points))
        assert fast.points.size == plain.points.size > 0
        assert np.array_equal(fast.points[order], plain.points[plain_order])
        assert np.array_equal(fast.times[order], plain.times[plain_order])
        assert np.array_equal(fast.values[order], plain.values[plain_order])
    assert Readings.read(DetectionRecord.objects.none(), "started_at", points).points.size == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the server packs points on PostgreSQL only")
def test_packed_points_equal_the_rows_read(tree, busy):
    """A tag with multi-byte characters and a tab among them: cut by the lengths in characters."""
    valid = SealPoint.objects.filter(enterprise=tree.ent_a1, is_valid=True)
    valid.filter(pk=valid.order_by("pk")[1].pk).update(tag="泵\t-1")
    queryset = SealPoint.objects.filter(enterprise_id=tree.ent_a1.pk, is_valid=True).order_by("pk")
    packed = Points.packed(queryset)
    rows = queryset.values_list(
        "pk", "tag", "unit_id", "area_id", "seal_type_id", "seal_type__code", "material_state", "accessible"
    )
    plain = Points(list(rows))
    assert packed.count == plain.count > 10
    assert packed.tags == plain.tags
    assert packed.accessible.sum() == plain.accessible.sum() > 0
    for column in ("ids", "units", "areas", "seal_types", "types", "states", "accessible", "type_index"):
        assert np.array_equal(getattr(packed, column), getattr(plain, column)), column
