"""API tokens (docs/api.md "Tokens"): stored as digests, shown once, optional expiry, revoked with the
password or the account, refused while the account may not sign in, wrong keys throttled per address."""

import hashlib
import time
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from lantian.core.api.authentication import FailureThrottle
from lantian.core.models import AccessEvent, ApiToken, Organization, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Temp#Reset2026"
ORGS = "/api/core/organizations/"


DEFAULT_IP = "198.51.100.7"
THROTTLED = (DEFAULT_IP, "203.0.113.9", "203.0.113.20")  # the addresses these tests fail from


@pytest.fixture(autouse=True)
def _fresh_failure_counts():
    """The per-address counts live in the shared cache (Redis across workers and runs): forget ours only."""
    now = time.time()
    window = django_settings.LANTIAN_API_TOKEN_FAILURE_WINDOW
    keys = [FailureThrottle.key_for(ip, t) for ip in THROTTLED for t in (now - window, now, now + window)]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def zh(message: str) -> str:
    """A message as a Chinese user reads it (through the catalogue)."""
    with translation.override("zh-hans"):
        return gettext(message)


def api(key: str, ip: str = DEFAULT_IP) -> APIClient:
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def create_on_page(client, **data):
    return client.post(reverse("core:api_token"), {"action": "create", "days": 30, **data})


def key_of(response) -> str:
    return response.context["new_key"]


# --- the page: create, shown once, stored as a digest, revoke ---


def test_a_key_is_shown_once_and_only_its_digest_is_stored(tree, login):
    client = login(tree.ent_a1_admin)
    response = create_on_page(client, name="LIMS 接口")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = key_of(response)
    assert key in response.content.decode()

    token = ApiToken.objects.get(user=tree.ent_a1_admin)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8] and token.name == "LIMS 接口"
    stored = [
        str(value)
        for value in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.fields]).get()
    ]
    assert not any(key in value for value in stored)

    page = client.get(reverse("core:api_token")).content.decode()
    assert key not in page and f"{key[:8]}…" in page and "LIMS 接口" in page
    assert api(key).get(ORGS).status_code == 200


def test_each_program_gets_its_own_token_and_revoking_one_leaves_the_other(tree, login):
    client = login(tree.ent_a1_admin)
    first, second = key_of(create_on_page(client, name="a")), key_of(create_on_page(client, name="b"))
    token = ApiToken.objects.get(name="a")
    client.post(reverse("core:api_token"), {"action": "revoke", "token": token.pk})
    assert api(first).get(ORGS).status_code == 401
    assert api(second).get(ORGS).status_code == 200
    kinds = list(AccessEvent.objects.filter(user=tree.ent_a1_admin).values_list("kind", flat=True))
    assert (
        kinds.count(AccessEvent.Kind.TOKEN_CREATED) == 2 and kinds.count(AccessEvent.Kind.TOKEN_REVOKED) == 1
    )


def test_nobody_revokes_someone_elses_token(tree, login):
    _token, key = ApiToken.objects.issue(tree.ent_a2_admin)
    client = login(tree.ent_a1_admin)
    client.post(reverse("core:api_token"), {"action": "revoke", "token": _token.pk})
    assert api(key).get(ORGS).status_code == 200


def test_the_token_page_needs_login_and_is_in_the_user_menu(tree, client, login):
    assert client.get(reverse("core:api_token"))["Location"].startswith("/login/")
    home = login(tree.ent_a1_admin).get("/")
    assert reverse("core:api_token") in home.content.decode()


def test_tokens_stay_out_of_the_change_log(tree):
    ApiToken.objects.issue(tree.ent_a1_admin)
    assert not LogEntry.objects.filter(content_type__model="apitoken").exists()


def test_tokens_per_user_are_bounded(tree, login, settings):
    settings.LANTIAN_API_TOKENS_PER_USER = 2
    client = login(tree.ent_a1_admin)
    create_on_page(client)
    create_on_page(client)
    response = create_on_page(client)
    limit = zh("You already have %(count)d API tokens, the most allowed. Revoke one you no longer use.")
    assert response.status_code == 400 and limit % {"count": 2} in response.content.decode()
    assert ApiToken.objects.filter(user=tree.ent_a1_admin).count() == 2


