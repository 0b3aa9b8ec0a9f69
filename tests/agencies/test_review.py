"""The filing's review (ldar spec §5 [8.2]): the agency submits, the bureau rejects with a reason or
approves; approval archives; an approved filing is revised when staff change."""

import datetime

import pytest
from django.urls import reverse

from lantian.agencies import approval
from lantian.agencies.models import AgencyFiling, FilingArchive
from lantian.core import review, todo
from lantian.core.models import ReviewStatus
from tests.agencies.helpers import filing_of, instrument_of, signed_in, staff_of

pytestmark = pytest.mark.django_db
S = ReviewStatus


def events(filing):
    return [
        (e.from_status, e.to_status, e.actor.username, e.reason)
        for e in review.history(filing).order_by("at", "pk")
    ]


def test_an_incomplete_filing_cannot_be_submitted(tree):
    filing = filing_of(tree.agency, cma_valid_until=datetime.date(2020, 1, 1))
    assert len(filing.review_problems("submit")) == 3  # no staff, no instrument, the CMA certificate expired
    with pytest.raises(review.ReviewError) as raised:
        review.submit(filing, tree.agency_admin)
    assert "2020-01-01" in str(raised.value)
    assert filing.status == S.DRAFT and not review.history(filing).exists()
    staff_of(filing)
    instrument_of(filing)
    AgencyFiling.objects.filter(pk=filing.pk).update(cma_valid_until=datetime.date(2030, 1, 1))
    filing.refresh_from_db()
    review.submit(filing, tree.agency_admin)
    assert filing.status == S.SUBMITTED


def test_submit_reject_fix_resubmit_approve_archives_the_filing(tree, filing):
    agency, bureau = tree.agency_admin, tree.city_admin
    review.submit(filing, agency)
    with pytest.raises(review.ReviewError):
        review.reject(filing, bureau, "  ")
    review.reject(filing, bureau, "缺少培训记录")
    filing.refresh_from_db()
    assert filing.status == S.REJECTED and filing.review_reason == "缺少培训记录"
    assert not approval.has_approved_filing(tree.agency)
    review.submit(filing, agency)
    review.approve(filing, bureau)
    assert approval.has_approved_filing(tree.agency)
    assert list(approval.approved_agencies()) == [tree.agency]
    assert events(filing) == [
        ("draft", "submitted", "agency", ""),
        ("submitted", "rejected", "city", "缺少培训记录"),
        ("rejected", "submitted", "agency", ""),
        ("submitted", "approved", "city", ""),
    ]
    archive = FilingArchive.objects.get(filing=filing)
    assert (archive.version, archive.approved_by) == (1, bureau)
    assert archive.snapshot["agency"]["name"] == "检测公司"
    assert archive.snapshot["filing"]["cma_number"] == filing.cma_number
    assert [row["fields"]["name"] for row in archive.snapshot["sections"]["staff"]] == ["张伟"]


def test_reviewers_never_review_their_own_submission(tree, filing):
    review.submit(filing, tree.admin)  # a system administrator may change and review everything
    for action, arguments in (("approve", ()), ("reject", ("不行",))):
        with pytest.raises(review.ReviewError):
            getattr(review, action)(filing, tree.admin, *arguments)
    assert review.allowed_actions(filing, tree.admin) == ["withdraw"]
    review.approve(filing, tree.city_admin)


@pytest.mark.parametrize("reviewer", ["agency_admin", "county_a_admin", "ent_a1_admin"])
def test_only_the_bureau_over_the_agency_reviews(tree, submitted, reviewer):
    with pytest.raises(review.ReviewNotAllowed):
        review.approve(submitted, getattr(tree, reviewer))


def test_the_agency_may_not_approve_even_with_the_button_posted(tree, login, submitted):
    client = login(tree.agency_admin)
    url = reverse("core:review_action", args=["agencies", "agencyfiling", submitted.pk, "approve"])
    assert client.post(url).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_the_bureau_rejects_through_the_page_and_the_agency_reads_the_reason(tree, submitted):
    url = reverse("core:review_action", args=["agencies", "agencyfiling", submitted.pk, "reject"])
    client = signed_in(tree.city_admin)
    client.post(url, {"reason": ""})
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED  # no reason, no rejection
    client.post(url, {"reason": "张伟的检测员证已过期，请更新。"})
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED
    page = signed_in(tree.agency_admin).get(submitted.get_absolute_url()).content.decode()
    assert "张伟的检测员证已过期，请更新。" in page


