"""The demo county and the pages on it: the small demo builds and twice changes nothing; the
live data, a station's series, the evaluation page and its export answer for the bureau and show a
township user only their township; audit marks and anomalies are handled through their pages."""

import io

import pytest
from openpyxl import load_workbook

from lantian.air import demo
from lantian.air.models import Anomaly, AuditMark, HourlyValue, Station
from lantian.core import demo as core_demo
from lantian.core.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    core_demo.build_demo()
    return demo.build_demo()


def _login(client, username):
    user = User.objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return user


def test_the_demo_county_and_its_pages(county, client):
    assert county[0].startswith("air: 90 stations")
    assert Station.objects.count() == 90
    assert {k: Station.objects.filter(kind=k).count() for k in ("provincial", "township", "micro")} == {
        "provincial": 2,
        "township": 18,
        "micro": 70,
    }
    rows = HourlyValue.objects.count()
    assert demo.build_demo()[0].endswith("0 hourly values loaded") and HourlyValue.objects.count() == rows
    assert Anomaly.objects.exists() and AuditMark.objects.count() == 2

    _login(client, "airanalyst")
    live = client.get("/air/live/data/?rules=2026").json()
    assert len(live["stations"]) == 90 and any(s["aqi"] for s in live["stations"])
    series = client.get(live["stations"][0]["series_url"] + "?rules=2012").json()
    assert len(series["times"]) == 72 and any(series["aqi"])
    page = client.get("/air/evaluation/?period=custom&start=2020-01-01&end=2020-01-03&grouping=township")
    assert page.status_code == 200
    from django.utils import timezone

    today = timezone.localdate()
    query = f"period=month&start={today}&grouping=township&rules=2026"
    page = client.get(f"/air/evaluation/?{query}")
    assert page.status_code == 200 and len(page.context["rows"]) == 10  # nine townships and the bureau
    assert [r["ranks"]["composite"] for r in page.context["rows"]] == sorted(
        r["ranks"]["composite"] for r in page.context["rows"]
    )
    export = client.get(f"/air/evaluation/export/?{query}")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 12
    assert (
        client.get("/air/evaluation/?period=custom&start=2025-01-01&end=2020-01-01").context["params"].errors
    )
    assert client.get("/air/live/").status_code == 200
    assert client.get("/air/anomalies/counts/").status_code == 200

    client.logout()
    township = _login(client, "township")
    live = client.get("/air/live/data/").json()
    assert {s["township"] for s in live["stations"]} == {"凤岗镇"}
    page = client.get(f"/air/evaluation/?period=month&start={today}&grouping=station")
    assert {r["name"] for r in page.context["rows"]} == set(
        Station.objects.filter(organization=township.organization).values_list("name", flat=True)
    )
    anomaly = Anomaly.objects.filter(station__organization=township.organization).first()
    if anomaly is not None:
        response = client.post(
            f"/air/anomalys/{anomaly.pk}/edit/", {"status": "explained", "explanation": ""}
        )
        assert response.status_code == 200 and "explanation" in response.context["form"].errors
        client.post(f"/air/anomalys/{anomaly.pk}/edit/", {"status": "explained", "explanation": "附近施工"})
        anomaly.refresh_from_db()
        assert anomaly.status == "explained" and anomaly.handled_by == township
    other = Station.objects.exclude(organization=township.organization).first()
    assert client.get(f"/air/stations/{other.pk}/").status_code == 404
