"""The LDAR big screens' figures, their JSON endpoints' scope, and the home-page KPIs.

The fixture is the detection fixture (ent_a1: three points, two valves read — one leaking, re-tested
— and a pump left unread; ent_a2: two points, one inaccessible, never detected) with a repaired
repair task for the leak and the points' detection due states. Every figure is compared with what
those rows give by construction.
"""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from lantian.core.dashboards import Widget, share
from lantian.ldar import screens
from lantian.ldar.models import DetectionCycle, SealPoint
from lantian.ldar.models.repair import DetectionDue, RepairTask
from lantian.ldar.repair_jobs import refresh_repair_months
from tests.ldar.detection_factories import Detection

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # endpoint answers are cached per scope; organisation paths repeat between tests
    yield
    cache.clear()


@pytest.fixture
def screen(tree, archive):
    detection = Detection(tree, archive)
    leak = detection.leak
    RepairTask.objects.create(
        enterprise=tree.ent_a1,
        agency=tree.agency,
        detection=leak,
        cycle=detection.cycle,
        seal_point=leak.seal_point,
        tag=leak.tag,
        unit=leak.unit,
        area=leak.area,
        seal_type=leak.seal_type,
        net_value=leak.net_value,
        detected_on=leak.detected_on,
        first_attempt_due=leak.detected_on + datetime.timedelta(days=5),
        complete_due=leak.detected_on + datetime.timedelta(days=15),
        due_on=leak.detected_on + datetime.timedelta(days=15),
        state=RepairTask.State.REPAIRED,
        first_attempt_on=datetime.date(2026, 4, 10),
        closed_on=datetime.date(2026, 4, 12),
    )
    hidden = archive.other_points[1]
    SealPoint.objects.filter(pk=hidden.pk).update(accessible=False, inaccessible_reason="高空无平台")
    states = {
        archive.points[0].pk: "current",
        archive.points[1].pk: "current",
        archive.points[2].pk: "never",
        archive.other_points[0].pk: "overdue",
        archive.other_points[1].pk: "never",
    }
    for point in SealPoint.objects.filter(pk__in=states):
        DetectionDue.objects.create(
            enterprise_id=point.enterprise_id,
            seal_point=point,
            tag=point.tag,
            unit_id=point.unit_id,
            area_id=point.area_id,
            seal_type_id=point.seal_type_id,
            rule_set="GB37822",
            state=states[point.pk],
            refreshed_at=datetime.datetime(2026, 5, 20, tzinfo=datetime.UTC),
        )
    refresh_repair_months()  # the monthly statistics the city screen reads, as the periodic job keeps them
    return detection


def kpi(figures, label):
    return next(item["value"] for item in figures["kpis"] if item["label"] == label)


# --- the kernel of the risk grade ---


@pytest.mark.parametrize(
    ("points", "rate", "grade"),
    [
        (2000, 2.0, "high"),
        (1999, 2.0, "medium"),
        (2000, 1.9, "medium"),
        (1999, 1.9, "low"),
        (0, 0.0, "low"),
        (500_000, 50.0, "high"),
    ],
)
def test_the_risk_grade_follows_the_rule_stated_on_the_screen(points, rate, grade):
    assert screens.risk_grade(points, rate) == grade


def test_month_starts_run_back_over_the_year_end():
    months = screens.month_starts(datetime.date(2026, 2, 14), 4)
    assert months == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]


# --- [1] city overview ---


