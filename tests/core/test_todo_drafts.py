"""The to-do centre and drafts (core.md "To-do centre and drafts")."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lantian.core import review, todo
from lantian.core.models import Draft
from tests.testapp.models import Filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(tree):
    return Filing.objects.create(organization=tree.ent_a1, title="甲一化工排污备案")


def kinds(user) -> list[tuple[str, str]]:
    return [(item.kind, item.title) for item in todo.items_for(user)]


def test_a_submission_waits_for_the_reviewers_whose_scope_covers_it(tree, filing):
    review.submit(filing, tree.ent_a1_admin)
    item = ("review", "filing：甲一化工排污备案")
    for reviewer in (tree.county_a_admin, tree.city_admin, tree.admin):
        assert kinds(reviewer) == [item] and todo.count_for(reviewer) == 1
    for other in (tree.county_b_admin, tree.ent_a1_admin, tree.ent_a2_admin, tree.agency_admin):
        assert kinds(other) == [] and todo.count_for(other) == 0
    (waiting,) = todo.items_for(tree.county_a_admin)
    assert waiting.url == filing.get_absolute_url() and waiting.organization == tree.ent_a1
    assert "ent_a1" in waiting.detail and waiting.at == filing.submitted_at


def test_a_rejection_comes_back_to_the_submitter_and_leaves_the_reviewers(tree, filing):
    review.submit(filing, tree.ent_a1_admin)
    review.reject(filing, tree.county_a_admin, "缺少监测报告")
    assert kinds(tree.county_a_admin) == [] and kinds(tree.ent_a2_admin) == []
    (sent_back,) = todo.items_for(tree.ent_a1_admin)
    assert sent_back.kind == "rejected" and "缺少监测报告" in sent_back.detail
    review.submit(filing, tree.ent_a1_admin)
    assert kinds(tree.ent_a1_admin) == [] and todo.count_for(tree.county_a_admin) == 1
    review.approve(filing, tree.county_a_admin)
    assert todo.count_for(tree.county_a_admin) == todo.count_for(tree.ent_a1_admin) == 0


def test_a_reviewer_does_not_wait_for_their_own_submission(tree, filing):
    review.submit(filing, tree.county_a_admin)
    assert kinds(tree.county_a_admin) == [] and len(kinds(tree.city_admin)) == 1


def badge(page: str) -> int:
    return int(re.search(r'data-todo-count="(\d+)"', page).group(1))


def test_the_header_badge_and_the_page_show_the_items(tree, login, filing):
    review.submit(filing, tree.ent_a1_admin)
    client = login(tree.county_a_admin)
    home = client.get(reverse("home")).content.decode()
    assert badge(home) == 1
    page = client.get(reverse("core:todo"))
    assert page.status_code == 200
    assert [g["kind"] for g in page.context["groups"]] == ["review"]
    assert filing.get_absolute_url() in page.content.decode() and badge(page.content.decode()) == 1


@pytest.fixture
def provider(tree):
    """A module's provider: an overdue rectification of the enterprise, assigned to its admin."""

    def items(user):
        if user == tree.ent_a1_admin:
            yield todo.TodoItem(
                "整改：排口标识", "/somewhere/", "overdue",
                due=timezone.localdate() - datetime.timedelta(days=2), organization=tree.ent_a1,
            )  # fmt: skip
            yield todo.TodoItem("巡检任务", "/elsewhere/", "assigned", due=timezone.localdate())

    todo.register_todo_provider(items)
    yield items
    todo._providers[:] = [p for p in todo._providers if p.items is not items]


def test_modules_add_their_items_through_providers(tree, login, provider):
    items = todo.items_for(tree.ent_a1_admin)
    assert [(i.kind, i.overdue) for i in items] == [("overdue", True), ("assigned", False)]
    assert todo.count_for(tree.ent_a1_admin) == 2 and todo.count_for(tree.ent_a2_admin) == 0
    todo.register_todo_provider(provider)  # registering twice adds nothing
    assert todo.count_for(tree.ent_a1_admin) == 2
    page = login(tree.ent_a1_admin).get(reverse("core:todo"))
    assert [g["kind"] for g in page.context["groups"]] == ["assigned", "overdue"]
    assert "bg-red-lt" in page.content.decode()  # the overdue due date stands out


