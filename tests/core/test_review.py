"""The review flow (ARCHITECTURE rule 5): transitions, reasons, reviewers and their scope, locking."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from lantian.core import review
from lantian.core.models import Locked, ReviewEvent, ReviewStatus, Role
from tests.testapp.models import Filing

pytestmark = pytest.mark.django_db
S = ReviewStatus


@pytest.fixture
def filing(tree):
    return Filing.objects.create(organization=tree.ent_a1, title="甲一化工排污备案")


def put_in(filing, status, submitter):
    """Place the filing in ``status`` directly, as if earlier transitions had led there."""
    Filing.objects.filter(pk=filing.pk).update(status=status, submitted_by=submitter)
    filing.refresh_from_db()
    return filing


def events(filing) -> list[tuple[str, str, str, str]]:
    return [
        (e.from_status, e.to_status, e.actor.username, e.reason)
        for e in review.history(filing).order_by("at", "pk")
    ]


# Who takes each action in these tests: the enterprise files, its county bureau reviews.
ACTORS = {"submit": "ent_a1_admin", "withdraw": "ent_a1_admin", "approve": "county_a_admin",
          "reject": "county_a_admin"}  # fmt: skip
LEGAL = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.REJECTED, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "withdraw"): S.DRAFT,
    (S.SUBMITTED, "approve"): S.APPROVED,
    (S.SUBMITTED, "reject"): S.REJECTED,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(review.TRANSITIONS))
def test_every_transition_is_legal_or_refused(tree, filing, status, action):
    put_in(filing, status, tree.ent_a1_admin)
    actor = getattr(tree, ACTORS[action])
    arguments = ("材料不全",) if action == "reject" else ()
    if (status, action) in LEGAL:
        getattr(review, action)(filing, actor, *arguments)
        filing.refresh_from_db()
        assert filing.status == LEGAL[status, action]
        assert events(filing) == [(status, LEGAL[status, action], actor.username, "".join(arguments))]
    else:
        with pytest.raises(review.ReviewError):
            getattr(review, action)(filing, actor, *arguments)
        filing.refresh_from_db()
        assert filing.status == status and not ReviewEvent.objects.exists()


def test_submit_reject_resubmit_approve_records_who_when_and_why(tree, filing):
    enterprise, bureau = tree.ent_a1_admin, tree.county_a_admin
    review.submit(filing, enterprise)
    assert (filing.submitted_by, filing.reviewed_by) == (enterprise, None) and filing.submitted_at
    review.reject(filing, bureau, "  缺少排污许可证副本  ")
    filing.refresh_from_db()
    assert filing.status == S.REJECTED and filing.review_reason == "缺少排污许可证副本"
    assert filing.reviewed_by == bureau and filing.reviewed_at >= filing.submitted_at
    review.submit(filing, enterprise)
    filing.refresh_from_db()
    assert filing.status == S.SUBMITTED and (filing.reviewed_by, filing.review_reason) == (None, "")
    review.approve(filing, bureau)
    filing.refresh_from_db()
    assert filing.status == S.APPROVED and filing.reviewed_by == bureau and review.is_locked(filing)
    assert events(filing) == [
        ("draft", "submitted", "ent_a1", ""),
        ("submitted", "rejected", "county_a", "缺少排污许可证副本"),
        ("rejected", "submitted", "ent_a1", ""),
        ("submitted", "approved", "county_a", ""),
    ]


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_rejection_needs_a_reason(tree, filing, reason):
    review.submit(filing, tree.ent_a1_admin)
    with pytest.raises(review.ReviewError, match="理由"):
        review.reject(filing, tree.county_a_admin, reason)
    filing.refresh_from_db()
    assert filing.status == S.SUBMITTED


def test_a_transition_acts_on_the_stored_status_not_a_stale_copy(tree, filing):
    stale = Filing.objects.get(pk=filing.pk)
    review.submit(filing, tree.ent_a1_admin)
    review.approve(filing, tree.county_a_admin)
    with pytest.raises(review.ReviewError):
        review.reject(stale, tree.city_admin, "迟到的驳回")
    filing.refresh_from_db()
    assert filing.status == S.APPROVED


# --- who may review ---


def test_review_permissions_exist_for_reviewable_models_only():
    codenames = set(
        Permission.objects.filter(codename__startswith="review_").values_list("codename", flat=True)
    )
    assert "review_filing" in codenames and "review_organization" not in codenames
    assert Role.objects.get(code="system_admin").permissions.filter(codename="review_filing").exists()


@pytest.mark.parametrize("reviewer", ["ent_a1_admin", "county_b_admin", "ent_a2_admin", "agency_admin"])
def test_only_reviewers_whose_scope_covers_the_object_may_review(tree, filing, reviewer):
    review.submit(filing, tree.ent_a1_admin)
    for action, arguments in (("approve", ()), ("reject", ("不行",))):
        with pytest.raises(review.ReviewNotAllowed):
            getattr(review, action)(filing, getattr(tree, reviewer), *arguments)
    filing.refresh_from_db()
    assert filing.status == S.SUBMITTED


@pytest.mark.parametrize("reviewer", ["county_a_admin", "city_admin", "admin"])
def test_reviewers_of_the_county_the_city_and_the_platform_may_approve(tree, filing, reviewer):
    review.submit(filing, tree.ent_a1_admin)
    review.approve(filing, getattr(tree, reviewer))
    assert filing.status == S.APPROVED


def test_nobody_reviews_their_own_submission(tree, filing):
    review.submit(filing, tree.county_a_admin)  # the bureau may change filings of its county too
    with pytest.raises(review.ReviewError, match="自己提交"):
        review.approve(filing, tree.county_a_admin)
    assert review.allowed_actions(filing, tree.county_a_admin) == ["withdraw"]
    review.approve(filing, tree.city_admin)


def test_submitting_needs_change_within_scope(tree, filing):
    for outsider in (tree.ent_a2_admin, tree.county_b_admin):
        with pytest.raises(review.ReviewNotAllowed):
            review.submit(filing, outsider)


# --- locking ---


@pytest.fixture
def approved(tree, filing):
    review.submit(filing, tree.ent_a1_admin)
    review.approve(filing, tree.county_a_admin)
    return filing


def test_a_locked_object_refuses_save_and_delete_at_the_model(tree, approved):
    approved.title = "改名"
    with pytest.raises(Locked):
        approved.save()
    with pytest.raises(Locked):
        Filing.objects.get(pk=approved.pk).delete()
    assert Filing.objects.get(pk=approved.pk).title == "甲一化工排污备案"
    assert review.is_locked(approved) and not review.is_locked(tree.ent_a1)
    assert review.locked_q(Filing) is not None and review.locked_q(type(tree.ent_a1)) is None
    assert list(Filing.objects.filter(review.locked_q(Filing))) == [approved]


def test_an_ordinary_save_never_changes_the_review_fields(tree, filing):
    filing.status, filing.reviewed_by = S.APPROVED, tree.admin
    filing.title = "新标题"
    filing.save()
    filing.refresh_from_db()
    assert (filing.title, filing.status, filing.reviewed_by) == ("新标题", S.DRAFT, None)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_the_generic_views_refuse_a_locked_object(tree, login, approved, action):
    client = login(tree.ent_a1_admin)
    url = reverse(f"testapp:filing_{action}", args=[approved.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == approved.get_absolute_url()
    assert any("甲一化工排污备案" in m for m in messages_of(response))
    post = {"organization": approved.organization_id, "title": "改名", "note": ""}
    assert client.post(url, post).status_code == 302
    assert client.post(url, {**post, "_save_draft": "1"}).status_code == 302
    approved.refresh_from_db()
    assert approved.title == "甲一化工排污备案"
    assert not tree.ent_a1_admin.drafts.exists()


def test_an_object_under_review_cannot_be_edited_either(tree, login, filing):
    review.submit(filing, tree.ent_a1_admin)
    client = login(tree.ent_a1_admin)
    url = reverse("testapp:filing_edit", args=[filing.pk])
    client.post(url, {"organization": filing.organization_id, "title": "偷改"})
    filing.refresh_from_db()
    assert filing.title == "甲一化工排污备案"


def test_the_detail_page_of_a_locked_object_has_no_edit_or_delete_button(tree, login, approved):
    client = login(tree.ent_a1_admin)
    page = client.get(approved.get_absolute_url()).content.decode()
    assert reverse("testapp:filing_edit", args=[approved.pk]) not in page
    assert reverse("testapp:filing_delete", args=[approved.pk]) not in page
    assert 'data-review-status="approved"' in page and "data-review-action" not in page


# --- the buttons on the page ---


def review_url(filing, action) -> str:
    return reverse("core:review_action", args=["testapp", "filing", filing.pk, action])


def test_the_page_offers_each_user_the_actions_they_may_take(tree, login, filing, client):
    enterprise = login(tree.ent_a1_admin)
    page = enterprise.get(filing.get_absolute_url()).content.decode()
    assert 'data-review-action="submit"' in page and reverse("testapp:filing_edit", args=[filing.pk]) in page
    enterprise.post(review_url(filing, "submit"))
    page = enterprise.get(filing.get_absolute_url()).content.decode()
    assert 'data-review-action="withdraw"' in page and 'data-review-action="approve"' not in page
    client.post(reverse("logout"))
    page = login(tree.county_a_admin).get(filing.get_absolute_url()).content.decode()
    assert 'data-review-action="approve"' in page and 'data-review-action="reject"' in page


def test_review_buttons_post_to_the_domain_actions(tree, login, filing, client):
    login(tree.ent_a1_admin).post(review_url(filing, "submit"))
    client.post(reverse("logout"))
    bureau = login(tree.county_a_admin)
    response = bureau.post(review_url(filing, "reject"), {"reason": ""}, follow=True)
    filing.refresh_from_db()
    assert filing.status == S.SUBMITTED and messages_of(response)
    bureau.post(review_url(filing, "reject"), {"reason": "请补充监测报告"})
    filing.refresh_from_db()
    assert (filing.status, filing.review_reason) == (S.REJECTED, "请补充监测报告")
    page = bureau.get(filing.get_absolute_url()).content.decode()
    assert "请补充监测报告" in page and "data-review-history" in page


@pytest.mark.parametrize("outsider", ["county_b_admin", "ent_a2_admin"])
def test_another_organization_gets_404_from_the_review_buttons(tree, login, filing, outsider):
    review.submit(filing, tree.ent_a1_admin)
    client = login(getattr(tree, outsider))
    assert client.post(review_url(filing, "approve")).status_code == 404
    filing.refresh_from_db()
    assert filing.status == S.SUBMITTED


def test_a_visible_object_without_the_right_is_403_and_an_unknown_action_404(tree, login, filing):
    review.submit(filing, tree.ent_a1_admin)
    client = login(tree.ent_a1_admin)
    assert client.post(review_url(filing, "approve")).status_code == 403
    assert client.post(review_url(filing, "destroy")).status_code == 404
    assert client.get(review_url(filing, "withdraw")).status_code == 405


def test_bulk_edit_cannot_change_a_locked_object(tree, login, approved):
    draft = Filing.objects.create(organization=tree.ent_a1, title="另一份备案")
    client = login(tree.ent_a1_admin)
    response = client.post(
        reverse("testapp:filing_bulk_edit"),
        {"pk": [approved.pk, draft.pk], "apply": "1", "_apply": ["note"], "note": "批量改"},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Filing.objects.filter(note="批量改").exists()


def test_bulk_delete_of_a_locked_object_deletes_nothing_and_says_why(tree, login, approved):
    draft = Filing.objects.create(organization=tree.ent_a1, title="另一份草稿")
    client = login(tree.county_a_admin)
    response = client.post(
        reverse("testapp:filing_bulk_delete"), {"pk": [approved.pk, draft.pk], "confirm": "1"}, follow=True
    )
    assert response.status_code == 200
    assert Filing.objects.filter(pk__in=[approved.pk, draft.pk]).count() == 2
    assert any("已通过" in m or "锁定" in m for m in messages_of(response))


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_the_api_refuses_a_locked_object_with_409(tree, login, approved, method):
    client = login(tree.county_a_admin)
    url = f"/api/testapp/filings/{approved.pk}/"
    response = getattr(client, method)(url, data={"title": "改"}, content_type="application/json")
    assert response.status_code == 409
    assert "锁定" in response.json()["detail"]
    approved.refresh_from_db()
    assert approved.title != "改"


@pytest.mark.parametrize("delete", ["", "是"])
def test_an_import_cannot_change_or_delete_a_locked_object(tree, approved, delete):
    from lantian.core.excel.importing import import_sheet
    from lantian.core.excel.reading import read_sheet

    csv = f"organization,title,note,删除\n{tree.ent_a1.name},{approved.title},改过的备注,{delete}\n"
    result = import_sheet(Filing, read_sheet("filings.csv", csv.encode()), user=tree.county_a_admin)
    assert len(result.errors) == 1 and "锁定" in result.errors[0].message
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    approved.refresh_from_db()
    assert approved.note != "改过的备注"


# --- hooks of the reviewable model, reopening, parts of a record ---


def test_a_model_may_refuse_a_transition_with_its_reasons(tree, filing, monkeypatch):
    monkeypatch.setattr(
        Filing, "review_problems", lambda self, action: ["缺少附件。"] if action == "submit" else []
    )
    with pytest.raises(review.ReviewError, match="缺少附件"):
        review.submit(filing, tree.ent_a1_admin)
    filing.refresh_from_db()
    assert filing.status == S.DRAFT and not ReviewEvent.objects.exists()


def test_a_model_acts_on_its_transitions_inside_them(tree, filing, monkeypatch):
    seen = []
    monkeypatch.setattr(
        Filing, "after_review", lambda self, action, user, reason: seen.append((action, self.status))
    )
    review.submit(filing, tree.ent_a1_admin)
    review.approve(filing, tree.county_a_admin)
    assert seen == [("submit", S.SUBMITTED), ("approve", S.APPROVED)]


def test_only_a_reopenable_model_is_reopened(tree, approved):
    with pytest.raises(review.ReviewError):
        review.reopen(approved, tree.ent_a1_admin, "变更")
    assert not review.may_reopen(approved, tree.ent_a1_admin)


def test_reopening_needs_a_reason_and_the_change_right_and_is_recorded(tree, approved, monkeypatch):
    monkeypatch.setattr(Filing, "reopenable", True)
    assert review.may_reopen(approved, tree.ent_a1_admin) and not review.may_reopen(
        approved, tree.ent_a2_admin
    )
    with pytest.raises(review.ReviewError):
        review.reopen(approved, tree.ent_a1_admin, "  ")
    with pytest.raises(review.ReviewNotAllowed):
        review.reopen(approved, tree.ent_a2_admin, "变更")
    review.reopen(approved, tree.ent_a1_admin, "排污许可证变更")
    approved.refresh_from_db()
    assert approved.status == S.DRAFT and not review.is_locked(approved)
    assert events(approved)[-1] == ("approved", "draft", "ent_a1", "排污许可证变更")
    with pytest.raises(review.ReviewError):
        review.reopen(approved, tree.ent_a1_admin, "again")  # only an approved record
    assert "reopen" not in review.TRANSITIONS  # not a button of the generic review card


def test_a_model_without_review_parent_is_never_locked(tree):
    from lantian.core.models.review import review_parent_of

    assert review_parent_of(tree.ent_a1) is None
    assert not review.is_locked(tree.ent_a1) and review.locked_reason(tree.ent_a1) is None
