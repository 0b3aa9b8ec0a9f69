"""The REST API of the registered models: scope, permissions, filters, writes through the forms, tokens,
schema (docs/api.md). The per-model tests are generated from tests/generic.py cases."""

import re
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import pre_save
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from lantian.core import api
from lantian.core.api.permissions import VIEWSET_ACTIONS
from lantian.core.models import ApiToken, Organization, Role, User
from lantian.core.registry import registration_for
from lantian.core.scope import permission_name
from lantian.core.views.generic import filter_rows
from tests.conftest import make_user
from tests.generic import registered_cases, sample_filter_value

pytestmark = pytest.mark.django_db
CASES = [case for case in registered_cases() if registration_for(case.model).api]
DETAIL_METHODS = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}


def by_id(case):
    return case.id


def list_url(model) -> str:
    return reverse(f"api:{api.basename(registration_for(model))}-list")


def detail_url(model, pk) -> str:
    return reverse(f"api:{api.basename(registration_for(model))}-detail", args=[pk])


def as_user(user) -> APIClient:
    """An API client authenticated by the user's token, as a program would be."""
    client = APIClient()
    _token, key = ApiToken.objects.issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()[:500]
    return [row["id"] for row in response.json()["results"]]


def enabled(registration, viewset_action: str) -> bool:
    return VIEWSET_ACTIONS[viewset_action] in registration.actions


def expected_status(user, registration, viewset_action: str, method: str) -> int:
    """What a user of another organisation gets: 405 for an action the registration does not enable,
    403 without the permission, else 404 (the row is outside their scope)."""
    action = {"get": "view", "put": "change", "patch": "change", "delete": "delete"}[method]
    if not enabled(registration, viewset_action):
        return 405
    if not user.has_perm(permission_name(registration.model, action)):
        return 403
    return 404


