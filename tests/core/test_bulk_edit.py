"""Bulk edit applies the rules of the single edit, row by row: the attacks of issue 11.5, and a
generated comparison of bulk and single edit over every field of every registered model."""

import decimal

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse

from lantian.core.forms import current_data
from lantian.core.models import Organization, Role
from lantian.core.registry import registration_for
from lantian.core.scope import scope_for
from lantian.core.views.generic import BulkEditForm, still_in_scope
from tests.core.editing import editor, outcome, tried
from tests.generic import registered_cases

pytestmark = pytest.mark.django_db


def bulk(client, model, pks, **fields):
    """Post a bulk edit: ``fields`` are the ticked fields and their values (None: posted empty)."""
    data = {"pk": pks, "apply": "1", "_apply": list(fields)}
    data.update({name: value for name, value in fields.items() if value is not None})
    return client.post(reverse(f"core:{model}_bulk_edit"), data)


# --- the attacks of issue 11.5, as the enterprise administrator ------------------------------------


def test_an_enterprise_cannot_re_kind_its_own_organization(tree, login):
    client = login(tree.ent_a1_admin)
    response = bulk(client, "organization", [tree.ent_a1.pk], kind=Organization.Kind.REGULATOR)
    assert response.status_code == 200
    assert str(tree.ent_a1) in response.content.decode()  # the error names the row
    tree.ent_a1.refresh_from_db()
    assert tree.ent_a1.kind == Organization.Kind.ENTERPRISE


def test_an_enterprise_cannot_disable_its_own_organization(tree, login):
    client = login(tree.ent_a1_admin)
    response = bulk(client, "organization", [tree.ent_a1.pk], is_active=None)  # ticked, box unchecked
    assert response.status_code == 200
    tree.ent_a1.refresh_from_db()
    assert tree.ent_a1.is_active
    assert login(tree.ent_a1_admin).get("/").status_code == 200  # the company is not locked out


def test_an_enterprise_cannot_grant_itself_a_vendor_role(tree, login):
    client = login(tree.ent_a1_admin)
    roles = [Role.objects.get(code="enterprise_admin").pk, Role.objects.get(code="ops_staff").pk]
    response = bulk(client, "user", [tree.ent_a1_admin.pk], roles=roles)
    assert response.status_code == 200
    assert list(tree.ent_a1_admin.roles.values_list("code", flat=True)) == ["enterprise_admin"]


def test_an_enterprise_cannot_disable_its_own_account(tree, login):
    client = login(tree.ent_a1_admin)
    response = bulk(client, "user", [tree.ent_a1_admin.pk], is_active=None)
    assert response.status_code == 200
    tree.ent_a1_admin.refresh_from_db()
    assert tree.ent_a1_admin.is_active


def test_a_role_that_does_not_fit_the_organization_is_refused_by_the_user_forms_clean(tree, login):
    """The user form's own ``clean()`` runs: a bureau role is not given to an enterprise's user."""
    client = login(tree.county_a_admin)
    bureau_role = Role.objects.get(code="bureau_admin")
    response = bulk(client, "user", [tree.ent_a1_admin.pk], roles=[bureau_role.pk])
    assert response.status_code == 200
    assert "甲一化工" in response.content.decode() or str(tree.ent_a1_admin) in response.content.decode()
    assert list(tree.ent_a1_admin.roles.values_list("code", flat=True)) == ["enterprise_admin"]


def test_a_field_disabled_for_one_selected_row_refuses_the_whole_bulk_edit(tree, login):
    """The county bureau may re-kind an enterprise below it, not its own organisation: nothing changes."""
    client = login(tree.county_a_admin)
    rows = [tree.county_a.pk, tree.ent_a2.pk]
    response = bulk(client, "organization", rows, kind=Organization.Kind.DEPARTMENT)
    assert response.status_code == 200
    assert str(tree.county_a) in response.content.decode()
    assert set(Organization.objects.filter(pk__in=rows).values_list("kind", flat=True)) == {
        Organization.Kind.REGULATOR,
        Organization.Kind.ENTERPRISE,
    }
    ok = bulk(client, "organization", [tree.ent_a2.pk], kind=Organization.Kind.DEPARTMENT)
    assert ok.status_code == 302
    tree.ent_a2.refresh_from_db()
    assert tree.ent_a2.kind == Organization.Kind.DEPARTMENT


