"""Role management: the editor's tree, no escalation, built-in roles kept, readable change log."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext
from rest_framework.test import APIClient

from lantian.core.models import Organization, Role, User
from lantian.core.roles import merged_role_specs, sync_builtin_roles
from lantian.core.templatetags.lantian import changes

pytestmark = pytest.mark.django_db


def perm(key: str) -> Permission:
    app_label, codename = key.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def role_data(*keys, **extra) -> dict:
    return {
        "name": "台账查看员",
        "code": "ledger_viewer",
        "description": "只看台账",
        "org_kinds": ["regulator"],
        "permissions": [perm(key).pk for key in keys],
        **extra,
    }


def custom_role(*keys, code="custom", kinds=("regulator",)) -> Role:
    role = Role.objects.create(code=code, name=f"自定义{code}", org_kinds=list(kinds))
    role.permissions.set([perm(key) for key in keys])
    return role


def test_every_builtin_role_name_and_description_is_translated():
    """The data files hold English msgids; the site stores them in its language (zh-hans)."""
    with translation.override("zh-hans"):
        untranslated = [
            text
            for spec in merged_role_specs()
            for text in (spec.get("name"), spec.get("description"))
            if text and translation.gettext(text) == text and text.isascii()
        ]
    assert untranslated == []
    assert Role.objects.get(code="system_admin").name == "系统管理员"
    assert not Role.objects.get(code="bureau_admin").description.isascii()


def test_a_bureau_admin_creates_a_role_from_the_tree(tree, login):
    client = login(tree.city_admin)
    keys = ("core.view_organization", "core.export_organization", "ldar.view_sealpoint")
    response = client.post(reverse("core:role_add"), role_data(*keys))
    assert response.status_code == 302, response.context["form"].errors
    role = Role.objects.get(code="ledger_viewer")
    assert {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()} == set(keys)
    assert not role.builtin and role.org_kinds == ["regulator"]
    detail = client.get(role.get_absolute_url()).content.decode()
    assert str(Organization._meta.verbose_name) in detail and pgettext("permission", "export") in detail
    assert "Can view" not in detail


@pytest.mark.parametrize("lacking", ["core.delete_user", "ldar.add_sealpoint", "auditlog.view_logentry"])
def test_a_bureau_admin_cannot_grant_a_permission_they_lack(tree, login, lacking):
    if tree.city_admin.has_perm(lacking):  # the bureau holds the change log; take it for this case
        bureau = Role.objects.get(code="bureau_admin")
        bureau.permissions.remove(perm(lacking))
        tree.city_admin = User.objects.get(pk=tree.city_admin.pk)
    client = login(tree.city_admin)
    response = client.post(reverse("core:role_add"), role_data("core.view_organization", lacking))
    assert response.status_code == 200
    assert "permissions" in response.context["form"].errors
    assert not Role.objects.filter(code="ledger_viewer").exists()


def test_a_bureau_admin_cannot_let_a_role_see_everything(tree, login):
    client = login(tree.city_admin)
    response = client.post(
        reverse("core:role_add"), role_data("core.view_organization", sees_everything="on")
    )
    assert "permissions" in response.context["form"].errors
    assert not Role.objects.filter(code="ledger_viewer").exists()
    granted = client.post(reverse("core:role_add"), role_data("core.view_organization"))
    assert granted.status_code == 302


def test_the_api_refuses_the_same_escalations(tree):
    api = APIClient()
    api.force_authenticate(tree.city_admin)
    body = {**role_data("core.view_organization", "core.delete_user"), "sees_everything": True}
    response = api.post("/api/core/roles/", body, format="json")
    assert response.status_code == 400
    assert "permissions" in response.json()
    assert not Role.objects.filter(code="ledger_viewer").exists()
    allowed = api.post("/api/core/roles/", role_data("core.view_organization"), format="json")
    assert allowed.status_code == 201, allowed.json()


def test_an_editor_cannot_change_a_role_that_grants_more_than_they_hold(tree, login):
    role = custom_role("core.view_organization", "core.delete_user")
    client = login(tree.city_admin)
    response = client.get(reverse("core:role_edit", args=[role.pk]))
    assert response.status_code == 302
    response = client.post(reverse("core:role_edit", args=[role.pk]), role_data("core.view_organization"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert role.permissions.count() == 2
    assert client.post(reverse("core:role_delete", args=[role.pk])).status_code == 302
    assert Role.objects.filter(pk=role.pk).exists()


def test_a_county_cannot_change_a_role_held_in_another_county(tree, login):
    role = custom_role("core.view_organization")
    tree.county_b_admin.roles.add(role)
    client = login(tree.county_a_admin)
    data = role_data("core.view_organization", "core.view_user", code=role.code)
    response = client.post(reverse("core:role_edit", args=[role.pk]), data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert role.permissions.count() == 1
    client.logout()
    assert login(tree.city_admin).post(reverse("core:role_edit", args=[role.pk]), data).status_code == 302
    assert role.permissions.count() == 2


@pytest.mark.parametrize("username", ["admin", "city"])
def test_builtin_roles_are_neither_edited_nor_deleted(tree, login, username):
    editor = User.objects.get(username=username)
    role = Role.objects.get(code="enterprise_admin")
    name, before = role.name, set(role.permissions.values_list("pk", flat=True))
    client = login(editor)
    assert client.get(reverse("core:role_edit", args=[role.pk])).status_code == 302
    response = client.post(
        reverse("core:role_edit", args=[role.pk]), role_data("core.view_organization", code=role.code)
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    client.post(reverse("core:role_delete", args=[role.pk]))
    api = APIClient()
    api.force_authenticate(editor)
    assert api.patch(f"/api/core/roles/{role.pk}/", {"name": "改名"}, format="json").status_code == 400
    assert api.delete(f"/api/core/roles/{role.pk}/").status_code == 409
    role.refresh_from_db()
    assert role.name == name and set(role.permissions.values_list("pk", flat=True)) == before


def test_reseeding_restores_builtin_roles_and_keeps_custom_ones(tree):
    sync_builtin_roles()  # the test app's own grants (tests/testapp) are not in the data files
    bureau = Role.objects.get(code="bureau_admin")
    name, seeded = bureau.name, set(bureau.permissions.values_list("pk", flat=True))
    Role.objects.filter(pk=bureau.pk).update(name="改过的名字", sees_everything=True)
    bureau.permissions.remove(perm("core.add_user"))
    custom = custom_role("core.view_organization")
    tree.city_admin.roles.add(custom)
    sync_builtin_roles()
    bureau.refresh_from_db()
    assert bureau.name == name and not bureau.sees_everything
    assert set(bureau.permissions.values_list("pk", flat=True)) == seeded
    assert Role.objects.get(pk=custom.pk).permissions.count() == 1
    assert custom in tree.city_admin.roles.all()


def test_a_role_held_by_accounts_is_not_deleted(tree, login):
    role = custom_role("core.view_organization")
    tree.county_a_admin.roles.add(role)
    client = login(tree.admin)
    client.post(reverse("core:role_delete", args=[role.pk]))
    assert Role.objects.filter(pk=role.pk).exists()
    tree.county_a_admin.roles.remove(role)
    assert client.post(reverse("core:role_delete", args=[role.pk])).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()


def test_a_user_gets_only_roles_that_fit_the_kind_of_their_organization(tree, login):
    role = custom_role("core.view_organization", kinds=("regulator",))
    client = login(tree.admin)
    response = client.post(
        reverse("core:user_edit", args=[tree.ent_a1_admin.pk]),
        {
            "username": "ent_a1",
            "name": "ent_a1",
            "organization": tree.ent_a1.pk,
            "roles": [role.pk],
            "is_active": "on",
        },
    )
    assert "roles" in response.context["form"].errors
    assert role not in tree.ent_a1_admin.roles.all()


def test_a_roles_kinds_cannot_leave_out_the_accounts_holding_it(tree, login):
    role = custom_role("core.view_organization", kinds=("regulator", "enterprise"))
    tree.ent_a1_admin.roles.add(role)
    client = login(tree.admin)
    data = role_data("core.view_organization", code=role.code, name=role.name, org_kinds=["regulator"])
    response = client.post(reverse("core:role_edit", args=[role.pk]), data)
    assert "org_kinds" in response.context["form"].errors
    role.refresh_from_db()
    assert role.org_kinds == ["regulator", "enterprise"]


def test_the_change_log_names_permissions_as_the_tree_does(tree, login):
    client = login(tree.city_admin)
    client.post(reverse("core:role_add"), role_data("core.view_organization", "core.export_user"))
    role = Role.objects.get(code="ledger_viewer")
    data = role_data(
        "core.view_organization", "core.view_user", code=role.code, org_kinds=["regulator", "agency"]
    )
    assert client.post(reverse("core:role_edit", args=[role.pk]), data).status_code == 302
    rows = [row for entry in LogEntry.objects.get_for_object(role) for row in changes(entry)]
    said = " ".join(f"{label} {old} {new}" for label, old, new in rows)
    user, organization = str(User._meta.verbose_name), str(Organization._meta.verbose_name)
    assert f"+ {user}（{pgettext('permission', 'view')}）" in said or f"+ {user} (" in said
    assert f"− {user}" in said and organization in said
    assert str(Organization.Kind.AGENCY.label) in said
    assert "Can " not in said and "core." not in said and "agency'" not in said
    page = client.get(role.get_absolute_url()).content.decode()
    assert "Can " not in page and "core.export_user" not in page.split("permission-tree")[0]


def test_reseeding_is_logged_by_permission_names_too(tree):
    sync_builtin_roles()
    bureau = Role.objects.get(code="bureau_admin")
    bureau.permissions.remove(perm("core.add_user"))
    sync_builtin_roles()
    entry = LogEntry.objects.get_for_object(bureau).order_by("-pk").first()
    assert entry.changes_dict["permissions"]["objects"] == ["core.add_user"]
    assert "Can " not in " ".join(str(row) for row in changes(entry))


def test_a_new_role_can_start_as_a_copy_of_a_builtin_one(tree, login):
    source = Role.objects.get(code="enterprise_admin")
    client = login(tree.city_admin)
    response = client.get(reverse("core:role_add") + f"?copy={source.pk}")
    form = response.context["form"]
    held = tree.city_admin.get_all_permissions()
    offered = {int(pk) for pk in form["permissions"].value()}
    expected = {p.pk for p in source.permissions.all() if f"{p.content_type.app_label}.{p.codename}" in held}
    assert offered == expected and offered
    assert form["org_kinds"].value() == ["enterprise"]


def test_the_role_editor_shows_only_what_the_editor_holds(tree, login):
    client = login(tree.city_admin)
    response = client.get(reverse("core:role_add"))
    keys = {a.key for module in response.context["tree"] for model in module.models for a in model.actions}
    assert "core.view_organization" in keys
    assert "core.delete_user" not in keys and "ldar.add_sealpoint" not in keys
    client.logout()
    everything = login(tree.admin).get(reverse("core:role_add"))
    all_keys = {a.key for m in everything.context["tree"] for model in m.models for a in model.actions}
    assert {"ldar.add_sealpoint", "auditlog.view_logentry", "hj212.view_measurement"} <= all_keys
    assert not any(key.startswith(("auth.", "sessions.", "contenttypes.")) for key in all_keys)
