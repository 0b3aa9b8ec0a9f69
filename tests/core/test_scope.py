"""What each role can and cannot see: the data-scope gate (ARCHITECTURE rule 1)."""

import pytest
from django.urls import reverse

from lantian.core.models import Organization, User
from lantian.core.scope import scope_for

pytestmark = pytest.mark.django_db


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def visible_orgs(user, action="view"):
    return names(Organization.objects.restrict(user, action))


def test_system_admin_sees_every_organization(tree):
    assert visible_orgs(tree.admin) == names(Organization.objects.all())


def test_city_bureau_sees_its_whole_jurisdiction(tree):
    assert visible_orgs(tree.city_admin) == names(Organization.objects.all())


def test_county_bureau_sees_its_subtree_and_not_the_other_county(tree):
    assert visible_orgs(tree.county_a_admin) == {"甲县分局", "甲一化工", "甲二石化"}
    assert "乙一热电" not in visible_orgs(tree.county_a_admin)


def test_enterprise_sees_only_itself(tree):
    assert visible_orgs(tree.ent_a1_admin) == {"甲一化工"}


def test_agency_sees_itself_and_its_clients_read_only(tree):
    assert visible_orgs(tree.agency_admin) == {"检测公司", "甲一化工"}
    assert visible_orgs(tree.agency_admin, "change") == {"检测公司"}


def test_operations_staff_see_their_vendor_and_its_clients(tree):
    assert visible_orgs(tree.ops) == {"运维公司", "乙一热电"}


def test_service_links_do_not_open_a_clients_accounts(tree):
    usernames = set(User.objects.restrict(tree.agency_admin).values_list("username", flat=True))
    assert usernames == {"agency"}


def test_no_permission_means_no_rows(tree):
    # ops_staff has no permission to change organisations, whatever its scope.
    assert not Organization.objects.restrict(tree.ops, "change").exists()


def test_anonymous_and_disabled_users_see_nothing(tree, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.restrict(AnonymousUser()).exists()
    tree.ent_a1_admin.is_active = False
    tree.ent_a1_admin.save()
    fresh = django_user_model.objects.get(pk=tree.ent_a1_admin.pk)
    assert not Organization.objects.restrict(fresh).exists()


def test_scope_of_an_inactive_organization_is_empty(tree):
    tree.ent_a1.is_active = False
    tree.ent_a1.save()
    user = User.objects.get(pk=tree.ent_a1_admin.pk)
    assert scope_for(user).own_paths == ()


@pytest.mark.parametrize(
    ("username", "org_attr", "status"),
    [
        ("ent_a1", "ent_a1", 200),
        ("ent_a1", "ent_a2", 404),  # another enterprise's page
        ("ent_a1", "ent_b1", 404),
        ("county_a", "ent_a2", 200),
        ("county_a", "ent_b1", 404),  # the other county
        ("county_a", "county_b", 404),
        ("agency", "ent_a1", 200),  # a client
        ("agency", "ent_a2", 404),  # not a client
        ("city", "ent_b1", 200),
        ("admin", "ent_b1", 200),
    ],
)
def test_organization_page_visibility(tree, login, username, org_attr, status):
    client = login(User.objects.get(username=username))
    response = client.get(reverse("core:organization_detail", args=[getattr(tree, org_attr).pk]))
    assert response.status_code == status


@pytest.mark.parametrize("url_name", ["core:organization_edit", "core:organization_delete"])
def test_agency_cannot_edit_or_delete_a_client(tree, login, url_name):
    client = login(tree.agency_admin)
    response = client.get(reverse(url_name, args=[tree.ent_a1.pk]))
    assert response.status_code in (403, 404)


def test_enterprise_user_cannot_read_another_enterprises_users(tree, login):
    client = login(tree.ent_a1_admin)
    other = tree.ent_a2_admin
    assert client.get(reverse("core:user_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("core:user_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("core:user_set_password", args=[other.pk]), {}).status_code == 404
    listing = client.get(reverse("core:user_list")).content.decode()
    assert "ent_a2" not in listing and "ent_a1" in listing


def test_list_pages_show_only_rows_in_scope(tree, login):
    client = login(tree.county_a_admin)
    page = client.get(reverse("core:organization_list")).content.decode()
    assert "甲一化工" in page and "甲二石化" in page
    assert "乙一热电" not in page and "乙县分局" not in page


def test_filter_dropdowns_offer_only_rows_in_scope(tree, login):
    client = login(tree.county_a_admin)
    form = client.get(reverse("core:organization_list")).context["filterset"].form
    offered = set(form.fields["parent"].queryset.values_list("name", flat=True))
    assert offered == {"甲县分局", "甲一化工", "甲二石化"}


def test_county_bureau_cannot_create_an_organization_in_the_other_county(tree, login):
    client = login(tree.county_a_admin)
    response = client.post(
        reverse("core:organization_add"),
        {"name": "越界企业", "kind": "regulator", "parent": tree.county_b.pk},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "parent" in response.context["form"].errors
    assert not Organization.objects.filter(name="越界企业").exists()


def test_county_bureau_can_create_an_organization_in_its_county(tree, login):
    client = login(tree.county_a_admin)
    response = client.post(
        reverse("core:organization_add"),
        {"name": "甲县执法大队", "kind": "regulator", "parent": tree.county_a.pk},
    )
    assert response.status_code == 302
    created = Organization.objects.get(name="甲县执法大队")
    assert created.path == f"{tree.county_a.path}{created.pk}/"


def test_write_outside_scope_is_rolled_back(tree, login, monkeypatch):
    """Even if a form let an out-of-scope write through, the re-check inside the transaction undoes it."""
    from lantian.core.forms import OrganizationForm
    from lantian.core.registry import registration_for

    class UnscopedForm(OrganizationForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["parent"].queryset = Organization.objects.all()

    monkeypatch.setattr(registration_for(Organization), "form", UnscopedForm)
    client = login(tree.county_a_admin)
    response = client.post(
        reverse("core:organization_add"),
        {"name": "越界企业", "kind": "regulator", "parent": tree.county_b.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Organization.objects.filter(name="越界企业").exists()


def test_enterprise_admin_cannot_move_their_own_organization(tree, login):
    client = login(tree.ent_a1_admin)
    response = client.post(
        reverse("core:organization_edit", args=[tree.ent_a1.pk]),
        {
            "name": "甲一化工（更名）",
            "kind": "regulator",
            "parent": tree.city.pk,
            "credit_code": tree.ent_a1.credit_code,
        },
    )
    assert response.status_code == 302
    tree.ent_a1.refresh_from_db()
    assert tree.ent_a1.name == "甲一化工（更名）"
    assert tree.ent_a1.parent_id == tree.county_a.pk and tree.ent_a1.kind == "enterprise"