# --- drafts ---


def add_url():
    return reverse("testapp:filing_add")


def test_save_draft_keeps_the_posted_values_unvalidated(tree, login):
    client = login(tree.ent_a1_admin)
    response = client.post(add_url(), {"title": "半成品备案", "note": "待补充", "_save_draft": "1"})
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{add_url()}?draft={draft.pk}"
    assert not Filing.objects.exists()  # the organisation is missing: it was not validated, nor saved
    assert draft.data == {"title": ["半成品备案"], "note": ["待补充"]}
    assert (draft.user, draft.object_id, draft.title) == (tree.ent_a1_admin, None, "半成品备案")
    assert todo.count_for(tree.ent_a1_admin) == 1


def test_resuming_fills_the_form_and_saving_deletes_the_draft(tree, login):
    client = login(tree.ent_a1_admin)
    client.post(add_url(), {"title": "半成品备案", "organization": tree.ent_a1.pk, "_save_draft": "1"})
    draft = Draft.objects.get()
    page = client.get(draft.get_absolute_url())
    form = page.context["form"]
    assert form["title"].value() == "半成品备案" and str(form["organization"].value()) == str(tree.ent_a1.pk)
    assert not form.is_bound and f'name="_draft" value="{draft.pk}"' in page.content.decode()
    # Saving it again as a draft updates the same draft.
    client.post(
        add_url(),
        {"title": "备案（二稿）", "organization": tree.ent_a1.pk, "_draft": draft.pk, "_save_draft": "1"},
    )
    assert Draft.objects.get().data["title"] == ["备案（二稿）"]
    response = client.post(
        add_url(), {"title": "完整备案", "organization": tree.ent_a1.pk, "_draft": draft.pk}
    )
    assert response.status_code == 302
    assert Filing.objects.get().title == "完整备案" and not Draft.objects.exists()


def test_a_draft_saved_from_another_tab_does_not_stop_the_save(tree, login):
    client = login(tree.ent_a1_admin)
    client.post(add_url(), {"title": "两个标签页", "_save_draft": "1"})
    draft = Draft.objects.get()
    post = {"title": "两个标签页", "organization": tree.ent_a1.pk, "_draft": draft.pk}
    assert client.post(add_url(), post).status_code == 302
    assert client.post(add_url(), post).status_code == 302
    assert Filing.objects.count() == 2 and not Draft.objects.exists()


def test_an_invalid_save_keeps_the_draft(tree, login):
    client = login(tree.ent_a1_admin)
    client.post(add_url(), {"title": "半成品", "_save_draft": "1"})
    draft = Draft.objects.get()
    response = client.post(add_url(), {"title": "半成品", "_draft": draft.pk})
    assert response.status_code == 200 and response.context["draft"] == draft
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_a_draft_of_an_edit_is_resumed_from_the_edit_page(tree, login, filing):
    client = login(tree.ent_a1_admin)
    url = reverse("testapp:filing_edit", args=[filing.pk])
    client.post(url, {"organization": tree.ent_a1.pk, "title": "改到一半", "_save_draft": "1"})
    client.post(url, {"organization": tree.ent_a1.pk, "title": "再改一点", "_save_draft": "1"})
    draft = Draft.objects.get()  # one draft per edited object
    assert (draft.object_id, draft.title, draft.data["title"]) == (
        filing.pk,
        "甲一化工排污备案",
        ["再改一点"],
    )
    filing.refresh_from_db()
    assert filing.title == "甲一化工排污备案"
    assert client.get(url).context["saved_draft"] == draft  # the edit page points to it
    client.post(url, {"organization": tree.ent_a1.pk, "title": "改好了"})
    assert not Draft.objects.exists()


