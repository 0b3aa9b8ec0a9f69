"""The archive's models: seal-point types of GB 37822-2019 as seed data, the tag, the denormalised
ancestors kept right when a node moves, the accessibility rule, the tree's counts by GROUP BY."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from lantian.ldar import tree as archive_tree
from lantian.ldar.models import Area, ComponentGroup, Equipment, ProcessUnit, SealPoint, SealPointType
from lantian.ldar.standards.components import COMPONENT_TYPES, detection_period_months, is_dynamic
from tests.ldar.factories import build_branch, more_points, seal_type

pytestmark = pytest.mark.django_db


def test_the_seed_types_are_those_of_gb_37822_with_their_dynamic_class():
    types = {t.code: t for t in SealPointType.objects.all()}
    assert [t.name for t in SealPointType.objects.order_by("sort_order")] == [
        "泵",
        "压缩机",
        "搅拌器",
        "阀门",
        "开口阀或开口管线",
        "法兰",
        "其他连接件",
        "泄压设备",
        "取样连接系统",
        "其他",
    ]
    assert {code for code, t in types.items() if t.is_dynamic} == {"pump", "compressor", "agitator"}
    assert {code for code, t in types.items() if t.period_months == 12} == {"flange", "connector", "other"}
    assert all(t.source.startswith("GB 37822-2019 §8.1") for t in types.values())


def test_the_kernel_maps_types_to_dynamic_seals_and_detection_intervals():
    assert [c.code for c in COMPONENT_TYPES if c.dynamic] == ["pump", "compressor", "agitator"]
    assert is_dynamic("compressor") and not is_dynamic("valve")
    assert detection_period_months("valve") == 6 and detection_period_months("flange") == 12  # §8.3.1


def test_a_seal_point_takes_its_tag_ancestors_class_and_material_from_group_and_type(tree):
    unit, area, equipment, group, points = build_branch(tree.ent_a1)
    point = points[-1]  # a pump
    assert point.tag == "G0012-3" and str(point) == "G0012-3"
    assert (point.enterprise, point.unit, point.area, point.equipment) == (tree.ent_a1, unit, area, equipment)
    assert point.is_dynamic and point.period_months == 6
    assert point.material_name == "汽油" and point.material_state == "light_liquid"
    flange = SealPoint.objects.create(
        group=group, code="F1", extension_number=9, seal_type=seal_type("flange"), period_months=3
    )
    assert not flange.is_dynamic and flange.period_months == 3  # stricter than the standard: kept


def test_codes_are_unique_within_their_parent_in_the_database(tree):
    unit, area, equipment, group, _points = build_branch(tree.ent_a1)
    build_branch(tree.ent_a2)  # the same codes in another enterprise are fine
    for create in (
        lambda: ProcessUnit.objects.create(enterprise=tree.ent_a1, code="CJY", name="重复"),
        lambda: Area.objects.create(unit=unit, code="A01", name="重复"),
        lambda: Equipment.objects.create(area=area, code="T-101", name="重复"),
        lambda: ComponentGroup.objects.create(equipment=equipment, code="G0012", name="重复"),
        lambda: SealPoint.objects.create(
            group=group, code="G0012-1", extension_number=99, seal_type=seal_type("valve")
        ),
        lambda: SealPoint.objects.create(
            group=group, code="新编码", extension_number=1, seal_type=seal_type("valve")
        ),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            create()


def test_an_inaccessible_point_needs_its_reason_in_the_form_and_the_database(tree):
    *_rest, points = build_branch(tree.ent_a1)
    point = points[0]
    point.accessible = False
    with pytest.raises(ValidationError) as error:
        point.full_clean()
    assert "inaccessible_reason" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        SealPoint.objects.filter(pk=point.pk).update(accessible=False, inaccessible_reason="")
    point.inaccessible_reason = "保温层包裹"
    point.full_clean()
    point.save()


def test_moving_an_area_to_another_unit_carries_everything_below_it(tree):
    _unit, area, _equipment, _group, _points = build_branch(tree.ent_a1)
    other = ProcessUnit.objects.create(enterprise=tree.ent_a1, code="FCC", name="催化裂化装置")
    area.unit = other
    area.save()
    assert set(Equipment.objects.filter(area=area).values_list("unit", flat=True)) == {other.pk}
    assert set(ComponentGroup.objects.filter(area=area).values_list("unit", flat=True)) == {other.pk}
    assert set(SealPoint.objects.filter(area=area).values_list("unit", flat=True)) == {other.pk}


def test_renaming_a_group_retags_its_points(tree):
    *_rest, group, _points = build_branch(tree.ent_a1)
    group.code = "G0099"
    group.save()
    assert sorted(SealPoint.objects.filter(group=group).values_list("tag", flat=True)) == [
        "G0099-1",
        "G0099-2",
        "G0099-3",
    ]


def test_changing_a_types_class_reclassifies_its_points(tree):
    *_rest, _points = build_branch(tree.ent_a1)
    valve = seal_type("valve")
    valve.is_dynamic = True
    valve.save()
    assert SealPoint.objects.filter(is_dynamic=True).count() == 3


def test_the_tree_counts_every_level_in_one_query_per_level(tree, login):
    unit, _area, _equipment, group, points = build_branch(tree.ent_a1, points=10)
    SealPoint.objects.filter(pk=points[0].pk).update(accessible=False, inaccessible_reason="高处")
    SealPoint.objects.filter(pk=points[1].pk).update(is_valid=False)
    counts = archive_tree.counts_of(tree.ent_a1_admin, {"enterprise": tree.ent_a1.pk})
    assert (
        counts.total,
        counts.accessible,
        counts.inaccessible,
        counts.dynamic,
        counts.static,
        counts.invalid,
    ) == (
        9,
        8,
        1,
        1,
        8,
        1,
    )
    by_unit = archive_tree.counts_by(tree.ent_a1_admin, {"enterprise": tree.ent_a1.pk}, "unit")
    assert by_unit[unit.pk].total == 9
    client = login(tree.ent_a1_admin)
    url = f"/ldar/archive/group/{group.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert [row.pk for row in response.context["points"]] == [p.pk for p in points]
    assert response.context["counts"].total == 9
    more_points(group, 40)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["points"]) == 50 and len(many) == len(few)
    grouped = [q["sql"] for q in many.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) >= 5  # units, areas, equipment, groups of the branch, and the types


def test_the_tree_page_walks_down_from_the_enterprise(tree, login):
    unit, area, equipment, group, _points = build_branch(tree.ent_a1)
    client = login(tree.ent_a1_admin)
    page = client.get(f"/ldar/archive/enterprise/{tree.ent_a1.pk}/")
    children = page.context["children"]
    assert children["level"].key == "unit" and [i["obj"] for i in children["items"]] == [unit]
    assert children["items"][0]["counts"].total == 3 and children["items"][0]["counts"].dynamic == 1
    page = client.get(f"/ldar/archive/equipment/{equipment.pk}/")
    assert [a.name for _level, a, _url in page.context["ancestors"]] == [
        tree.ent_a1.name,
        unit.name,
        area.name,
    ]
    html = page.content.decode()
    assert f'href="/ldar/archive/group/{group.pk}/"' in html and 'data-count="total">3<' in html
    assert (
        page.context["points_url"]
        == f"/ldar/sealpoints/?enterprise={tree.ent_a1.pk}&unit={unit.pk}&area={area.pk}&equipment=T-101"
    )