def test_filings_awaiting_review_are_in_the_bureaus_to_do_and_sent_back_ones_in_the_agencys(tree, submitted):
    waiting = [item for item in todo.items_for(tree.city_admin) if item.kind == "review"]
    assert [item.url for item in waiting] == [submitted.get_absolute_url()]
    assert not [item for item in todo.items_for(tree.county_a_admin) if item.kind == "review"]
    review.reject(submitted, tree.city_admin, "补充资料")
    sent_back = [item for item in todo.items_for(tree.agency_admin) if item.kind == "rejected"]
    assert [item.url for item in sent_back] == [submitted.get_absolute_url()]


def test_the_pending_reviews_menu_entry_lists_the_submitted_filings(tree, submitted, rival):
    response = signed_in(tree.city_admin).get(reverse("agencies:pending_filings"), follow=True)
    assert [row["object"] for row in response.context["rows"]] == [submitted]
    assert signed_in(tree.agency_admin).get(reverse("agencies:pending_filings")).status_code == 403


# --- revising an approved filing ---


def test_revising_returns_the_filing_to_draft_with_the_reason_until_approved_again(tree, approved):
    with pytest.raises(review.ReviewError):
        approval.revise(approved, tree.agency_admin, "")
    approval.revise(approved, tree.agency_admin, "检测员刘洋离职，新增检测员王五")
    approved.refresh_from_db()
    assert approved.status == S.DRAFT and not review.is_locked(approved)
    assert not approval.has_approved_filing(tree.agency)
    assert events(approved)[-1] == ("approved", "draft", "agency", "检测员刘洋离职，新增检测员王五")
    staff_of(approved, name="王五")  # the rows may change again
    approved.staff.filter(name="张伟").delete()
    review.submit(approved, tree.agency_admin)
    review.approve(approved, tree.city_admin)
    versions = {
        a.version: [r["fields"]["name"] for r in a.snapshot["sections"]["staff"]]
        for a in approved.archives.all()
    }
    assert versions == {1: ["张伟"], 2: ["王五"]}


def test_only_an_approved_filing_is_revised_and_only_by_who_may_change_it(tree, submitted):
    with pytest.raises(review.ReviewError):
        approval.revise(submitted, tree.agency_admin, "人员变更")
    review.approve(submitted, tree.city_admin)
    with pytest.raises(review.ReviewNotAllowed):
        approval.revise(submitted, tree.city_admin, "人员变更")  # the bureau reviews; it does not edit
    assert review.may_reopen(submitted, tree.agency_admin)
    assert not review.may_reopen(submitted, tree.city_admin)


def test_the_revise_button_posts_the_reason(tree, approved):
    client = signed_in(tree.agency_admin)
    page = client.get(approved.get_absolute_url()).content.decode()
    url = reverse("agencies:agencyfiling_revise", args=[approved.pk])
    assert url in page
    client.post(url, {"reason": ""})
    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    client.post(url, {"reason": "更换 FID 检测仪"})
    approved.refresh_from_db()
    assert approved.status == S.DRAFT
    assert signed_in(tree.city_admin).post(url, {"reason": "x"}).status_code == 403


def test_revise_is_not_a_button_of_the_generic_review_actions(tree, login, approved):
    url = reverse("core:review_action", args=["agencies", "agencyfiling", approved.pk, "reopen"])
    assert login(tree.agency_admin).post(url, {"reason": "x"}).status_code == 404
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


# --- lapsed certificates in the agency's to-do ---


def test_lapsed_certificates_and_calibrations_are_the_agencys_to_do(tree, filing):
    past = datetime.date(2020, 5, 1)
    staff_of(filing, name="李娜", certificate_valid_until=past)
    instrument_of(filing, calibration_due=past)
    overdue = [item for item in todo.items_for(tree.agency_admin) if item.kind == "overdue"]
    assert len(overdue) == 2 and all(item.overdue for item in overdue)
    assert todo.count_for(tree.agency_admin) >= 2
    assert not [item for item in todo.items_for(tree.city_admin) if item.kind == "overdue"]
    assert len(filing.warnings()) == 2
