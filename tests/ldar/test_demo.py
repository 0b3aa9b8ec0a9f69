"""The LDAR demo: a petrochemical plant of a few thousand seal points and a small chemical works,
built in bulk and idempotent."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from lantian.core.demo import DEMO_PASSWORD
from lantian.core.models import Organization
from lantian.ldar.demo import CHEMICAL, REFINERY, plant_layout
from lantian.ldar.models import EnterpriseProfile, ProcessUnit, SealPoint

pytestmark = pytest.mark.django_db


def test_the_demo_loads_two_archives_once():
    out = io.StringIO()
    call_command("demo", stdout=out)
    jintai = Organization.objects.get(name="渭川金泰石化有限公司")
    hongyuan = Organization.objects.get(name="渭川宏远化工有限公司")
    assert SealPoint.objects.filter(enterprise=jintai).count() == 4200
    assert SealPoint.objects.filter(enterprise=hongyuan).count() == 320
    assert set(ProcessUnit.objects.filter(enterprise=jintai).values_list("name", flat=True)) == {
        "常减压装置",
        "催化裂化装置",
        "加氢精制装置",
        "芳烃抽提装置",
        "储运罐区",
    }
    assert set(SealPoint.objects.filter(enterprise=jintai).values_list("material_name", flat=True)) >= {
        "原油",
        "汽油",
        "柴油",
        "液化石油气",
        "氢气",
        "苯",
    }
    assert EnterpriseProfile.objects.get(organization=jintai).status == "approved"
    assert EnterpriseProfile.objects.get(organization=hongyuan).status == "submitted"
    assert "4200" in out.getvalue()
    counts = SealPoint.objects.count(), ProcessUnit.objects.count(), EnterpriseProfile.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert (
        SealPoint.objects.count(),
        ProcessUnit.objects.count(),
        EnterpriseProfile.objects.count(),
    ) == counts
    # every point is consistent with its group: the denormalised ancestors and the tag
    for point in SealPoint.objects.select_related("group").filter(enterprise=jintai)[:500]:
        group = point.group
        assert (point.equipment_id, point.area_id, point.unit_id, point.enterprise_id) == (
            group.equipment_id,
            group.area_id,
            group.unit_id,
            group.enterprise_id,
        )
        assert point.tag == f"{group.code}-{point.extension_number}"


def test_the_demo_agency_reads_both_archives_and_the_bureau_sees_the_review_waiting():
    call_command("demo", stdout=io.StringIO())
    client = Client()
    client.post("/login/", {"username": "agency", "password": DEMO_PASSWORD})
    page = client.get("/ldar/archive/")
    names = {item["obj"].name for item in page.context["branch"][0]["items"]}
    assert names == {"渭川金泰石化有限公司", "渭川宏远化工有限公司"}
    client = Client()
    client.post("/login/", {"username": "bureau", "password": DEMO_PASSWORD})
    assert "渭川宏远化工有限公司" in client.get("/core/todo/").content.decode()


def test_the_layout_names_every_level_and_mixes_the_types():
    rows = plant_layout(1000, REFINERY)
    assert len(rows) == 1000 and len({r["code"] for r in rows}) == 1000
    assert {r["type_code"] for r in rows} >= {"valve", "flange", "pump", "connector"}
    assert len(plant_layout(50, CHEMICAL)) == 50
