"""Account management: who manages whom, which roles they may give, and the password rules."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse

from lantian.core.models import Role, User
from lantian.core.roles import assignable_roles
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qinling#River7"


def new_account(organization, role, **extra):
    return {
        "username": "newcomer",
        "name": "新同事",
        "organization": organization.pk,
        "roles": [role.pk],
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "is_active": "on",
        **extra,
    }


def role(code):
    return Role.objects.get(code=code)


def test_enterprise_admin_creates_an_account_in_their_enterprise(tree, login):
    client = login(tree.ent_a1_admin)
    response = client.post(reverse("core:user_add"), new_account(tree.ent_a1, role("enterprise_admin")))
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.organization == tree.ent_a1 and user.must_change_password
    assert user.check_password(NEW_PASSWORD)


def test_enterprise_admin_cannot_create_an_account_elsewhere(tree, login):
    client = login(tree.ent_a1_admin)
    response = client.post(reverse("core:user_add"), new_account(tree.ent_a2, role("enterprise_admin")))
    assert "organization" in response.context["form"].errors
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("code", ["system_admin", "bureau_admin"])
def test_enterprise_admin_cannot_grant_a_stronger_role(tree, login, code):
    client = login(tree.ent_a1_admin)
    response = client.post(reverse("core:user_add"), new_account(tree.ent_a1, role(code)))
    assert "roles" in response.context["form"].errors
    assert not User.objects.filter(username="newcomer").exists()


def test_assignable_roles_never_exceed_ones_own(tree):
    enterprise_grants = set(assignable_roles(tree.ent_a1_admin).values_list("code", flat=True))
    assert "enterprise_admin" in enterprise_grants
    assert not enterprise_grants & {"system_admin", "bureau_admin"}
    assert "system_admin" not in assignable_roles(tree.city_admin).values_list("code", flat=True)
    assert "system_admin" in assignable_roles(tree.admin).values_list("code", flat=True)


def test_a_bureau_grants_the_roles_its_data_file_lets_it_grant(tree):
    """enterprise_admin, agency_admin and ops_staff name bureau_admin in ``granted_by``: modules give
    those roles rights in their own organisation that a bureau does not hold, yet the bureau opens
    their accounts."""
    assert {"enterprise_admin", "agency_admin", "ops_staff"} <= set(
        assignable_roles(tree.city_admin).values_list("code", flat=True)
    )
    assert "bureau_admin" in assignable_roles(tree.city_admin).values_list("code", flat=True)  # holds it


def test_a_role_must_fit_the_kind_of_organization(tree, login):
    client = login(tree.city_admin)
    response = client.post(reverse("core:user_add"), new_account(tree.ent_a1, role("agency_admin")))
    assert "roles" in response.context["form"].errors


def test_bureau_admin_manages_accounts_of_the_jurisdiction(tree, login):
    client = login(tree.county_a_admin)
    response = client.post(reverse("core:user_add"), new_account(tree.ent_a2, role("enterprise_admin")))
    assert response.status_code == 302
    assert client.get(reverse("core:user_edit", args=[tree.ent_b1_admin.pk])).status_code == 404


def test_new_password_is_checked_against_the_rules(tree, login):
    client = login(tree.ent_a1_admin)
    data = new_account(tree.ent_a1, role("enterprise_admin"), password1="abcdefgh", password2="abcdefgh")
    response = client.post(reverse("core:user_add"), data)
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize(
    ("password", "valid"),
    [
        ("Ab1!", False),  # too short
        ("abcdefgh12", False),  # two classes
        ("abcdefgh1!", True),  # lower, digit, symbol
        ("ABCDEFGH1a", True),  # upper, digit, lower
        ("Lantian@2026", True),
    ],
)
def test_password_complexity(db, password, valid):
    try:
        password_validation.validate_password(password, User(username="zhangsan"))
    except ValidationError:
        assert not valid
    else:
        assert valid


def test_none_of_the_last_five_passwords_can_be_reused(tree):
    user = tree.ent_a1_admin
    history = [f"Rotate#{n}pass" for n in range(1, 6)]
    for password in history:
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.save()
    for password in history:
        with pytest.raises(ValidationError):
            password_validation.validate_password(password, user)
    user.set_password("Rotate#6pass")
    user.save()
    password_validation.validate_password(history[0], user)  # six changes ago: allowed again


def test_admin_reset_forces_a_change_at_next_login(tree, login, client):
    admin_client = login(tree.county_a_admin)
    response = admin_client.post(
        reverse("core:user_set_password", args=[tree.ent_a1_admin.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    admin_client.post(reverse("logout"))

    login(tree.ent_a1_admin, NEW_PASSWORD)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))
    response = client.post(
        reverse("password_change"),
        {"old_password": NEW_PASSWORD, "new_password1": "Fresh&Start99", "new_password2": "Fresh&Start99"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_password_expiry(tree, login, client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.LANTIAN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=tree.ent_a1_admin.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    login(tree.ent_a1_admin)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))


def test_admin_disables_and_enables_an_account(tree, login, client):
    admin_client = login(tree.county_a_admin)
    admin_client.post(reverse("core:user_set_active", args=[tree.ent_a1_admin.pk]), {"active": "0"})
    tree.ent_a1_admin.refresh_from_db()
    assert not tree.ent_a1_admin.is_active
    admin_client.post(reverse("core:user_set_active", args=[tree.ent_a1_admin.pk]), {"active": "1"})
    tree.ent_a1_admin.refresh_from_db()
    assert tree.ent_a1_admin.is_active


def test_nobody_manages_their_own_account_through_the_admin_actions(tree, login):
    client = login(tree.county_a_admin)
    response = client.post(reverse("core:user_set_active", args=[tree.county_a_admin.pk]), {"active": "0"})
    assert response.status_code == 403


def test_admin_unlocks_a_locked_account(tree, client, login):
    for _ in range(5):
        client.post("/login/", {"username": "ent_a1", "password": "wrong"})
    assert client.post("/login/", {"username": "ent_a1", "password": PASSWORD}).status_code == 429
    admin_client = login(tree.county_a_admin)
    detail = admin_client.get(reverse("core:user_detail", args=[tree.ent_a1_admin.pk]))
    assert detail.context["locked"]
    admin_client.post(reverse("core:user_unlock", args=[tree.ent_a1_admin.pk]))
    admin_client.post(reverse("logout"))
    assert client.post("/login/", {"username": "ent_a1", "password": PASSWORD}).status_code == 302
