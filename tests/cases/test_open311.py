"""Open311 GeoReport v2, checked against the request and response examples of the specification
(wiki.open311.org/GeoReport_v2): form-encoded POST with api_key and attribute[...], JSON answers
with the listed fields."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lantian.cases import actions
from lantian.cases.models import Case
from lantian.core.models import ApiToken
from tests.cases.conftest import report, run_to_close

BASE = "/cases/open311/v2"
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip


@pytest.fixture
def api_key(centre):
    _token, key = ApiToken.objects.issue(centre.operator)
    return key


def test_the_urls_are_the_specifications(centre):
    assert reverse("cases:open311_services") == f"{BASE}/services.json"
    assert reverse("cases:open311_request", args=["AJ1"]) == f"{BASE}/requests/AJ1.json"


def test_services_list_the_minor_classes(client, centre):
    services = client.get(f"{BASE}/services.json", {"jurisdiction_id": "renhe"}).json()
    codes = {s["service_code"] for s in services}
    assert {"C0101", "E0201", "E0302"} <= codes and "E03" not in codes
    sample = next(s for s in services if s["service_code"] == "E0201")
    assert sample == {
        "service_code": "E0201", "service_name": "非法小广告", "description": "小广告清除干净",
        "metadata": True, "type": "realtime", "keywords": "事件", "group": "宣传广告",
    }  # fmt: skip
    definition = client.get(f"{BASE}/services/C0101.json").json()
    assert definition["service_code"] == "C0101"
    assert [a["code"] for a in definition["attributes"]] == ["landmark", "component_code"]
    assert client.get(f"{BASE}/services/NOPE.json").status_code == 404


def test_post_then_read_back(client, centre, api_key):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key, "jurisdiction_id": "renhe", "service_code": "C0101", "lat": "34.41",
            "long": "107.61", "address_string": "仁和镇幸福路 8 号", "email": "li@example.com",
            "first_name": "李", "last_name": "明", "phone": "13800000000", "description": "井盖缺失",
            "media_url": "https://example.com/p.jpg", "attribute[landmark]": "幸福超市门口",
            "attribute[component_code]": "6103230101000123",
        },
    )  # fmt: skip
    assert response.status_code == 201, response.content
    [created] = response.json()
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    case = Case.objects.get(number=created["service_request_id"])
    assert case.channel == "open311" and case.grid == centre.grid and "幸福超市门口" in case.description
    assert case.reporter_name == "李 明" and case.media_url == "https://example.com/p.jpg"

    token = client.get(f"{BASE}/tokens/{created['token']}.json").json()
    assert token == [{"service_request_id": case.number, "token": created["token"]}]
    [shown] = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert set(shown) == REQUEST_FIELDS
    assert shown["status"] == "open" and shown["lat"] == 34.41 and shown["long"] == 107.61
    assert shown["service_code"] == "C0101" and shown["agency_responsible"] == centre.centre.name
    assert shown["requested_datetime"].endswith("+08:00")
    listed = client.get(f"{BASE}/requests.json", {"service_code": "C0101", "status": "open"}).json()
    assert [r["service_request_id"] for r in listed] == [case.number]
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"api_key": "wrong"}, 403),
        ({"service_code": "XX"}, 404),
        ({"lat": "", "long": "", "address_string": ""}, 400),
        ({"lat": "91"}, 400),
        ({"lat": "abc"}, 400),
        ({"description": " "}, 400),
        ({"attribute[color]": "red"}, 400),
        ({"attribute[component_code]": "12"}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
    ],
)
def test_bad_posts_get_the_standard_error(client, centre, api_key, change, message):
    data = {
        "api_key": api_key,
        "service_code": "C0101",
        "lat": "34.41",
        "long": "107.61",
        "description": "井盖",
    }
    data.update(change)
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == message
    [error] = response.json()
    assert error["code"] == message and error["description"]
    assert not Case.objects.exists()


def test_an_account_that_may_not_report_is_refused(client, centre):
    _token, key = ApiToken.objects.issue(centre.dispatcher)
    data = {"api_key": key, "service_code": "C0101", "lat": "34.41", "long": "107.61", "description": "井盖"}
    assert client.post(f"{BASE}/requests.json", data).status_code == 403


def test_anonymous_readers_see_only_public_requests(client, centre, api_key):
    internal = report(centre, at=timezone.now())
    public = actions.report_case(
        actions.Report(organization=centre.centre, category=internal.category, channel="public",
                       description="路边扬尘", address="幸福路", reporter_name="王五", reporter_phone="139",
                       lat=internal.lat, lng=internal.lng)
    )  # fmt: skip
    run_to_close(centre, public, at=timezone.now())
    numbers = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}
    assert numbers == {public.number}
    assert client.get(f"{BASE}/requests/{internal.number}.json").status_code == 404
    with_key = client.get(f"{BASE}/requests.json", {"api_key": api_key}).json()
    assert {r["service_request_id"] for r in with_key} == {internal.number, public.number}
    [closed] = client.get(f"{BASE}/requests.json", {"service_request_id": public.number}).json()
    assert closed["status"] == "closed" and closed["status_notes"] == "结案"
    assert "王五" not in str(closed) and "139" not in str(closed)


def test_date_filters(client, centre):
    public = actions.report_case(
        actions.Report(organization=centre.centre, category=report(centre).category, channel="public",
                       description="扬尘", address="幸福路")
    )  # fmt: skip
    day = public.created_at.date().isoformat()
    assert len(client.get(f"{BASE}/requests.json", {"start_date": f"{day}T00:00:00+08:00"}).json()) == 1
    assert client.get(f"{BASE}/requests.json", {"end_date": "2020-01-01T00:00:00Z"}).json() == []
    assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400