# --- expiry ---


def test_the_user_chooses_the_lifetime_and_an_expired_token_is_refused(tree, login):
    client = login(tree.ent_a1_admin)
    key = key_of(create_on_page(client, days=30))
    token = ApiToken.objects.get()
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert api(key).get(ORGS).status_code == 200

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api(key).get(ORGS)
    assert response.status_code == 401
    assert response.json()["detail"] == zh("Invalid, expired or revoked API token.")
    assert zh("Expired") in client.get(reverse("core:api_token")).content.decode()  # the page says so


def test_a_lifetime_beyond_the_configured_maximum_is_refused(tree, login, settings):
    settings.LANTIAN_API_TOKEN_MAX_DAYS = 60
    client = login(tree.ent_a1_admin)
    for days in (90, "", "abc"):
        response = create_on_page(client, days=days)
        assert response.status_code == 400, days
    assert not ApiToken.objects.exists()
    assert create_on_page(client, days=60).status_code == 200


def test_without_a_maximum_a_token_may_live_until_revoked(tree, login, settings):
    settings.LANTIAN_API_TOKEN_MAX_DAYS = None
    client = login(tree.ent_a1_admin)
    assert create_on_page(client, days="").status_code == 200
    assert ApiToken.objects.get().expires_at is None


# --- revoked with the password and the account (the penetration test's finding) ---