def test_drafts_never_keep_passwords_or_the_csrf_token(tree, login):
    client = login(tree.county_a_admin)
    client.post(
        reverse("core:user_add"),
        {"username": "newbie", "name": "新人", "password1": "Secret#2026x", "password2": "Secret#2026x",
         "csrfmiddlewaretoken": "token-value", "_save_draft": "1"},
    )  # fmt: skip
    draft = Draft.objects.get()
    assert draft.data["username"] == ["newbie"]
    assert not {key for key in draft.data if "password" in key or "csrf" in key or key.startswith("_")}
    assert "Secret#2026x" not in str(draft.data)


def test_drafts_are_private(tree, login, client):
    owner = login(tree.ent_a1_admin)
    owner.post(add_url(), {"title": "我的草稿", "_save_draft": "1"})
    draft = Draft.objects.get()
    assert owner.get(reverse("core:draft_list")).context["object_list"][0] == draft
    client.post(reverse("logout"))
    colleague = login(tree.ent_a2_admin)
    assert colleague.get(f"{add_url()}?draft={draft.pk}").status_code == 404
    assert list(colleague.get(reverse("core:draft_list")).context["object_list"]) == []
    assert colleague.post(reverse("core:draft_delete", args=[draft.pk])).status_code == 404
    assert todo.count_for(tree.ent_a2_admin) == 0
    colleague.post(add_url(), {"title": "他的", "_draft": draft.pk, "_save_draft": "1"})
    assert Draft.objects.get(pk=draft.pk).data["title"] == ["我的草稿"]  # a new draft of his own instead
    assert Draft.objects.get(user=tree.ent_a2_admin).data["title"] == ["他的"]


def test_a_draft_is_deleted_from_my_drafts(tree, login):
    client = login(tree.ent_a1_admin)
    client.post(add_url(), {"title": "不要了", "_save_draft": "1"})
    draft = Draft.objects.get()
    page = client.get(reverse("core:draft_list")).content.decode()
    assert draft.get_absolute_url() in page
    assert client.post(reverse("core:draft_delete", args=[draft.pk])).status_code == 302
    assert not Draft.objects.exists()


def test_a_draft_of_another_form_does_not_resume_here(tree, login, filing):
    client = login(tree.ent_a1_admin)
    client.post(add_url(), {"title": "新建草稿", "_save_draft": "1"})
    draft = Draft.objects.get()
    assert (
        client.get(reverse("testapp:filing_edit", args=[filing.pk]), {"draft": draft.pk}).status_code == 404
    )
    assert client.get(add_url(), {"draft": "abc"}).status_code == 404


def test_a_resumed_draft_restores_ticked_and_unticked_boxes(tree, login):
    from lantian.core.models import Role

    client = login(tree.county_a_admin)
    role = Role.objects.get(code="enterprise_admin")
    client.post(
        reverse("core:user_add"),
        {"username": "newbie", "organization": tree.ent_a2.pk, "roles": [role.pk], "_save_draft": "1"},
    )  # "is_active" left unticked
    form = client.get(Draft.objects.get().get_absolute_url()).context["form"]
    assert form["roles"].value() == [str(role.pk)] and form["is_active"].value() is False
    assert form["username"].value() == "newbie"


def test_the_badge_counts_rows_of_several_models_in_one_query(tree, filing, django_assert_num_queries):
    from lantian.core.models import Organization, User

    querysets = [
        Organization.objects.filter(kind=Organization.Kind.ENTERPRISE).order_by("name"),
        Filing.objects.none(),
        User.objects.restrict(tree.county_a_admin, "view"),
        Filing.objects.all(),
    ]
    expected = [queryset.count() for queryset in querysets]
    assert expected[0] == 3 and expected[1] == 0 and expected[2] > 0 and expected[3] == 1
    with django_assert_num_queries(1):
        assert todo._count_querysets(querysets) == sum(expected)
    assert todo._count_querysets([]) == 0
