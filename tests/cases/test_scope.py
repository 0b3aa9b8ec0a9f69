"""Who sees which cases: a department only the cases dispatched to it, a grid worker their own
reports and the cases sent to them; on pages, export, the API and Open311."""

import io

import openpyxl
from django.urls import reverse

from lantian.cases import actions
from lantian.cases.models import Case
from lantian.core.models import ApiToken
from tests.cases.conftest import report


def numbers_on_list(client, **params):
    response = client.get(reverse("cases:case_list"), params)
    assert response.status_code == 200
    return {row["object"].number for row in response.context["rows"]}


def exported_numbers(client):
    response = client.get(reverse("cases:case_export"), {"columns": "all"})
    assert response.status_code == 200, response.content[:300]
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}


def api_numbers(user):
    from rest_framework.test import APIClient

    client = APIClient()
    _token, key = ApiToken.objects.issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/cases/cases/", {"page_size": 100})
    assert response.status_code == 200, response.content[:300]
    return {row["display"].split()[0] for row in response.json()["results"]}


def scenario(centre):
    mine = report(centre)
    theirs = report(centre, user=centre.other_worker, lat="34.405", lng="107.605")
    street = actions.transition(mine, centre.operator, "dispatch", "立案")
    street = actions.transition(street, centre.dispatcher, "handle", "城管", centre.street)
    works = actions.transition(theirs, centre.operator, "dispatch", "立案")
    works = actions.transition(works, centre.dispatcher, "handle", "市政", centre.works)
    hotline = report(centre, user=centre.operator, channel="hotline", lat="34.419", lng="107.619")
    return street, works, hotline


def test_a_department_sees_only_the_cases_dispatched_to_it(centre, login):
    street, works, _hotline = scenario(centre)
    client = login(centre.street_handler)
    assert numbers_on_list(client) == {street.number}
    assert exported_numbers(client) == {street.number}
    assert api_numbers(centre.street_handler) == {street.number}
    assert client.get(works.get_absolute_url()).status_code == 404
    assert client.get(street.get_absolute_url()).status_code == 200


def test_a_grid_worker_sees_their_reports_and_the_cases_sent_to_them(centre, login):
    street, works, hotline = scenario(centre)
    client = login(centre.other_worker)
    assert numbers_on_list(client) == {works.number}
    assert api_numbers(centre.other_worker) == {works.number}
    assert client.get(street.get_absolute_url()).status_code == 404
    # The hotline case lies in grid 1: its grid worker checks it, so sees it.
    assert numbers_on_list(login(centre.grid_worker)) == {street.number, hotline.number}


def test_the_command_centre_and_the_bureau_above_see_all_and_the_other_county_nothing(centre, login):
    cases = {c.number for c in scenario(centre)}
    assert numbers_on_list(login(centre.dispatcher)) == cases
    assert numbers_on_list(login(centre.tree.county_a_admin)) == cases
    assert numbers_on_list(login(centre.tree.county_b_admin)) == set()
    assert Case.objects.restrict(centre.tree.ent_a1_admin).count() == 0


def test_actions_are_refused_outside_the_scope(centre, login):
    _street, works, _hotline = scenario(centre)
    client = login(centre.street_handler)
    url = reverse("cases:case_act", args=[works.pk])
    assert client.post(url, {"target": "check", "expected_step": "handle"}).status_code == 404
    works.refresh_from_db()
    assert works.step == "handle"