def test_an_administrators_password_reset_revokes_the_users_tokens(tree, login):
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    program = api(key)
    assert program.get(ORGS).status_code == 200

    admin = login(tree.county_a_admin)
    admin.post(
        reverse("core:user_set_password", args=[tree.ent_a1_admin.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert program.get(ORGS).status_code == 401
    assert (
        program.patch(f"{ORGS}{tree.ent_a1.pk}/", {"contact_person": "X"}, format="json").status_code == 401
    )
    assert Organization.objects.get(pk=tree.ent_a1.pk).contact_person != "X"
    assert AccessEvent.objects.filter(user=tree.ent_a1_admin, kind=AccessEvent.Kind.TOKEN_REVOKED).exists()


def test_changing_ones_own_password_revokes_ones_tokens(tree, login):
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    client = login(tree.ent_a1_admin)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Fresh&Start99", "new_password2": "Fresh&Start99"},
    )
    assert response.status_code == 302
    assert api(key).get(ORGS).status_code == 401


def test_disabling_the_account_revokes_its_tokens(tree, login):
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    admin = login(tree.county_a_admin)
    admin.post(reverse("core:user_set_active", args=[tree.ent_a1_admin.pk]), {"active": "0"})
    admin.post(reverse("core:user_set_active", args=[tree.ent_a1_admin.pk]), {"active": "1"})
    assert not ApiToken.objects.filter(user=tree.ent_a1_admin).exists()
    assert api(key).get(ORGS).status_code == 401


# --- the account rules apply to token requests: 403 with the reason ---


def refused(key) -> dict:
    response = api(key).get(ORGS)
    assert response.status_code == 403, response.content.decode()
    return response.json()


def test_a_token_of_an_account_that_must_change_its_password_is_refused(tree):
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    User.objects.filter(pk=tree.ent_a1_admin.pk).update(must_change_password=True)  # no save(): kept
    body = refused(key)
    assert body["code"] == "password_change_required"
    assert body["detail"] == zh(
        "Your password was reset. Sign in to the platform, change it, then create a new API token."
    )


def test_a_token_of_an_account_whose_password_expired_is_refused(tree, settings):
    settings.LANTIAN_PASSWORD_MAX_AGE_DAYS = 90
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    User.objects.filter(pk=tree.ent_a1_admin.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    body = refused(key)
    assert body["code"] == "password_expired"
    assert body["detail"] == zh(
        "Your password has expired. Sign in to the platform, change it, then create a new API token."
    )


def test_a_token_of_a_locked_account_is_refused(tree):
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    AccessAttempt.objects.create(
        username=tree.ent_a1_admin.username, ip_address="10.0.0.1", user_agent="", failures_since_start=5
    )
    body = refused(key)
    assert body["code"] == "account_locked" and "锁定" in body["detail"]


def test_a_token_of_a_disabled_account_is_refused_even_if_not_yet_revoked(tree):
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    User.objects.filter(pk=tree.ent_a1_admin.pk).update(is_active=False)  # a bulk update skips save()
    body = refused(key)
    assert body == {"code": "account_disabled", "detail": "该账户已被禁用，请联系管理员。"}


def test_a_browser_session_that_must_change_the_password_gets_403_from_the_api(tree, login):
    client = login(tree.ent_a1_admin)
    User.objects.filter(pk=tree.ent_a1_admin.pk).update(must_change_password=True)
    response = client.get(ORGS)
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"
    assert client.get("/")["Location"].startswith(reverse("password_change"))  # pages still redirect


# --- wrong keys are throttled per address ---


def test_wrong_keys_from_one_address_are_answered_429_with_retry_after(tree, settings):
    settings.LANTIAN_API_TOKEN_FAILURE_LIMIT = 5
    _token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    for attempt in range(5):
        assert api(f"wrong{attempt}", ip="203.0.113.9").get(ORGS).status_code == 401
    response = api("wrong-again", ip="203.0.113.9").get(ORGS)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.LANTIAN_API_TOKEN_FAILURE_WINDOW + 1
    assert api(key, ip="203.0.113.9").get(ORGS).status_code == 429  # even a right key, meanwhile
    assert api(key, ip="203.0.113.10").get(ORGS).status_code == 200  # other addresses are not affected
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.FAILURE)
    assert event.ip_address == "203.0.113.9"


def test_an_oversized_or_malformed_header_counts_as_a_failure(tree, settings):
    settings.LANTIAN_API_TOKEN_FAILURE_LIMIT = 2
    client = APIClient(REMOTE_ADDR="203.0.113.20")
    client.credentials(HTTP_AUTHORIZATION="Token " + "x" * 10_000)
    assert client.get(ORGS).status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token a b")
    assert client.get(ORGS).status_code == 401
    assert client.get(ORGS).status_code == 429


# --- use is recorded ---


def test_last_use_is_recorded_with_the_address(tree):
    token, key = ApiToken.objects.issue(tree.ent_a1_admin)
    api(key, ip="192.0.2.44").get(ORGS)
    token.refresh_from_db()
    assert token.last_used_ip == "192.0.2.44"
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


# --- keys of DRF's authtoken carried over ---


def test_the_migration_hashes_old_authtoken_keys_and_drops_their_table(tree):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("lantian.core.migrations.0007_hash_authtoken_keys")
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    created_type = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, '
            f'"created" {created_type} NOT NULL, "user_id" bigint NOT NULL)'
        )
        cursor.execute(
            'INSERT INTO "authtoken_token" ("key", "created", "user_id") VALUES (%s, %s, %s)',
            [old_key, timezone.now() - timedelta(days=3), tree.ent_a1_admin.pk],
        )

    class SchemaEditor:  # what the migration uses; SQLite's own cannot open inside the test's transaction
        quote_name = staticmethod(connection.ops.quote_name)

        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.hash_old_keys(apps, SchemaEditor())

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=tree.ent_a1_admin)
    assert token.prefix == old_key[:8] and token.expires_at is None
    assert timedelta(days=2) < timezone.now() - token.created_at < timedelta(days=4)
    assert api(old_key).get(ORGS).status_code == 200  # nobody is locked out


# --- the schema describes the scheme ---


def test_the_schema_documents_the_token_header(admin_client):
    schema = admin_client.get(reverse("api:schema"), {"format": "json"}).json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey" and scheme["in"] == "header" and scheme["name"] == "Authorization"
    assert not any(name.startswith("authtoken") for name in schema["components"]["securitySchemes"])
    operation = schema["paths"][ORGS]["get"]
    assert {"tokenAuth": []} in operation["security"]


def test_a_session_without_token_still_works_for_the_browser(tree, login):
    assert login(tree.county_a_admin).get(ORGS).status_code == 200
    assert Client().get(ORGS).status_code == 401
