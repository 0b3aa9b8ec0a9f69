"""The bulk paths of the annual statistics and the emissions give what the plain paths gave: the report
lines of one grouped query per table equal the counts of one query per column, and readings read as
epoch microseconds (PostgreSQL) equal the stored datetimes."""

import datetime

import numpy as np
import pytest
from django.db.models import Count, Q

from lantian.ldar.emissions import Points, Readings, StoredMoment
from lantian.ldar.models import DetectionRecord, InaccessiblePoint, RetestRecord, SealPoint
from lantian.ldar.models.reports import FIRST_ROUND_KINDS, StatisticsReport
from lantian.ldar.reports import OVER, generate_lines, label_names
from tests.ldar.cases import archive, detection
from tests.ldar.detection_factories import record
from tests.ldar.factories import moment, more_points


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
    names = label_names(points, place)
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
