"""The seal-point roll-up the big screens read (``SealPointCount``, kept by database triggers) equals a
direct count of the archive after every kind of write, and is read through the seal points' scope."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count

from lantian.ldar.demo import plant_layout
from lantian.ldar.models import (
    ComponentGroup,
    DetectionDue,
    DetectionDueCount,
    Equipment,
    SealPoint,
    SealPointCount,
)
from lantian.ldar.repair_jobs import refresh_detection_due
from lantian.ldar.screens import POINT_KEY, PointFigures, due_counts, visible_due_counts, visible_point_counts
from tests.ldar.factories import build_branch, seal_type
from tests.ldar.test_import import delete_workbook
from tests.ldar.workbooks import plant_workbook


def direct(points=None) -> Counter:
    points = SealPoint.objects.all() if points is None else points
    rows = points.filter(is_valid=True).order_by().values_list(*POINT_KEY).annotate(n=Count("pk"))
    return Counter({row[:-1]: row[-1] for row in rows})


def rolled_up(rows=None) -> Counter:
    rows = SealPointCount.objects.all() if rows is None else rows
    return Counter({row[:-1]: row[-1] for row in rows.filter(n__gt=0).values_list(*POINT_KEY, "n")})


def assert_current():
    assert rolled_up() == direct()
    assert not SealPointCount.objects.filter(n__lt=0).exists()


def test_saves_of_single_points_keep_the_roll_up(tree, archive):
    assert sum(direct().values()) == 5 and rolled_up() == direct()
    point = SealPoint.objects.get(pk=archive.point.pk)
    point.seal_type = seal_type("flange")
    point.accessible = False
    point.inaccessible_reason = "高空无平台"
    point.save()
    assert_current()
    point.remark = "只改备注"  # a change outside the key leaves the counts alone
    point.save()
    assert_current()
    point.is_valid = False
    point.save()
    assert_current()
    point.is_valid = True
    point.save()
    assert_current()
    archive.points[1].delete()
    assert_current()


def test_bulk_edits_deletes_and_moves_keep_the_roll_up(tree, archive):
    SealPoint.objects.filter(group=archive.group).update(
        accessible=False, inaccessible_reason="高空"
    )  # bulk edit
    assert_current()
    SealPoint.objects.filter(pk=archive.points[2].pk).update(is_valid=False)
    assert_current()
    # a group moved to equipment of another unit: its points take the new unit (resync_below)
    unit, _area, equipment, _group, _points = build_branch(tree.ent_a1, "YHJ", "延迟焦化装置", points=1)
    group = ComponentGroup.objects.get(pk=archive.group.pk)
    group.equipment = Equipment.objects.get(pk=equipment.pk)
    group.code = "G0099"  # the new equipment has a G0012 of its own
    group.save()
    assert set(SealPoint.objects.filter(group=group).values_list("unit_id", flat=True)) == {unit.pk}
    assert_current()
    SealPoint.objects.filter(enterprise=tree.ent_a2).delete()
    assert_current()
    assert not rolled_up(SealPointCount.objects.filter(enterprise=tree.ent_a2))


def test_imports_keep_the_roll_up(tree, archive, tmp_path):
    path = tmp_path / "points.xlsx"
    layout = plant_layout(400)
    path.write_bytes(plant_workbook(layout, enterprise=tree.ent_a2.name))
    call_command(
        "import_rows",
        "ldar.SealPoint",
        str(path),
        "--create-parents",
        "--user",
        "admin",
        stdout=io.StringIO(),
    )
    assert SealPoint.objects.filter(enterprise=tree.ent_a2).count() == 402
    assert_current()
    for row in layout[:50]:  # the same rows again, made inaccessible: an update by the import
        row["accessible"] = False
        row["reason"] = "保温层包裹"
    path.write_bytes(plant_workbook(layout, enterprise=tree.ent_a2.name))
    call_command("import_rows", "ldar.SealPoint", str(path), "--user", "admin", stdout=io.StringIO())
    assert SealPoint.objects.filter(enterprise=tree.ent_a2, accessible=False).count() >= 50
    assert_current()
    path.write_bytes(delete_workbook(["G0012-1", "G0012-2"]))  # deleted by code
    call_command(
        "import_rows", "ldar.SealPoint", str(path), "--delete", "--user", "ent_a1", stdout=io.StringIO()
    )
    assert SealPoint.objects.filter(enterprise=tree.ent_a1).count() == 1
    assert_current()


@pytest.mark.parametrize(
    "user", ["city_admin", "county_a_admin", "county_b_admin", "ent_a1_admin", "ent_a2_admin", "agency_admin"]
)
def test_the_roll_up_is_read_through_the_seal_points_scope(tree, archive, user):
    user = getattr(tree, user)
    expected = direct(SealPoint.objects.restrict(user, "view"))
    assert rolled_up(visible_point_counts(user)) == expected
    figures = PointFigures.of(user)
    assert figures.count() == sum(expected.values())
    by_enterprise = Counter()
    for key, n in expected.items():
        by_enterprise[key[0]] += n
    assert figures.by(0) == dict(by_enterprise)


def test_a_user_without_the_seal_points_permission_sees_no_counts(tree, archive, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_point_counts(AnonymousUser()).exists()


def due_direct(rows=None) -> Counter:
    rows = DetectionDue.objects.all() if rows is None else rows
    rows = rows.order_by().values_list("enterprise_id", "state").annotate(n=Count("pk"))
    return Counter({(e, s): n for e, s, n in rows})


def due_rolled_up(rows=None) -> Counter:
    rows = DetectionDueCount.objects.all() if rows is None else rows
    return Counter({(e, s): n for e, s, n in rows.filter(n__gt=0).values_list("enterprise_id", "state", "n")})


def test_the_due_job_and_point_deletes_keep_the_due_counts(tree, archive):
    refresh_detection_due(datetime.date(2026, 5, 20))  # the periodic job: every valid point never detected
    assert sum(due_direct().values()) == 5
    assert due_rolled_up() == due_direct()
    DetectionDue.objects.filter(seal_point=archive.point).update(state=DetectionDue.State.OVERDUE)
    assert due_rolled_up() == due_direct()
    SealPoint.objects.filter(pk=archive.points[1].pk).delete()  # cascades to its due row
    assert due_rolled_up() == due_direct()
    refresh_detection_due(datetime.date(2026, 5, 21))
    assert due_rolled_up() == due_direct()
    expected = due_direct(DetectionDue.objects.restrict(tree.ent_a1_admin, "view"))
    assert due_rolled_up(visible_due_counts(tree.ent_a1_admin)) == expected
    counts = due_counts(tree.ent_a1_admin)
    assert counts["never"] == expected.get((tree.ent_a1.pk, "never"), 0)
    assert counts["overdue"] == expected.get((tree.ent_a1.pk, "overdue"), 0)
