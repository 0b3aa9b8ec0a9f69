"""Who sees which archive: an enterprise only its own (pages, export, API → 404 or absent rows), a
testing agency the archives of the enterprises it serves, read-only, a bureau its jurisdiction."""

import io

import pytest
from python_calamine import CalamineWorkbook
from rest_framework.test import APIClient

from lantian.core.excel.spec import read_only_header
from lantian.core.models import ApiToken
from lantian.ldar.models import Area, ProcessUnit, SealPoint

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    _token, key = ApiToken.objects.issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def exported(response) -> list[list]:
    assert response.status_code == 200
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


def test_an_enterprise_never_sees_another_enterprises_archive(tree, archive, login):
    client = login(tree.ent_a1_admin)
    other = archive.other_points[0]
    for url in (
        f"/ldar/archive/enterprise/{tree.ent_a2.pk}/",
        f"/ldar/archive/unit/{archive.other_unit.pk}/",
        f"/ldar/archive/group/{archive.other_group.pk}/",
        other.get_absolute_url(),
        archive.other_unit.get_absolute_url(),
        f"/ldar/sealpoints/{other.pk}/edit/",
        f"/ldar/processunits/{archive.other_unit.pk}/delete/",
    ):
        assert client.get(url).status_code == 404, url
    rows = exported(client.get("/ldar/sealpoints/export/", {"columns": "all"}))
    tags = {row[rows[0].index(read_only_header("标签号"))] for row in rows[1:]}
    assert tags == {p.tag for p in archive.points}
    listing = client.get("/ldar/sealpoints/", {"q": "G0012"})
    assert {row["object"].pk for row in listing.context["rows"]} == {p.pk for p in archive.points}
    # a filter naming the other enterprise's unit is refused, not answered
    assert client.get("/ldar/sealpoints/", {"unit": archive.other_unit.pk}).context["filterset"].errors

    client_api = api(tree.ent_a1_admin)
    ids = [
        row["id"] for row in client_api.get("/api/ldar/sealpoints/", {"page_size": 1000}).json()["results"]
    ]
    assert sorted(ids) == sorted(p.pk for p in archive.points)
    assert client_api.get(f"/api/ldar/sealpoints/{other.pk}/").status_code == 404
    assert (
        client_api.patch(f"/api/ldar/sealpoints/{other.pk}/", {"remark": "x"}, format="json").status_code
        == 404
    )


def test_the_archive_root_takes_an_enterprise_straight_to_its_own(tree, archive, login):
    client = login(tree.ent_a1_admin)
    response = client.get("/ldar/archive/")
    assert (
        response.status_code == 302 and response["Location"] == f"/ldar/archive/enterprise/{tree.ent_a1.pk}/"
    )


def test_an_agency_reads_the_archives_of_the_enterprises_it_serves_and_cannot_change_them(
    tree, archive, login
):
    client = login(tree.agency_admin)  # serves ent_a1 only
    assert client.get(f"/ldar/archive/enterprise/{tree.ent_a1.pk}/").status_code == 200
    assert client.get(archive.point.get_absolute_url()).status_code == 200
    assert client.get(f"/ldar/archive/enterprise/{tree.ent_a2.pk}/").status_code == 404
    assert client.get(archive.other_points[0].get_absolute_url()).status_code == 404
    for url in (
        f"/ldar/sealpoints/{archive.point.pk}/edit/",
        "/ldar/sealpoints/add/",
        "/ldar/sealpoints/import/",
        f"/ldar/processunits/{archive.unit.pk}/delete/",
    ):
        assert client.get(url).status_code == 403, url
    rows = exported(client.get("/ldar/sealpoints/export/", {"columns": "all"}))
    tag = rows[0].index(read_only_header("标签号"))
    assert {row[tag] for row in rows[1:]} == {p.tag for p in archive.points}
    detail = client.get(archive.point.get_absolute_url())
    assert detail.context["edit_url"] is None and detail.context["delete_url"] is None

    client_api = api(tree.agency_admin)
    assert client_api.get(f"/api/ldar/sealpoints/{archive.point.pk}/").status_code == 200
    assert (
        client_api.patch(
            f"/api/ldar/sealpoints/{archive.point.pk}/", {"remark": "改"}, format="json"
        ).status_code
        == 403
    )
    assert client_api.delete(f"/api/ldar/sealpoints/{archive.point.pk}/").status_code == 403
    body = {
        "group": archive.group.pk,
        "code": "X-1",
        "seal_type": archive.point.seal_type_id,
        "extension_number": 9,
    }
    assert client_api.post("/api/ldar/sealpoints/", body, format="json").status_code == 403
    assert SealPoint.objects.filter(code="X-1").count() == 0
    archive.point.refresh_from_db()
    assert archive.point.remark == ""


def test_an_agency_keeps_its_own_instruments_but_not_an_enterprises(tree, archive, login):
    client = login(tree.agency_admin)
    assert client.get(f"/ldar/detectioninstruments/{archive.agency_instrument.pk}/edit/").status_code == 200
    assert client.get(f"/ldar/detectioninstruments/{archive.instrument.pk}/").status_code == 200  # a client's
    assert client.get(f"/ldar/detectioninstruments/{archive.instrument.pk}/edit/").status_code == 404


def test_a_bureau_sees_its_jurisdiction_only(tree, archive, login):
    client = login(tree.county_b_admin)
    assert client.get(f"/ldar/archive/enterprise/{tree.ent_a1.pk}/").status_code == 404
    root = client.get("/ldar/archive/")  # one enterprise in the county: straight to it
    assert root.status_code == 302 and root["Location"] == f"/ldar/archive/enterprise/{tree.ent_b1.pk}/"
    client.logout()
    client = login(tree.county_a_admin)
    root = client.get("/ldar/archive/")
    items = {item["obj"].pk: item["counts"].total for item in root.context["branch"][0]["items"]}
    assert items == {tree.ent_a1.pk: 3, tree.ent_a2.pk: 2}


def test_the_seal_points_enterprise_comes_from_its_group_never_from_input(tree, archive):
    client_api = api(tree.ent_a1_admin)
    body = {
        "group": archive.group.pk,
        "code": "G0012-7",
        "seal_type": archive.point.seal_type_id,
        "extension_number": 7,
        "enterprise": tree.ent_a2.pk,
        "unit": archive.other_unit.pk,
        "tag": "假的",
        "is_dynamic": True,
    }
    response = client_api.post("/api/ldar/sealpoints/", body, format="json")
    assert response.status_code == 201, response.json()
    point = SealPoint.objects.get(pk=response.json()["id"])
    assert (point.enterprise_id, point.unit_id, point.area_id, point.equipment_id) == (
        tree.ent_a1.pk,
        archive.unit.pk,
        archive.area.pk,
        archive.equipment.pk,
    )
    assert point.tag == "G0012-7" and point.is_dynamic is False  # a valve
    # a group of another enterprise is not offered, so the point cannot be put there
    body.update(group=archive.other_group.pk, code="G0012-8", extension_number=8)
    response = client_api.post("/api/ldar/sealpoints/", body, format="json")
    assert response.status_code == 400 and "group" in response.json()


def test_a_form_offers_only_the_users_own_parents(tree, archive, login):
    client = login(tree.ent_a1_admin)
    form = client.get("/ldar/areas/add/").context["form"]
    assert list(form.fields["unit"].queryset) == [archive.unit]
    assert form.initial["unit"] == archive.unit.pk  # the only choice is preselected
    assert ProcessUnit.objects.count() == 2 and Area.objects.count() == 2
