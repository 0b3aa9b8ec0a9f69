"""Change log (core.md): who, when, request id and before/after of every change."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from lantian.core.models import Organization

pytestmark = pytest.mark.django_db


def test_an_edit_is_recorded_with_user_request_id_and_before_after(tree, login):
    client = login(tree.county_a_admin)
    response = client.post(
        reverse("core:organization_edit", args=[tree.ent_a2.pk]),
        {
            "name": "甲二石化（新）",
            "kind": "enterprise",
            "parent": tree.county_a.pk,
            "credit_code": tree.ent_a2.credit_code,
            "contact_person": "钱七",
            "is_active": "on",
        },
        HTTP_X_REQUEST_ID="req-20261122-0001",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(tree.ent_a2).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == tree.county_a_admin
    assert entry.cid == "req-20261122-0001"
    assert entry.remote_addr == "198.51.100.7"
    assert entry.changes_dict["name"] == ["甲二石化", "甲二石化（新）"]
    assert entry.changes_dict["contact_person"] == ["", "钱七"]


def test_every_model_change_is_logged_create_update_delete(tree):
    org = Organization.objects.create(name="临时单位", kind="department", parent=tree.city)
    org.name = "临时单位二"
    org.save()
    pk = org.pk
    org.delete()
    actions = list(
        LogEntry.objects.filter(content_type__model="organization", object_id=pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE]


def test_role_assignment_and_password_changes_are_logged_without_the_hash(tree):
    user = tree.ent_a1_admin
    user.set_password("Another#Pass1")
    user.save()
    entry = LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.UPDATE).latest("pk")
    old, new = entry.changes_dict["password"]
    assert user.password not in (old, new)  # masked
    assert LogEntry.objects.get_for_object(user).filter(changes_text__icontains="roles").exists() or any(
        "roles" in (e.changes_dict or {}) for e in LogEntry.objects.get_for_object(user)
    )


def test_the_object_page_shows_its_change_log(tree, login):
    client = login(tree.county_a_admin)
    client.post(
        reverse("core:organization_edit", args=[tree.ent_a2.pk]),
        {
            "name": "甲二石化（改）",
            "kind": "enterprise",
            "parent": tree.county_a.pk,
            "credit_code": tree.ent_a2.credit_code,
        },
    )
    page = client.get(reverse("core:organization_detail", args=[tree.ent_a2.pk])).content.decode()
    assert "甲二石化（改）" in page and "county_a" in page


def test_only_platform_administrators_search_the_whole_change_log(tree, login, client):
    assert login(tree.admin).get(reverse("core:changelog_list")).status_code == 200
    client.post(reverse("logout"))
    assert login(tree.city_admin).get(reverse("core:changelog_list")).status_code == 403


def test_change_log_search_filters(tree, login):
    client = login(tree.admin)
    response = client.get(reverse("core:changelog_list"), {"q": "甲一化工"})
    reprs = {entry.object_repr for entry in response.context["object_list"]}
    assert reprs == {"甲一化工"} or reprs <= {"甲一化工", "检测公司 → 甲一化工"}


def test_change_log_filters_offer_the_logged_types_and_actions_in_chinese(tree, login):
    client = login(tree.admin)
    form = client.get(reverse("core:changelog_list")).context["filterset"].form
    actions = [str(label) for _value, label in form.fields["action"].choices]
    assert actions == ["全部", "新增", "修改", "删除", "访问"]
    types = {str(content_type) for content_type in form.fields["content_type"].queryset}
    assert "平台 | 单位" in types and "平台 | 用户" in types
    # Only what the change log records: not the password history, column choices, sessions …
    assert not {"平台 | password history", "平台 | table preference"} & types
    assert all("session" not in name and "axes" not in name for name in types)
    organization = Organization.objects.get(name="甲一化工")
    organization.name = "甲一化工（改）"
    organization.save()
    listed = client.get(reverse("core:changelog_list"), {"action": 1}).context["object_list"]
    assert {entry.action for entry in listed} == {LogEntry.Action.UPDATE}


def test_a_remark_is_logged_with_what_it_belongs_to_in_words(tree, login):
    from django.contrib.contenttypes.models import ContentType

    from lantian.core.models import JournalEntry
    from lantian.core.templatetags.lantian import changes

    organization = Organization.objects.get(name="甲一化工")
    note = JournalEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=organization.pk,
        text="现场检查发现台账不全。",
        author=tree.admin,
    )
    entry = LogEntry.objects.get_for_object(note).get()
    labels = {str(label): new for label, _old, new in changes(entry)}
    assert labels["所属对象"] == "甲一化工" and "content type" not in labels and "object id" not in labels
    assert not LogEntry.objects.filter(content_type__model="permission").exists()
