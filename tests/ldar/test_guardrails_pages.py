"""The guard rails on the pages: the bureau edits a rule's parameters (a bad value is an error on its
field and changes nothing), a work order's page lists its flags or says it is clean, the page per
testing agency counts flags per rule within the reader's scope, and the agency's filing page and home
count them."""

import numpy as np
import pytest
from django.urls import reverse

from lantian.ldar.guardrails_checks import check_work_orders
from lantian.ldar.models import GuardRailFlag, GuardRailRule
from lantian.ldar.models.guardrails import seed_rules
from tests.ldar.cases import detection
from tests.ldar.factories import moment
from tests.ldar.guardrail_factories import honest_readings, walk

pytestmark = pytest.mark.django_db


def heaped(d):
    readings = honest_readings(80)
    readings[::5] = np.linspace(4520, 4990, 16)
    walk(d, readings)
    walk(d, [20.0], dwell=[1.0], start=moment(2026, 4, 8, 16))  # one reading of 1 s
    check_work_orders([d.order.pk])


def rule(code="heaped_under_threshold") -> GuardRailRule:
    seed_rules()
    return GuardRailRule.objects.get(code=code)


def test_the_bureau_edits_a_rules_parameters_and_bad_values_are_refused_on_their_field(tree, login):
    heap = rule()
    client = login(tree.city_admin)
    url = reverse("ldar:guardrailrule_edit", args=[heap.pk])
    page = client.get(url)
    assert page.status_code == 200 and "heap_band" in page.context["form"].fields
    data = {
        "enabled": "on",
        "heap_band": "1.5",
        "heap_expected_share": "0.02",
        "heap_min_readings": "20",
        "heap_min_in_band": "-1",
        "significance": "abc",
    }
    response = client.post(url, data)
    errors = response.context["form"].errors
    assert set(errors) == {"heap_band", "heap_min_in_band", "significance"}
    assert "1" in errors["heap_band"][0]
    heap.refresh_from_db()
    assert heap.parameters["heap_band"] == 0.1
    data.update(heap_band="0.05", heap_min_in_band="8", significance="0.0001")
    assert client.post(url, data).status_code == 302
    heap.refresh_from_db()
    assert heap.parameters == {
        "heap_band": 0.05,
        "heap_expected_share": 0.02,
        "heap_min_readings": 20,
        "heap_min_in_band": 8,
        "significance": 0.0001,
    }
    assert heap.settings().heap_min_in_band == 8


def test_agencies_and_enterprises_read_the_rules_but_do_not_edit_them(tree, login):
    heap = rule()
    for user in (tree.agency_admin, tree.ent_a1_admin):
        client = login(user)
        assert client.get(reverse("ldar:guardrailrule_detail", args=[heap.pk])).status_code == 200
        assert client.get(reverse("ldar:guardrailrule_edit", args=[heap.pk])).status_code == 403
        client.logout()


def test_the_work_order_page_lists_its_flags_with_the_evidence(tree, login):
    d = detection(tree)
    heaped(d)
    client = login(tree.county_a_admin)
    html = client.get(d.order.get_absolute_url()).content.decode()
    assert 'id="order-guardrails"' in html and 'data-rule="heaped_under_threshold"' in html
    assert 'data-rule="impossible_times"' in html and 'id="order-clean"' not in html
    flag_page = client.get(reverse("ldar:guardrailflag_list") + f"?work_order={d.order.pk}")
    assert flag_page.status_code == 200


def test_a_clean_work_order_page_says_so(tree, login):
    d = detection(tree)
    walk(d, honest_readings(40))
    check_work_orders([d.order.pk])
    html = login(tree.county_a_admin).get(d.order.get_absolute_url()).content.decode()
    assert 'id="order-clean"' in html and "data-rule=" not in html


def test_flags_by_agency_counts_per_rule_within_the_readers_scope(tree, login):
    d = detection(tree)
    heaped(d)
    client = login(tree.city_admin)
    page = client.get(reverse("ldar:guardrails_by_agency"))
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert row["agency"] == tree.agency and row["total"] == 2 and row["orders"] == 1
    counts = dict(zip([r.code for r in page.context["rules"]], [c for c, _url in row["cells"]], strict=True))
    assert counts["heaped_under_threshold"] == 1 and counts["impossible_times"] == 1
    client.logout()
    outsider = login(tree.county_b_admin).get(reverse("ldar:guardrails_by_agency"))
    assert outsider.context["rows"] == []


def test_the_agency_filing_page_and_home_count_its_flags(tree, login):
    d = detection(tree)
    heaped(d)
    client = login(tree.city_admin)
    html = client.get(d.filing.get_absolute_url()).content.decode()
    assert 'id="agency-flag-count">2<' in html
    client.logout()
    home = login(tree.agency_admin).get("/").content.decode()
    assert 'data-panel="ldar.guardrails"' in home


def test_readings_and_work_orders_filter_by_flag(tree, login):
    d = detection(tree)
    heaped(d)
    short = GuardRailFlag.objects.get(rule="impossible_times").record
    client = login(tree.county_a_admin)
    flagged = client.get(reverse("ldar:detectionrecord_list") + "?flagged=true")
    assert [row.pk for row in flagged.context["page_obj"]] == [short.pk]
    unflagged = client.get(reverse("ldar:detectionrecord_list") + "?flagged=false")
    assert short.pk not in [row.pk for row in unflagged.context["page_obj"]]
    orders = client.get(reverse("ldar:workorder_list") + "?flagged=true")
    assert [row.pk for row in orders.context["page_obj"]] == [d.order.pk]