def test_rows_that_would_collide_with_each_other_are_reported_not_left_to_the_database(tree, login):
    """Two links of one client set to the same new provider: each is valid alone, not both."""
    from lantian.core.models import OrganizationLink
    from tests.conftest import make_org

    other_vendor = make_org("另一运维公司", Organization.Kind.VENDOR, tree.city)
    links = [
        OrganizationLink.objects.create(provider=tree.vendor, client=tree.ent_a2),
        OrganizationLink.objects.create(provider=tree.agency, client=tree.ent_a2),
    ]
    client = login(tree.admin)
    response = bulk(client, "organizationlink", [link.pk for link in links], provider=other_vendor.pk)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not OrganizationLink.objects.filter(provider=other_vendor).exists()


def test_the_scope_is_judged_afresh_after_a_write(tree):
    """A write that disables the user's own organisation leaves every row out of scope, whatever the
    scope cached on the request's user says."""
    user = tree.ent_a1_admin
    assert scope_for(user).own_paths == (tree.ent_a1.path,)  # computed and cached
    with transaction.atomic():
        Organization.objects.filter(pk=tree.ent_a1.pk).update(is_active=False)
        assert Organization.objects.restrict(user, "change").filter(pk=tree.ent_a1.pk).exists()  # stale
        assert not still_in_scope(user, Organization, [tree.ent_a1.pk], "change")
        transaction.set_rollback(True)


# --- generated: bulk edit allows exactly what the single edit allows -----------------------------


def probes(field: forms.Field, current) -> list:
    """Raw values to post for a field: another valid-looking value, and empty."""
    if isinstance(field, forms.FileField):
        return []
    if isinstance(field, forms.ModelMultipleChoiceField):
        chosen = {str(pk) for pk in current or ()}
        other = [str(o.pk) for o in field.queryset[:20] if str(o.pk) not in chosen][:1]
        return [other, []]
    if isinstance(field, forms.ModelChoiceField):
        other = next((str(o.pk) for o in field.queryset[:20] if str(o.pk) != str(current)), "")
        return [other, ""]
    if isinstance(field, forms.BooleanField):
        return [None if current else "on"]  # None: the box is not ticked, nothing posted
    if isinstance(field, forms.ChoiceField):
        values = [str(v) for v, _label in field.choices if v not in ("", None) and str(v) != str(current)]
        return [*values[:1], ""]
    if isinstance(field, forms.DateTimeField):
        return ["2025-04-02T09:15", ""]
    if isinstance(field, forms.DateField):
        return ["2025-04-02", ""]
    if isinstance(field, forms.TimeField):
        return ["09:15", ""]
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        number = current if isinstance(current, int | float | decimal.Decimal) else 0
        return [str(number + 1), ""]
    if isinstance(field, forms.EmailField):
        return ["changed@example.com", ""]
    if isinstance(field, forms.JSONField):
        return ['{"k": 1}', ""]
    text = "改值"[: getattr(field, "max_length", None) or 2]
    return [text, ""]


CASES = [c for c in registered_cases() if "bulk_edit" in registration_for(c.model).actions]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bulk_edit_allows_exactly_what_the_single_edit_allows(tree, login, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    client, user = editor(tree, case, obj, login)
    single_url, bulk_url = registration.url("edit", obj), registration.url("bulk_edit")
    offered = BulkEditForm(registration, user, [obj]).fields
    assert offered or not registration.form.base_fields, case.id
    form = registration.form(instance=obj, user=user, action="change")
    compared = []
    for name in offered:
        current = form[name].value()
        for value in probes(form.fields[name], current):
            data = current_data(form)
            if value is None:
                data.pop(name, None)
            else:
                data.setlist(name, value if isinstance(value, list) else [value])

            def single(data=data):  # every value of a multiple choice, as a browser posts them
                return outcome(client.post(single_url, dict(data.lists())), obj)

            def bulk_write(name=name, value=value):
                posted = {"pk": [obj.pk], "apply": "1", "_apply": [name]}
                if value is not None:
                    posted[name] = value
                return outcome(client.post(bulk_url, posted), obj)

            expected, got = tried(single), tried(bulk_write)
            assert got == expected, (case.id, name, value)
            compared.append((name, expected[0]))
    if offered:
        assert any(saved for _name, saved in compared), f"{case.id}: no probe was accepted at all"