def test_the_city_overview_counts_the_jurisdiction(screen, tree):
    figures = screens.city_overview(tree.city_admin, TODAY)
    assert kpi(figures, _("Enterprises")) == 3  # A1, A2, B1
    assert kpi(figures, _("Enterprises with an LDAR archive")) == 2
    assert kpi(figures, _("Approved testing agencies")) == 1
    assert kpi(figures, _("Valid seal points")) == 5
    assert kpi(figures, _("Accessible")) == 4
    assert kpi(figures, _("Inaccessible")) == 1
    # ent_a1: 3 points, 2 readings of which 1 leaking = 50 %: medium (< 2,000 points); ent_a2: no reading
    rows = {row[0]: row[1:] for row in figures["grades"]["rows"]}
    assert rows["甲一化工"] == [3, 50.0, _("Medium risk")]
    assert rows["甲二石化"] == [2, 0.0, _("Low risk")]
    assert figures["grade_counts"]["values"] == [0, 1, 1]
    assert "2,000" in figures["rule"][0]
    trend = dict(
        zip(
            figures["trend"]["categories"],
            zip(*(s["values"] for s in figures["trend"]["series"]), strict=True),
            strict=True,
        )
    )
    assert trend["2026-04"] == (1, 1)  # found on 8 April, repaired on 12 April
    assert sum(sum(s["values"]) for s in figures["trend"]["series"]) == 2
    assert figures["trend"]["categories"][-1] == "2026-05" and len(figures["trend"]["categories"]) == 12
    assert figures["ranking"]["categories"] == ["甲一化工"] and figures["ranking"]["values"] == [1]
    assert figures["agencies"]["categories"] == ["检测公司"] and figures["agencies"]["values"] == [1]


def test_an_enterprise_sees_only_its_own_figures_on_the_city_overview(screen, tree):
    figures = screens.city_overview(tree.ent_a2_admin, TODAY)
    assert kpi(figures, _("Enterprises")) == 1
    assert kpi(figures, _("Valid seal points")) == 2
    assert kpi(figures, _("Inaccessible")) == 1
    assert [row[0] for row in figures["grades"]["rows"]] == ["甲二石化"]
    assert sum(figures["trend"]["series"][0]["values"]) == 0
    assert figures["agencies"]["values"] == []
    assert kpi(figures, _("Approved testing agencies")) == 0  # nobody serves ent_a2


def test_a_county_bureau_sees_its_own_county_only(screen, tree):
    figures = screens.city_overview(tree.county_b_admin, TODAY)
    assert kpi(figures, _("Enterprises")) == 1  # B1, which has no archive
    assert kpi(figures, _("Valid seal points")) == 0
    assert figures["grades"]["rows"] == []


# --- [2] enterprise comparison ---


def test_the_comparison_counts_leak_repair_and_retest_points_of_the_year(screen, tree):
    figures = screens.enterprise_comparison(tree.city_admin, 2026)
    assert figures["comparison"]["categories"] == ["甲一化工"]
    series = {s["name"]: s["values"] for s in figures["comparison"]["series"]}
    assert series == {
        _("Leak points"): [1],
        _("Routine repair points"): [1],
        _("Re-tested points"): [1],
        _("Delayed repair points"): [0],
    }
    assert figures["table"]["rows"] == [["甲一化工", 1, 1, 1, 0, 100.0]]
    assert screens.enterprise_comparison(tree.city_admin, 2025)["comparison"]["categories"] == []
    assert screens.enterprise_comparison(tree.ent_a2_admin, 2026)["comparison"]["categories"] == []


def test_a_delayed_repair_counts_as_delayed_not_routine(screen, tree):
    RepairTask.objects.update(delayed=True)
    series = {
        s["name"]: s["values"]
        for s in screens.enterprise_comparison(tree.city_admin, 2026)["comparison"]["series"]
    }
    assert series[_("Routine repair points")] == [0] and series[_("Delayed repair points")] == [1]


# --- [3] seal-point statistics ---


