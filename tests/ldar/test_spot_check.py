"""The regulator's spot check (GB 37822-2019 §13.4 c)): the kernel's verdict and the bureau's check of
an enterprise, whose leaks count against it unless their repair task was open and in time that day."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from lantian.ldar.actions_repair import open_repair_tasks
from lantian.ldar.models.repair import RepairTask, SpotCheck, SpotCheckReading
from lantian.ldar.standards.spotcheck import (
    ALLOWED_OUTSIDE_WINDOW,
    MAX_SPOT_CHECK_POINTS,
    in_repair_window,
    spot_check_violation,
)
from tests.ldar.cases import detection
from tests.ldar.factories import more_points

D = datetime.date


@pytest.mark.parametrize(
    ("sampled", "outside", "violation"),
    [(100, 0, False), (100, 2, False), (100, 3, True), (3, 3, True), (1, 0, False), (0, 0, False)],
)
def test_more_than_two_leaks_outside_their_window_is_a_violation(sampled, outside, violation):
    assert spot_check_violation(sampled, outside) is violation
    assert ALLOWED_OUTSIDE_WINDOW == 2 and MAX_SPOT_CHECK_POINTS == 100


@pytest.mark.parametrize(("sampled", "outside"), [(101, 0), (5, 6), (5, -1)])
def test_impossible_checks_are_refused(sampled, outside):
    with pytest.raises(ValueError):
        spot_check_violation(sampled, outside)


def test_the_repair_window():
    assert in_repair_window(D(2026, 4, 8), D(2026, 4, 23), D(2026, 4, 23))
    assert not in_repair_window(D(2026, 4, 8), D(2026, 4, 23), D(2026, 4, 24))
    assert not in_repair_window(D(2026, 4, 9), D(2026, 4, 24), D(2026, 4, 8))  # found after the check
    assert not in_repair_window(None, None, D(2026, 4, 8))  # not known to the enterprise
    with pytest.raises(TypeError):
        in_repair_window(None, None, "2026-04-08")


@pytest.mark.django_db
def test_the_bureaus_check_counts_unknown_and_late_leaks(tree):
    d = detection(tree)
    open_repair_tasks([d.leak.pk])
    task = RepairTask.objects.get()
    more_points(d.archive.group, 4)
    points = list(d.archive.group.points.order_by("pk"))
    check = SpotCheck.objects.create(enterprise=tree.ent_a1, checked_on=D(2026, 4, 20), inspectors="李检查")

    def read(point, value):
        return SpotCheckReading.objects.create(
            spot_check=check, seal_point=point, background=1, reading=value
        )

    known = read(task.seal_point, 8000)
    assert known.is_leak and known.in_repair_window and known.repair_task == task
    for point in [p for p in points if p != task.seal_point][:2]:
        read(point, 9000)
    check.refresh_from_db()
    assert (check.sampled, check.leaking, check.outside_window, check.violation) == (3, 3, 2, False)
    read([p for p in points if p != task.seal_point][2], 5)
    check.refresh_from_db()
    assert (check.sampled, check.outside_window, check.violation) == (4, 2, False)
    third = read([p for p in points if p != task.seal_point][3], 9000)
    check.refresh_from_db()
    assert check.violation and check.outside_window == 3
    third.delete()
    check.refresh_from_db()
    assert not check.violation
    late = SpotCheck.objects.create(enterprise=tree.ent_a1, checked_on=D(2026, 4, 24), inspectors="李检查")
    reading = SpotCheckReading.objects.create(
        spot_check=late, seal_point=task.seal_point, background=1, reading=8000
    )
    assert reading.is_leak and not reading.in_repair_window  # due 04-23: out of its window on 04-24
    with pytest.raises(ValidationError, match="seal_point"):
        SpotCheckReading(
            spot_check=late, seal_point=d.archive.other_points[0], background=1, reading=1
        ).full_clean()


@pytest.mark.django_db
def test_a_check_reads_at_most_100_points(tree):
    d = detection(tree)
    more_points(d.archive.group, MAX_SPOT_CHECK_POINTS + 1)
    check = SpotCheck.objects.create(enterprise=tree.ent_a1, checked_on=D(2026, 4, 20), inspectors="李检查")
    points = list(d.archive.group.points.order_by("pk"))
    SpotCheckReading.objects.bulk_create(
        SpotCheckReading(
            spot_check=check,
            enterprise=tree.ent_a1,
            seal_point=p,
            tag=p.tag,
            background=1,
            reading=2,
            net_value=1,
            threshold=5000,
        )
        for p in points[:MAX_SPOT_CHECK_POINTS]
    )
    with pytest.raises(ValidationError, match=r"spot_check.*100"):
        SpotCheckReading(
            spot_check=check, seal_point=points[MAX_SPOT_CHECK_POINTS], background=1, reading=2
        ).full_clean()


@pytest.mark.django_db
def test_only_the_bureau_records_spot_checks(tree, login):
    from django.urls import reverse

    detection(tree)
    assert login(tree.ent_a1_admin).get(reverse("ldar:spotcheck_add")).status_code == 403
