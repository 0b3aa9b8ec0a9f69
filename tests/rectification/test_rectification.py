"""Rectification feedback (ldar.md §7): notice → enterprise's report → accepted or returned; overdue."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantian.core import review
from lantian.core.review import ReviewNotAllowed
from lantian.core.todo import items_for
from lantian.rectification.models import NoticeState, RectificationNotice, RectificationResponse
from lantian.rectification.overdue import mark_overdue
from tests.rectification.cases import CHECKED, notice, response

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    """A browser of its own for ``user`` (one test plays several organisations)."""
    client = Client()
    client.force_login(user)
    return client


def test_notices_are_numbered_per_year_of_the_site_check(tree):
    first, second = notice(tree, "甲"), notice(tree, "乙")
    later = RectificationNotice.objects.create(
        enterprise=tree.ent_a2, issued_by=tree.county_a, checked_on=datetime.date(2027, 1, 5),
        problems="丙", deadline=datetime.date(2027, 2, 5),
    )  # fmt: skip
    assert [first.number, second.number, later.number] == ["ZG-2026-0001", "ZG-2026-0002", "ZG-2027-0001"]


def test_the_bureau_issues_a_notice_for_its_own_enterprises_only(tree):
    client = as_user(tree.county_a_admin)
    data = {
        "enterprise": tree.ent_a1.pk, "issued_by": tree.county_a.pk, "checked_on": "2026-03-02",
        "problems": "泄漏未按期修复", "deadline": "2026-04-01",
    }  # fmt: skip
    response = client.post(reverse("rectification:rectificationnotice_add"), data)
    assert response.status_code == 302
    created = RectificationNotice.objects.get()
    assert (created.enterprise, created.issued_by, created.state) == (tree.ent_a1, tree.county_a, "open")

    refused = client.post(
        reverse("rectification:rectificationnotice_add"), {**data, "enterprise": tree.ent_b1.pk}
    )
    assert refused.status_code == 200 and "enterprise" in refused.context["form"].errors
    early = client.post(reverse("rectification:rectificationnotice_add"), {**data, "deadline": "2026-03-01"})
    assert early.context["form"].errors["deadline"] == ["整改期限不能早于现场检查日期。"]
    assert RectificationNotice.objects.count() == 1


def test_an_enterprise_reads_its_notice_but_cannot_change_it(tree):
    own = notice(tree)
    client = as_user(tree.ent_a1_admin)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(reverse("rectification:rectificationnotice_edit", args=[own.pk])).status_code == 403
    assert as_user(tree.ent_a2_admin).get(own.get_absolute_url()).status_code == 404


def test_a_rectification_goes_to_review_and_closes_the_notice_when_accepted(tree):
    own = notice(tree)
    client = as_user(tree.ent_a1_admin)
    page = client.get(own.get_absolute_url())
    assert b'id="respond"' in page.content
    form = client.get(reverse("rectification:rectificationresponse_add") + f"?notice={own.pk}").context[
        "form"
    ]
    assert form.initial["notice"] == own.pk
    saved = client.post(
        reverse("rectification:rectificationresponse_add"),
        {
            "notice": own.pk,
            "measures": "补建档案 3 处",
            "completed_on": "2026-03-10",
            "contact_person": "王海涛",
        },
    )
    assert saved.status_code == 302
    report = RectificationResponse.objects.get()
    review.submit(report, tree.ent_a1_admin)
    own.refresh_from_db()
    assert own.state == NoticeState.SUBMITTED

    with pytest.raises(ReviewNotAllowed):
        review.approve(report, tree.county_b_admin)  # another county's bureau
    review.reject(report, tree.county_a_admin, "缺少照片")
    own.refresh_from_db()
    assert own.state == NoticeState.RETURNED
    returned = client.get(own.get_absolute_url()).content.decode()
    assert "缺少照片" in returned

    review.submit(report, tree.ent_a1_admin)
    review.approve(report, tree.county_a_admin)
    own.refresh_from_db()
    assert own.state == NoticeState.CLOSED and own.closed_at is not None
    edit = as_user(tree.county_a_admin).post(
        reverse("rectification:rectificationnotice_edit", args=[own.pk]),
        {"checked_on": "2026-03-02", "problems": "改", "deadline": "2026-05-01"},
    )
    assert edit.status_code == 200 and edit.context["form"].non_field_errors()
    own.refresh_from_db()
    assert own.problems == "储罐呼吸阀未建档"


def test_a_notice_is_answered_once_and_only_by_its_enterprise(tree):
    own = notice(tree)
    response(tree)  # another notice, answered
    data = {"notice": own.pk, "measures": "x", "completed_on": "2026-03-10", "contact_person": "张"}
    other = as_user(tree.ent_a2_admin).post(reverse("rectification:rectificationresponse_add"), data)
    assert other.status_code == 200 and "notice" in other.context["form"].errors
    client = as_user(tree.ent_a1_admin)
    assert client.post(reverse("rectification:rectificationresponse_add"), data).status_code == 302
    again = client.post(reverse("rectification:rectificationresponse_add"), data)
    assert again.status_code == 200 and "notice" in again.context["form"].errors
    assert RectificationResponse.objects.filter(notice=own).count() == 1


def test_the_periodic_job_marks_overdue_notices_for_both_sides_to_do(tree):
    late = notice(tree, "逾期")
    on_time = RectificationNotice.objects.create(
        enterprise=tree.ent_a1, issued_by=tree.county_a, checked_on=CHECKED, problems="未到期",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )  # fmt: skip
    answered = response(tree, "已整改")
    review.submit(answered, tree.ent_a1_admin)
    review.approve(answered, tree.county_a_admin)

    assert mark_overdue(timezone.now()) == "1 became overdue, 0 no longer overdue"
    assert list(RectificationNotice.objects.filter(is_overdue=True)) == [late]

    enterprise_items = {item.url: item.kind for item in items_for(tree.ent_a1_admin)}
    assert enterprise_items[late.get_absolute_url()] == "overdue"
    assert enterprise_items[on_time.get_absolute_url()] == "assigned"
    assert answered.notice.get_absolute_url() not in enterprise_items
    bureau = [item.url for item in items_for(tree.county_a_admin) if item.kind == "overdue"]
    assert late.get_absolute_url() in bureau
    assert late.get_absolute_url() not in [item.url for item in items_for(tree.county_b_admin)]

    late.refresh_from_db()
    late.deadline = timezone.localdate()  # the bureau gives more time
    late.save()
    assert mark_overdue(timezone.now()) == "0 became overdue, 1 no longer overdue"


def test_a_notice_with_a_report_cannot_be_deleted(tree):
    answered = response(tree)
    client = as_user(tree.county_a_admin)
    page = client.post(reverse("rectification:rectificationnotice_delete", args=[answered.notice.pk]))
    assert page.status_code == 302
    assert RectificationNotice.objects.filter(pk=answered.notice.pk).exists()


def test_a_number_taken_meanwhile_by_another_bureau_is_skipped(tree, monkeypatch):
    from lantian.rectification import models

    taken = notice(tree, "先签发")
    real = models.next_number
    answers = iter([taken.number])
    monkeypatch.setattr(models, "next_number", lambda year: next(answers, None) or real(year))
    assert notice(tree, "同时签发").number == "ZG-2026-0002"