def test_the_seal_point_screen_counts_types_units_and_the_current_cycle(screen, tree):
    figures = screens.seal_point_screen(tree.ent_a1_admin, TODAY)
    assert kpi(figures, _("Valid seal points")) == 3
    assert kpi(figures, _("Dynamic")) == 1  # the pump
    assert kpi(figures, _("Static")) == 2
    assert kpi(figures, _("Due for detection")) == 1  # the pump was never detected
    assert dict(zip(figures["by_type"]["categories"], figures["by_type"]["values"], strict=True)) == {
        "阀门": 2,
        "泵": 1,
    }
    assert figures["by_unit"]["categories"] == ["常减压装置"]
    first = DetectionCycle.objects.get(round=1)
    planned = "2026-07-01" + _(" (planned)")
    assert figures["cycles"]["rows"] == [["甲一化工", str(first), "2026-01-01 ~ 2026-06-30", planned]]
    second = DetectionCycle.objects.create(
        enterprise=tree.ent_a1,
        agency=tree.agency,
        year=2026,
        round=2,
        accounting_start=datetime.date(2026, 7, 6),
        accounting_end=datetime.date(2026, 12, 31),
    )
    figures = screens.seal_point_screen(tree.ent_a1_admin, TODAY)
    assert figures["cycles"]["rows"][0][3] == "2026-07-06"
    # after the first round's period, the second round is the current one
    later = screens.seal_point_screen(tree.ent_a1_admin, datetime.date(2026, 8, 1))
    assert later["cycles"]["rows"][0][1:3] == [str(second), "2026-07-06 ~ 2026-12-31"]


def test_units_of_several_enterprises_are_named_with_their_enterprise(screen, tree):
    figures = screens.seal_point_screen(tree.city_admin, TODAY)
    assert sorted(figures["by_unit"]["categories"]) == ["甲一化工·常减压装置", "甲二石化·催化裂化装置"]
    assert kpi(figures, _("Due for detection")) == 3  # the pump, ent_a2's overdue and never-detected points


def test_a_distribution_sums_what_it_does_not_show():
    rows = [{"name": f"U{i}", "n": i} for i in range(1, 16)]
    series = screens.top(rows, lambda row: row["name"], "n", limit=12)
    assert series["categories"][0] == "U15" and series["categories"][-1] == _("Others")
    assert series["values"][-1] == 1 + 2 + 3 and sum(series["values"]) == sum(range(1, 16))


# --- the endpoints ---

ENDPOINTS = ("ldar:screen_city_data", "ldar:screen_comparison_data", "ldar:screen_points_data")


@pytest.mark.parametrize(
    ("user", "points"),
    [
        ("city_admin", 5),
        ("county_a_admin", 5),
        ("county_b_admin", 0),
        ("ent_a1_admin", 3),
        ("ent_a2_admin", 2),
        ("agency_admin", 3),
    ],
)
def test_every_endpoint_answers_within_the_users_scope(screen, tree, client, login, user, points):
    login(getattr(tree, user))
    city = client.get(reverse("ldar:screen_city_data")).json()
    assert kpi(city, _("Valid seal points")) == points
    seal = client.get(reverse("ldar:screen_points_data")).json()
    assert kpi(seal, _("Valid seal points")) == points
    comparison = client.get(reverse("ldar:screen_comparison_data"), {"year": 2026}).json()
    expected = (
        ["甲一化工"] if user in ("city_admin", "county_a_admin", "ent_a1_admin", "agency_admin") else []
    )
    assert comparison["comparison"]["categories"] == expected


def test_a_cached_answer_is_never_given_to_another_scope(screen, tree, client, login):
    login(tree.ent_a1_admin)
    assert kpi(client.get(reverse("ldar:screen_points_data")).json(), _("Valid seal points")) == 3
    client.logout()
    login(tree.ent_a2_admin)
    assert kpi(client.get(reverse("ldar:screen_points_data")).json(), _("Valid seal points")) == 2
    client.logout()
    login(tree.ent_a1_admin)
    SealPoint.objects.filter(enterprise=tree.ent_a1, seal_type__code="pump").update(is_valid=False)
    assert (
        kpi(client.get(reverse("ldar:screen_points_data")).json(), _("Valid seal points")) == 3
    )  # cached briefly
    cache.clear()
    assert kpi(client.get(reverse("ldar:screen_points_data")).json(), _("Valid seal points")) == 2