# --- generated for every registered model ---


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_anonymous_gets_401(tree, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    client = APIClient()
    urls = [list_url(case.model)]
    if api.has_detail(registration):
        urls.append(detail_url(case.model, obj.pk))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_without_permission_every_action_is_403(tree, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    nobody = make_user("nobody", getattr(tree, case.member).organization, "ops_staff")
    nobody.roles.clear()
    client = as_user(nobody)
    assert client.get(list_url(case.model)).status_code == 403
    if enabled(registration, "create"):
        assert client.post(list_url(case.model), {}, format="json").status_code == 403
    for method, viewset_action in DETAIL_METHODS.items():
        if enabled(registration, viewset_action):
            response = getattr(client, method)(detail_url(case.model, obj.pk), {}, format="json")
            assert response.status_code == 403, method


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_member_finds_the_object_in_list_and_detail(tree, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    client = as_user(getattr(tree, case.member))
    rows = client.get(list_url(case.model), {"page_size": 1000}).json()["results"]
    row = next(row for row in rows if row["id"] == obj.pk)
    assert row["display"] == str(obj)
    assert "password" not in row
    if api.has_detail(registration):
        assert row["url"] == f"http://testserver{detail_url(case.model, obj.pk)}"
        assert client.get(row["url"]).json() == row
    else:
        assert row["url"] is None


@pytest.mark.parametrize("case", [c for c in CASES if c.outsider], ids=by_id)
def test_a_user_of_another_organization_gets_404(tree, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    outsider = getattr(tree, case.outsider)
    client = as_user(outsider)
    assert obj.pk not in ids(client.get(list_url(case.model), {"page_size": 1000}))
    if not api.has_detail(registration):
        return
    url = detail_url(case.model, obj.pk)
    for method, viewset_action in DETAIL_METHODS.items():
        response = getattr(client, method)(url, {"name": "x"}, format="json")
        assert response.status_code == expected_status(outsider, registration, viewset_action, method), method
    assert case.model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_actions_the_registration_does_not_enable_are_405(tree, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    client = as_user(tree.admin)  # holds every permission: only the registration says no
    if not enabled(registration, "create"):
        assert client.post(list_url(case.model), {}, format="json").status_code == 405
    if api.has_detail(registration):
        for method, viewset_action in DETAIL_METHODS.items():
            if not enabled(registration, viewset_action):
                response = getattr(client, method)(detail_url(case.model, obj.pk), {}, format="json")
                assert response.status_code == 405, method
    assert client.options(list_url(case.model)).status_code == 405


@pytest.mark.parametrize("case", [c for c in CASES if registration_for(c.model).filterset], ids=by_id)
def test_every_filter_selects_the_same_rows_as_the_list_page(tree, case):
    registration = registration_for(case.model)
    member = getattr(tree, case.member)
    client = as_user(member)
    _rows, filterset = filter_rows(registration, member, QueryDict())
    for name, field in filterset.form.fields.items():
        query = QueryDict(mutable=True)
        query[name] = sample_filter_value(field)
        page_rows, _filterset = filter_rows(registration, member, query)
        expected = list(registration.table(case.model).order(page_rows).values_list("pk", flat=True))
        assert ids(client.get(list_url(case.model), {**query.dict(), "page_size": 1000})) == expected, name


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_ordering_follows_the_tables_sortable_columns(tree, case):
    registration = registration_for(case.model)
    member = getattr(tree, case.member)
    client = as_user(member)
    rows, _filterset = filter_rows(registration, member, QueryDict())
    for column in sorted(registration.table(case.model).sortable_accessors()):
        for sort in (column, f"-{column}"):
            table = registration.table(case.model, sort=sort)
            expected = list(table.order(rows).values_list("pk", flat=True))
            got = ids(client.get(list_url(case.model), {"ordering": sort, "page_size": 1000}))
            assert got == expected, sort


@pytest.mark.parametrize("case", [c for c in CASES if c.more], ids=by_id)
def test_list_query_count_does_not_grow_with_rows(tree, case, django_assert_max_num_queries):
    case.obj(tree)  # at least one row, so that the baseline reads rows too
    client = as_user(getattr(tree, case.member))
    url = list_url(case.model)
    client.get(url)  # warm caches (content types, permissions)

    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"page_size": 1000}).status_code == 200
    case.more(tree, 15)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"page_size": 1000})
    assert response.json()["count"] >= 15


def test_the_schema_offers_exactly_the_enabled_actions(admin_client):
    paths = admin_client.get(reverse("api:schema"), {"format": "json"}).json()["paths"]
    for case in CASES:
        registration = registration_for(case.model)
        listing = paths[list_url(case.model)]
        assert set(listing) == {"get", *(["post"] if enabled(registration, "create") else [])}
        detail = paths.get(list_url(case.model) + "{id}/", {})
        assert set(detail) == {m for m, a in DETAIL_METHODS.items() if enabled(registration, a)}


# --- writes through the form, with the scope re-checked ---


def organization_body(tree, **fields):
    return {"name": "甲县环境监测站", "kind": "department", "parent": tree.county_a.pk, **fields}


def test_a_county_bureau_creates_an_organization_in_its_county(tree):
    client = as_user(tree.county_a_admin)
    response = client.post(list_url(Organization), organization_body(tree), format="json")
    assert response.status_code == 201, response.json()
    created = Organization.objects.get(pk=response.json()["id"])
    assert created.parent == tree.county_a and created.is_active  # the model's default
    assert response["Location"] == response.json()["url"]
    assert response.json()["parent_brief"] == {
        "id": tree.county_a.pk,
        "display": "甲县分局",
        "url": f"http://testserver{detail_url(Organization, tree.county_a.pk)}",
    }
    entry = LogEntry.objects.get_for_object(created).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == tree.county_a_admin


def test_a_county_bureau_cannot_create_an_organization_under_the_other_county(tree):
    client = as_user(tree.county_a_admin)
    before = Organization.objects.count()
    response = client.post(
        list_url(Organization), organization_body(tree, parent=tree.county_b.pk), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["parent"]
    assert "选择一个有效的选项" in response.json()["parent"][0]  # Django's own message, in Chinese
    assert Organization.objects.count() == before


def test_form_errors_come_back_by_field_and_nothing_is_written(tree):
    client = as_user(tree.county_a_admin)
    body = organization_body(tree, name="", kind="enterprise", credit_code="91610323MA6XK00010")
    response = client.post(list_url(Organization), body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"name", "credit_code"}
    assert errors["name"] == ["该字段是必填项。"]
    assert not Organization.objects.filter(credit_code="91610323MA6XK00010").exists()


def test_the_body_must_have_the_right_shapes(tree):
    client = as_user(tree.county_a_admin)
    response = client.post(list_url(Organization), organization_body(tree, name=["a", "b"]), format="json")
    assert response.status_code == 400 and set(response.json()) == {"name"}
    response = client.post(list_url(Organization), ["not", "an", "object"], format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_patch_changes_only_the_fields_sent(tree):
    client = as_user(tree.ent_a1_admin)
    response = client.patch(
        detail_url(Organization, tree.ent_a1.pk), {"contact_person": "王工"}, format="json"
    )
    assert response.status_code == 200, response.json()
    tree.ent_a1.refresh_from_db()
    assert tree.ent_a1.contact_person == "王工"
    assert tree.ent_a1.credit_code and tree.ent_a1.is_active and tree.ent_a1.parent == tree.county_a
    entry = LogEntry.objects.get_for_object(tree.ent_a1).latest("timestamp")
    assert entry.actor == tree.ent_a1_admin and entry.changes_dict == {"contact_person": ["", "王工"]}


def test_put_replaces_the_writable_fields(tree):
    client = as_user(tree.county_a_admin)
    url = detail_url(Organization, tree.ent_a2.pk)
    body = {"name": "甲二石化（新）", "kind": "enterprise", "parent": tree.county_a.pk,
            "credit_code": tree.ent_a2.credit_code}  # fmt: skip
    response = client.put(url, body, format="json")
    assert response.status_code == 200, response.json()
    tree.ent_a2.refresh_from_db()
    assert tree.ent_a2.name == "甲二石化（新）" and tree.ent_a2.division is None and tree.ent_a2.is_active
    assert client.put(url, {"name": "甲二"}, format="json").status_code == 400  # kind is required


def test_an_enterprise_admin_cannot_patch_another_enterprise(tree):
    client = as_user(tree.ent_a1_admin)
    response = client.patch(detail_url(Organization, tree.ent_a2.pk), {"name": "被改"}, format="json")
    assert response.status_code == 404
    tree.ent_a2.refresh_from_db()
    assert tree.ent_a2.name == "甲二石化"


def test_an_enterprise_admin_cannot_move_their_own_enterprise(tree):
    client = as_user(tree.ent_a1_admin)
    response = client.patch(
        detail_url(Organization, tree.ent_a1.pk), {"parent": tree.county_b.pk}, format="json"
    )
    assert response.status_code == 200  # the form keeps the disabled field as it was
    tree.ent_a1.refresh_from_db()
    assert tree.ent_a1.parent == tree.county_a


def test_a_write_that_leaves_the_scope_is_rolled_back(tree, monkeypatch):
    """The scope re-check inside the transaction, should a form ever offer too much."""
    registration = registration_for(Organization)

    class TooGenerousForm(registration.form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["parent"].queryset = Organization.objects.all()

    monkeypatch.setattr(registration, "form", TooGenerousForm)
    client = as_user(tree.county_a_admin)
    before = Organization.objects.count()
    response = client.post(
        list_url(Organization), organization_body(tree, parent=tree.county_b.pk), format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "无法保存：该记录将超出您的数据权限范围。"
    assert Organization.objects.count() == before
    response = client.patch(
        detail_url(Organization, tree.ent_a2.pk), {"parent": tree.county_b.pk}, format="json"
    )
    assert response.status_code == 403
    tree.ent_a2.refresh_from_db()
    assert tree.ent_a2.parent == tree.county_a


def test_deleting_a_row_in_use_is_409_and_deletes_nothing(tree):
    client = as_user(tree.county_a_admin)
    response = client.delete(detail_url(Organization, tree.ent_a1.pk))  # its users still belong to it
    assert response.status_code == 409
    assert response.json()["detail"] == "甲一化工 仍在使用中，无法删除。"
    assert Organization.objects.filter(pk=tree.ent_a1.pk).exists()


def test_deleting_an_unused_row_is_logged_with_its_actor(tree):
    station = Organization.objects.create(name="监测站", kind="department", parent=tree.county_a)
    client = as_user(tree.county_a_admin)
    assert client.delete(detail_url(Organization, station.pk)).status_code == 204
    assert not Organization.objects.filter(pk=station.pk).exists()
    entry = LogEntry.objects.filter(object_pk=str(station.pk), action=LogEntry.Action.DELETE).get()
    assert entry.actor == tree.county_a_admin


def test_a_token_write_leaves_no_auditlog_receiver_behind(tree):
    client = as_user(tree.ent_a1_admin)
    client.get(list_url(Organization))
    receivers = len(pre_save.receivers)
    client.patch(detail_url(Organization, tree.ent_a1.pk), {"contact_person": "李工"}, format="json")
    assert len(pre_save.receivers) == receivers


# --- accounts through the API ---


def user_body(tree, **fields):
    return {
        "username": "zhang",
        "name": "张三",
        "organization": tree.ent_a1.pk,
        "roles": [Role.objects.get(code="enterprise_admin").pk],
        "password1": "Qx7!kLm2pz",
        "password2": "Qx7!kLm2pz",
        **fields,
    }


def test_an_enterprise_admin_creates_an_account_of_their_enterprise(tree):
    client = as_user(tree.ent_a1_admin)
    response = client.post(list_url(User), user_body(tree), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert not {"password", "password1", "password2"} & set(body)
    user = User.objects.get(username="zhang")
    assert user.check_password("Qx7!kLm2pz") and user.must_change_password and user.is_active
    assert [role["display"] for role in body["roles_brief"]] == ["企业管理员"]


def test_an_account_needs_its_initial_password(tree):
    client = as_user(tree.ent_a1_admin)
    response = client.post(list_url(User), user_body(tree, password1="", password2=""), format="json")
    assert response.status_code == 400 and "password1" in response.json()
    response = client.post(list_url(User), user_body(tree, password2="Other!pass9"), format="json")
    assert response.status_code == 400 and "password2" in response.json()
    assert not User.objects.filter(username="zhang").exists()


def test_an_enterprise_admin_cannot_create_an_account_elsewhere_or_grant_more(tree):
    client = as_user(tree.ent_a1_admin)
    response = client.post(list_url(User), user_body(tree, organization=tree.ent_a2.pk), format="json")
    assert response.status_code == 400 and "organization" in response.json()
    system_admin = Role.objects.get(code="system_admin").pk
    response = client.post(list_url(User), user_body(tree, roles=[system_admin]), format="json")
    assert response.status_code == 400 and "roles" in response.json()
    assert not User.objects.filter(username="zhang").exists()


def test_an_enterprise_admin_cannot_patch_an_account_of_another_enterprise(tree):
    client = as_user(tree.ent_a1_admin)
    response = client.patch(detail_url(User, tree.ent_a2_admin.pk), {"is_active": False}, format="json")
    assert response.status_code == 404
    tree.ent_a2_admin.refresh_from_db()
    assert tree.ent_a2_admin.is_active


def test_nobody_changes_their_own_roles_through_the_api(tree):
    client = as_user(tree.county_a_admin)
    system_admin = Role.objects.get(code="system_admin").pk
    response = client.patch(
        detail_url(User, tree.county_a_admin.pk), {"roles": [system_admin]}, format="json"
    )
    assert response.status_code == 200
    assert list(tree.county_a_admin.roles.values_list("code", flat=True)) == ["bureau_admin"]


def test_a_form_encoded_body_is_taken_as_is(tree):
    client = as_user(tree.county_a_admin)
    roles = Role.objects.filter(code__in=["enterprise_admin", "ops_staff"])
    response = client.patch(
        detail_url(User, tree.ent_a1_admin.pk),
        {"roles": [role.pk for role in roles], "phone": "13800000000"},
        format="multipart",
    )
    assert response.status_code == 400 and "roles" in response.json()  # ops staff is not for enterprises
    response = client.patch(
        detail_url(User, tree.ent_a1_admin.pk), {"phone": "13800000000"}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    tree.ent_a1_admin.refresh_from_db()
    assert tree.ent_a1_admin.phone == "13800000000" and tree.ent_a1_admin.is_active


def test_accounts_are_never_deleted(tree):
    response = as_user(tree.admin).delete(detail_url(User, tree.ent_a1_admin.pk))
    assert response.status_code == 405
    assert User.objects.filter(pk=tree.ent_a1_admin.pk).exists()


# --- authentication ---


def test_session_authentication_works_for_the_logged_in_browser(tree, login):
    client = login(tree.county_a_admin)
    response = client.get(list_url(Organization))
    assert response.status_code == 200
    assert {row["display"] for row in response.json()["results"]} == {"甲县分局", "甲一化工", "甲二石化"}


def test_a_revoked_or_unknown_token_fails(tree):
    client = as_user(tree.county_a_admin)
    assert client.get(list_url(Organization)).status_code == 200
    ApiToken.objects.filter(user=tree.county_a_admin).delete()
    assert client.get(list_url(Organization)).status_code == 401


def test_a_disabled_accounts_token_fails(tree):
    client = as_user(tree.county_a_admin)
    tree.county_a_admin.is_active = False
    tree.county_a_admin.save()
    assert client.get(list_url(Organization)).status_code == 401


def test_pagination_and_page_size(tree):
    client = as_user(tree.admin)
    first = client.get(list_url(Organization), {"page_size": 2}).json()
    assert first["count"] == Organization.objects.count() and len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert client.get(list_url(Organization), {"page": 99}).status_code == 404


def test_a_filter_value_outside_the_scope_is_400(tree):
    client = as_user(tree.county_a_admin)
    response = client.get(list_url(Organization), {"within": tree.county_b.pk})
    assert response.status_code == 400 and "within" in response.json()


# --- the token page: tests/core/test_api_tokens.py ---


# --- schema and Swagger UI ---


def test_the_schema_generates_without_warnings():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "zh-hans", stdout=out)
    schema = out.getvalue()
    assert "title: 蓝天环境监管平台 API" in schema
    assert "name: within" in schema  # the filters are documented


def test_the_schema_and_docs_need_login(tree, client, login):
    assert APIClient().get(reverse("api:schema")).status_code == 401
    assert client.get(reverse("api:docs"))["Location"].startswith("/login/")
    client = login(tree.ent_a1_admin)
    assert client.get(reverse("api:schema")).status_code == 200


def test_swagger_ui_is_vendored_and_has_no_inline_script(tree, login):
    client = login(tree.ent_a1_admin)
    page = client.get(reverse("api:docs")).content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "cdn" not in page and "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in script.content.decode()
