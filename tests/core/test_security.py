"""Security rules of core.md: lockout, login audit, idle expiry, headers, CSRF, production secrets."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantian.core.models import AccessEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.1.2.3"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_six_wrong_passwords_lock_the_account_and_the_audit_shows_it(tree, client):
    user = tree.ent_a1_admin
    for _ in range(5):
        response = attempt(client, user.username, "wrong-password")
    response = attempt(client, user.username, "wrong-password")  # the sixth
    assert response.status_code == 429
    page = response.content.decode()
    assert "锁定" in page and "15" in page  # "locked … 15 minutes", in Chinese

    # Even the right password is refused while locked.
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    events = AccessEvent.objects.filter(username=user.username)
    assert events.filter(kind=AccessEvent.Kind.FAILURE).count() >= 5
    assert events.filter(kind=AccessEvent.Kind.LOCKED).exists()
    assert set(events.values_list("ip_address", flat=True)) == {"10.1.2.3"}
    assert events.filter(kind=AccessEvent.Kind.FAILURE).first().user == user


def test_lock_holds_across_addresses_and_lifts_after_15_minutes(tree, client):
    user = tree.ent_a1_admin
    for i in range(5):
        attempt(client, user.username, "wrong-password", ip=f"10.0.0.{i}")
    assert attempt(client, user.username, PASSWORD, ip="10.9.9.9").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_four_failures_do_not_lock_and_success_resets_the_count(tree, client):
    user = tree.ent_a1_admin
    for _ in range(4):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_login_and_logout_are_audited_with_ip(tree, client):
    attempt(client, tree.county_a_admin.username, PASSWORD, ip="192.0.2.10")
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.10")
    kinds = list(
        AccessEvent.objects.filter(user=tree.county_a_admin)
        .order_by("at", "pk")
        .values_list("kind", "ip_address")
    )
    assert kinds == [("login", "192.0.2.10"), ("logout", "192.0.2.10")]


def test_unknown_username_failures_are_audited_too(db, client):
    attempt(client, "nobody", "whatever")
    event = AccessEvent.objects.get()
    assert (event.kind, event.username, event.user) == ("failure", "nobody", None)


def test_disabled_account_cannot_log_in(tree, client):
    tree.ent_a1_admin.is_active = False
    tree.ent_a1_admin.save()
    assert attempt(client, "ent_a1", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_session_expires_after_30_idle_minutes(tree, login, client):
    login(tree.county_a_admin)
    assert client.session.get_expiry_age() == 30 * 60
    assert client.get("/").status_code == 200
    session = client.session
    session.set_expiry(-1)  # as if the last request was more than 30 minutes ago
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_need_login(db, client):
    response = client.get(reverse("core:organization_list"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_security_headers(tree, login, client):
    login(tree.county_a_admin)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert len(response["X-Request-ID"]) >= 16


def csp_directive(response, name: str) -> list[str]:
    directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    return directives[name].split()


def test_images_come_only_from_this_site_and_data_urls_without_a_tile_server(db, client, settings):
    settings.LANTIAN_MAP_TILE_URL = ""
    assert csp_directive(client.get("/login/"), "img-src") == ["'self'", "data:"]


@pytest.mark.parametrize(
    ("tile_url", "allowed"),
    [
        ("https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}", "https://*.tianditu.gov.cn"),
        ("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", "http://10.1.2.3:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),  # served by this site: 'self'
    ],
)
def test_the_configured_tile_host_is_the_only_other_image_source(db, client, settings, tile_url, allowed):
    settings.LANTIAN_MAP_TILE_URL = tile_url
    sources = csp_directive(client.get("/login/"), "img-src")
    assert sources == ["'self'", "data:", *([allowed] if allowed else [])]


def test_login_form_rejects_a_post_without_csrf_token(tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "ent_a1", "password": PASSWORD})
    assert response.status_code == 403


def production_settings_error(**env) -> str:
    base = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": "src",
        "DJANGO_SETTINGS_MODULE": "lantian.settings.production",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    return result.stderr if result.returncode else ""


GOOD = {
    "ALLOWED_HOSTS": "lantian.example",
    "DATABASE_URL": "postgres://u@127.0.0.1/x",
    "REDIS_URL": "redis://127.0.0.1",
}


def test_production_refuses_to_start_without_a_secret_key():
    assert "SECRET_KEY is required" in production_settings_error(**GOOD)


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 60, "a" * 64])
def test_production_refuses_an_insecure_secret_key(key):
    assert "SECRET_KEY is insecure" in production_settings_error(SECRET_KEY=key, **GOOD)


def test_production_starts_with_a_strong_key():
    key = "Zq3" + "".join(chr(65 + (i * 7) % 26) + str(i % 10) for i in range(30))
    assert production_settings_error(SECRET_KEY=key, **GOOD) == ""
