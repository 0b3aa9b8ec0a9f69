"""The LDAR statistics pages (spec §8 [11]): counts and shares by type, kind, unit and area, the
filters, the scope and the xlsx export of every chart."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from lantian.ldar.models import SealPoint
from tests.ldar.detection_factories import Detection, record
from tests.ldar.factories import build_branch, moment


@pytest.fixture
def detection(tree, archive):
    return Detection(tree, archive)


def breakdown(response, key):
    return {b.key: b for b in response.context["breakdowns"]}[key]


def test_seal_points_by_type_kind_and_unit_with_shares(detection, tree, client, login):
    login(tree.city_admin)
    response = client.get(reverse("ldar:statistics_sealpoints"))
    assert response.status_code == 200
    types = breakdown(response, "type")
    valve, pump = _("Valve"), _("Pump")
    names = dict(SealPoint.objects.values_list("seal_type__code", "seal_type__name").distinct())
    valve, pump = names["valve"], names["pump"]
    assert types.table == [(valve, 3, 60.0), (pump, 2, 40.0)]  # each enterprise's branch ends with a pump
    kinds = breakdown(response, "dynamic")
    assert [n for _label, n, _share in kinds.table] == [2, 3]
    units = breakdown(response, "unit")
    assert sorted(units.rows) == [("甲一化工 · 常减压装置", 3), ("甲二石化 · 催化裂化装置", 2)]
    html = response.content.decode()
    assert 'data-widget="pie" data-json="chart-type"' in html and "60.0" in html


def test_the_filters_narrow_every_breakdown(detection, tree, archive, client, login):
    build_branch(tree.ent_a1, "FCC", "催化裂化装置", points=4)
    login(tree.city_admin)
    response = client.get(reverse("ldar:statistics_sealpoints"), {"enterprise": tree.ent_a1.pk})
    assert breakdown(response, "type").total == 7
    assert sorted(breakdown(response, "unit").rows) == [("催化裂化装置", 4), ("常减压装置", 3)]
    response = client.get(
        reverse("ldar:statistics_sealpoints"), {"enterprise": tree.ent_a1.pk, "unit": archive.unit.pk}
    )
    assert breakdown(response, "type").total == 3
    response = client.get(reverse("ldar:statistics_sealpoints"), {"area": archive.area.pk})
    assert breakdown(response, "unit").rows == [("甲一化工 · 常减压装置", 3)]


def test_an_area_outside_the_chosen_unit_is_refused_and_nothing_is_counted(
    detection, tree, archive, client, login
):
    unit, *_rest = build_branch(tree.ent_a1, "FCC", "催化裂化装置", points=1)
    login(tree.ent_a1_admin)
    response = client.get(reverse("ldar:statistics_sealpoints"), {"unit": unit.pk, "area": archive.area.pk})
    assert response.context["breakdowns"] == []
    assert _("The area is not in the chosen unit.") in response.content.decode()


def test_an_enterprise_cannot_filter_by_another_enterprise(detection, tree, client, login):
    login(tree.ent_a2_admin)
    response = client.get(reverse("ldar:statistics_sealpoints"), {"enterprise": tree.ent_a1.pk})
    assert response.context["breakdowns"] == [] and response.context["form"].errors["enterprise"]
    response = client.get(reverse("ldar:statistics_sealpoints"))
    assert breakdown(response, "type").total == 2  # its own two points only


def test_detected_points_by_type_unit_and_area_over_the_period(detection, tree, archive, client, login):
    record(detection.cycle, archive.points[0], 50.0, at=moment(2026, 5, 3, 9))  # the same point again
    login(tree.city_admin)
    url = reverse("ldar:statistics_detected")
    response = client.get(url, {"date_from": "2026-01-01", "date_to": "2026-12-31"})
    types = breakdown(response, "type")
    assert [n for _label, n, _share in types.table] == [2]  # two valves, one of them read twice
    assert breakdown(response, "area").rows == [("常减压装置 · 常压塔区", 2)]
    assert breakdown(response, "leaks").total == 1
    response = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-05-31"})
    assert breakdown(response, "type").total == 1
    response = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.context["breakdowns"] == [] and response.context["form"].errors["date_to"]
    response = client.get(url, {"date_from": "2020-01-01", "date_to": "2026-04-01"})
    assert response.context["form"].errors["date_to"]  # more than three years


def test_retested_points_by_type_over_the_period(detection, tree, client, login):
    login(tree.ent_a1_admin)
    url = reverse("ldar:statistics_retested")
    response = client.get(url, {"date_from": "2026-04-01", "date_to": "2026-04-30"})
    assert [n for _label, n, _share in breakdown(response, "type").table] == [1]
    assert breakdown(response, "passed").total == 1  # re-tested at 118.5 net, below 5,000
    response = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-05-31"})
    assert breakdown(response, "type").rows == []
    client.logout()
    login(tree.ent_a2_admin)
    response = client.get(url, {"date_from": "2026-04-01", "date_to": "2026-04-30"})
    assert breakdown(response, "type").rows == []


def test_every_chart_exports_to_xlsx_with_its_counts_and_shares(detection, tree, client, login):
    login(tree.city_admin)
    url = reverse("ldar:statistics_sealpoints")
    response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    sheet = book.worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[1] is not None]
    assert rows[0][1:] == (_("Seal points"), _("Share (%)"))
    assert [row[1:] for row in rows[1:]] == [(3, 60.0), (2, 40.0), (5, 100.0)]
    one = client.get(url, {"export": "xlsx", "chart": "unit"})
    assert openpyxl.load_workbook(io.BytesIO(one.content)).sheetnames == [_("Seal points by unit")[:31]]
    assert client.get(url, {"export": "xlsx", "chart": "nope"}).status_code == 400


def test_a_user_without_the_permission_is_refused(detection, tree, client, login):
    login(tree.ops)
    assert client.get(reverse("ldar:statistics_sealpoints")).status_code == 403
    client.logout()
    assert client.get(reverse("ldar:statistics_sealpoints")).status_code == 302