def test_endpoints_refuse_strangers_and_bad_years(screen, tree, client, login):
    for name in ENDPOINTS:
        assert client.get(reverse(name)).status_code == 401
    login(tree.ops)  # an operations vendor: no LDAR permission
    for name in ENDPOINTS:
        assert client.get(reverse(name)).status_code == 403
    client.logout()
    login(tree.city_admin)
    url = reverse("ldar:screen_comparison_data")
    for year in ("1999", "abc", "3000", "2026;drop"):
        response = client.get(url, {"year": year})
        assert response.status_code == 400 and "2000" in response.json()["error"]
    assert client.get(url, {"year": "x" * 600}).status_code == 400


@pytest.mark.parametrize("name", ["ldar:screen_city", "ldar:screen_comparison", "ldar:screen_points"])
def test_the_big_screens_are_full_pages_of_widgets(screen, tree, client, login, name):
    login(tree.city_admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-theme="dark"' in html and 'id="screen-stage"' in html and "<script>" not in html
    assert html.count("data-widget=") >= 3
    client.logout()
    login(tree.ops)
    assert client.get(reverse(name)).status_code == 403


def test_the_comparison_screen_offers_the_years_with_cycles(screen, tree, client, login):
    login(tree.city_admin)
    html = client.get(reverse("ldar:screen_comparison")).content.decode()
    assert 'data-screen-param="year"' in html and '<option value="2026"' in html


def test_the_menu_opens_big_screens_in_a_new_window(screen, tree, client, login):
    login(tree.city_admin)
    html = client.get("/").content.decode()
    url = reverse("ldar:screen_city")
    assert f'href="{url}" target="_blank" rel="noopener"' in html
    assert f'href="{reverse("ldar:statistics_sealpoints")}" target' not in html


def test_a_widget_kind_must_be_known():
    with pytest.raises(ValueError, match="unknown widget kind"):
        Widget("x", "X", "donut", "ldar:screen_city_data", "1 / 1 / 2 / 2")


def test_share_is_a_percentage_with_one_decimal():
    assert share(1, 3) == 33.3 and share(0, 0) == 0.0 and share(2, 2) == 100.0


# --- the home-page KPIs ---


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("city_admin", {"open_leaks": 1, "overdue_repairs": 1, "overdue": 1, "never": 2, "soon": 0}),
        ("ent_a1_admin", {"open_leaks": 1, "overdue_repairs": 1, "overdue": 0, "never": 1, "soon": 0}),
        ("ent_a2_admin", {"open_leaks": 0, "overdue_repairs": 0, "overdue": 1, "never": 1, "soon": 0}),
        ("agency_admin", {"open_leaks": 1, "overdue_repairs": 1, "overdue": 0, "never": 1, "soon": 0}),
        ("county_b_admin", {"open_leaks": 0, "overdue_repairs": 0, "overdue": 0, "never": 0, "soon": 0}),
    ],
)
def test_home_kpis_count_the_users_own_figures(screen, tree, user, expected):
    RepairTask.objects.update(state=RepairTask.State.OPEN, closed_on=None, overdue=True)
    kpis = screens.home_kpis(getattr(tree, user))
    assert {key: kpis[key] for key in expected} == expected


def test_home_pages_of_bureau_enterprise_and_agency_show_the_ldar_kpis(screen, tree, client, login):
    RepairTask.objects.update(state=RepairTask.State.OPEN, closed_on=None, overdue=True)
    for user in (tree.city_admin, tree.ent_a1_admin, tree.agency_admin):
        login(user)
        html = client.get("/").content.decode()
        assert 'data-panel="ldar.kpis"' in html, user
        assert f'data-figure="{_("open leaks")}">1<' in html, user
        client.logout()
    login(tree.ent_a2_admin)
    html = client.get("/").content.decode()
    assert f'data-figure="{_("open leaks")}">0<' in html
    assert f'data-figure="{_("points overdue for detection")}">1<' in html
