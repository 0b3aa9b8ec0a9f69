"""The work pages as each role sees them: reporting from a phone, the queues and their to-do counts,
the case page and its actions, the leaders' overview, the public report and the questionnaire."""

from django.urls import reverse

from lantian.cases import actions
from lantian.cases.models import Case
from lantian.core.todo import items_for
from tests.cases.conftest import photo, report, run_to_close


def report_form(centre, **changes):
    data = {
        "organization": centre.centre.pk, "channel": "grid", "category": report_category().pk,
        "description": "工地裸土未覆盖", "address": "幸福路 8 号", "lat": "34.410000", "lng": "107.610000",
    }  # fmt: skip
    data.update(changes)
    return data


def report_category():
    from lantian.cases.models import Category

    return Category.objects.get(code="E0302")


def test_a_grid_worker_reports_with_a_photo_and_is_offered_the_duplicate(centre, login):
    client = login(centre.grid_worker)
    page = client.get(reverse("cases:report")).content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "locate-me" in page
    response = client.post(reverse("cases:report"), {**report_form(centre), "photos": [photo()]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.reporter == centre.grid_worker and case.channel == "grid"
    assert case.events.get().attachments.count() == 1

    # A second report 20 m away: offered as a duplicate, nothing stored until the worker decides.
    near = report_form(centre, lat="34.410180")
    response = client.post(reverse("cases:report"), near)
    assert response.status_code == 200 and case.number in response.content.decode()
    assert Case.objects.count() == 1
    response = client.post(reverse("cases:report"), {**near, "duplicate_of": case.pk})
    assert Case.objects.filter(duplicate_of=case, state="cancelled").count() == 1
    response = client.post(reverse("cases:report"), {**near, "confirm": "True"})
    assert Case.objects.filter(state="open").count() == 2


def test_a_grid_worker_may_only_report_as_a_grid_worker(centre, login):
    client = login(centre.grid_worker)
    response = client.post(reverse("cases:report"), report_form(centre, channel="hotline"))
    assert response.status_code == 400 and not Case.objects.exists()
    response = client.post(reverse("cases:report"), report_form(centre, lat="", lng="", address=""))
    assert response.status_code == 400 and not Case.objects.exists()


def test_queues_count_what_waits_for_each_role(centre, login):
    first = report(centre)
    report(centre, lat="34.405", lng="107.605")
    operator = login(centre.operator)
    page = operator.get(reverse("cases:queues"))
    assert page.status_code == 200
    assert [(c["step_name"], c["total"]) for c in page.context["counts"]] == [("立案", 2)]
    assert len([i for i in items_for(centre.operator) if i.kind == "assigned"]) == 2
    actions.transition(first, centre.operator, "dispatch", "立案")
    assert [c["total"] for c in operator.get(reverse("cases:queues")).context["counts"]] == [1]
    dispatcher = login(centre.dispatcher)
    assert [c["step_name"] for c in dispatcher.get(reverse("cases:queues")).context["counts"]] == ["派遣"]
    assert items_for(centre.street_handler) == []


def test_the_case_page_offers_the_steps_actions_and_moves_the_case(centre, login):
    case = report(centre, uploads=[photo()])
    client = login(centre.operator)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "case-act-form" in html and "立案" in html and "photos-before" in html
    response = client.post(
        reverse("cases:case_act", args=[case.pk]),
        {"target": "dispatch", "expected_step": "register", "opinion": "属实"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == "dispatch"
    # The operator does not act at the dispatch step: no form, and a forged post is refused.
    assert "case-act-form" not in client.get(case.get_absolute_url()).content.decode()
    client.post(reverse("cases:case_act", args=[case.pk]), {"target": "handle", "expected_step": "dispatch"})
    case.refresh_from_db()
    assert case.step == "dispatch"
    dispatcher = login(centre.dispatcher)
    html = dispatcher.get(case.get_absolute_url()).content.decode()
    assert centre.street.name in html and centre.works.name in html
    dispatcher.post(
        reverse("cases:case_act", args=[case.pk]),
        {"target": "handle", "expected_step": "dispatch", "department": centre.works.pk},
    )
    case.refresh_from_db()
    assert case.step == "handle" and case.department == centre.works


def test_side_actions_from_the_page(centre, login):
    case = report(centre)
    case = actions.transition(case, centre.operator, "dispatch", "立案")
    case = actions.transition(case, centre.dispatcher, "handle", "请处置", centre.street)
    leader = login(centre.leader)
    html = leader.get(case.get_absolute_url()).content.decode()
    assert 'data-side="urge"' in html and 'data-side="supervise"' in html and 'data-side="park"' not in html
    leader.post(reverse("cases:case_side", args=[case.pk, "supervise"]), {"opinion": "督办"})
    leader.post(reverse("cases:case_side", args=[case.pk, "extend"]), {"opinion": "延期", "amount": "x"})
    case.refresh_from_db()
    assert case.supervised and case.extension_count == 0
    leader.post(
        reverse("cases:case_side", args=[case.pk, "extend"]),
        {"opinion": "延期", "amount": "2", "unit": "days"},
    )
    case.refresh_from_db()
    assert case.extension_count == 1
    assert leader.post(reverse("cases:case_side", args=[case.pk, "fly"]), {"opinion": "x"}).status_code == 404


def test_the_overview_shows_load_and_overdue(centre, login):
    case = report(centre)
    case = actions.transition(case, centre.operator, "dispatch", "立案")
    actions.transition(case, centre.dispatcher, "handle", "请处置", centre.street)
    Case.objects.filter(pk=case.pk).update(clock="overdue")
    page = login(centre.leader).get(reverse("cases:overview"))
    assert page.status_code == 200
    assert page.context["totals"]["overdue"] == 1
    assert [(row["department__name"], row["total"], row["overdue"]) for row in page.context["load"]] == [
        (centre.street.name, 1, 1)
    ]
    assert list(page.context["overdue"]) == [case]
    assert [i.title for i in items_for(centre.leader) if i.kind == "overdue"] == [str(case)]
    assert login(centre.grid_worker).get(reverse("cases:overview")).status_code == 403


def test_public_report_and_questionnaire(centre, client):
    page = client.get(reverse("cases:public_report"))
    assert page.status_code == 200
    data = {
        "organization": centre.centre.pk, "category": report_category().pk, "description": "路口扬尘",
        "address": "幸福路口", "reporter_name": "王五", "reporter_phone": "13900000000",
        "lat": "34.411", "lng": "107.611",
    }  # fmt: skip
    response = client.post(reverse("cases:public_report"), data)
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.channel == "public" and case.reporter is None and case.token in response.content.decode()
    url = reverse("cases:feedback", args=[case.token])
    assert "feedback-waiting" in client.get(url).content.decode()
    assert client.post(url, {"fixed": "no"}).status_code == 400
    run_to_close(centre, case)
    assert client.post(url, {"fixed": "no", "comment": "还在"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "open" and case.step == "check" and case.feedback_fixed is False
    assert client.get(reverse("cases:feedback", args=["0" * 32])).status_code == 404


def test_pages_open_for_every_role(centre, login):
    case = report(centre)
    for user in (
        centre.grid_worker,
        centre.operator,
        centre.dispatcher,
        centre.leader,
        centre.tree.county_a_admin,
    ):
        client = login(user)
        for name in ("cases:case_list", "cases:category_list"):
            assert client.get(reverse(name)).status_code == 200, (user, name)
        assert client.get(case.get_absolute_url()).status_code == 200, user
        client.logout()


def test_public_reports_are_limited_per_address(centre, client, settings):
    from lantian.cases.intake import PUBLIC_REPORTS_PER_HOUR

    data = {
        "organization": centre.centre.pk, "category": report_category().pk, "description": "路口扬尘",
        "address": "幸福路口", "reporter_name": "王五", "reporter_phone": "13900000000",
    }  # fmt: skip
    for _ in range(PUBLIC_REPORTS_PER_HOUR):
        assert client.post(reverse("cases:public_report"), data).status_code == 200
    assert client.post(reverse("cases:public_report"), data).status_code == 429
    assert Case.objects.count() == PUBLIC_REPORTS_PER_HOUR
