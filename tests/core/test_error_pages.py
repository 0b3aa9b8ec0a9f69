"""Error pages and the embedded default's safety (penetration test, issue 11): no debug pages, branded
Chinese 400/403/404/500 and CSRF pages with a way back, static files served with DEBUG off."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lantian.core.views import errors
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
BRAND = "蓝天环境监管平台"
REPO = Path(__file__).resolve().parents[2]


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def assert_branded(response, status: int, heading: str):
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="zh-hans">' in page and BRAND in page
    assert f"<h1>{zh(heading)}</h1>" in page
    assert 'href="/"' in page  # home
    assert "Traceback" not in page and "URLconf" not in page and "settings.py" not in page
    return page


def test_404_is_branded_and_lists_no_url_patterns(db, client, settings):
    assert not settings.DEBUG
    page = assert_branded(client.get("/no-such-page/"), 404, "Page not found")
    assert "api/" not in page and "core/" not in page and "no-such-page" not in page


def test_404_offers_the_page_the_user_came_from_but_not_another_site(db, client):
    page = client.get("/missing/", HTTP_REFERER="http://testserver/core/organizations/").content.decode()
    assert 'href="http://testserver/core/organizations/"' in page
    page = client.get("/missing/", HTTP_REFERER="https://evil.example/phish").content.decode()
    assert "evil.example" not in page


def test_403_is_branded(tree, login):
    client = login(tree.county_a_admin)
    # Nobody manages their own account through the administrator's actions: PermissionDenied.
    response = client.get(reverse("core:user_set_password", args=[tree.county_a_admin.pk]))
    assert_branded(response, 403, "Access denied")


def test_csrf_failure_is_branded_and_says_what_to_do(tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": tree.ent_a1_admin.username, "password": PASSWORD})
    assert_branded(response, 403, "The form has expired")


def test_400_is_branded(db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = Client().get("/login/", HTTP_HOST="evil.example")
    assert_branded(response, 400, "Bad request")


def test_500_is_branded_without_a_traceback(tree, login, monkeypatch):
    client = login(tree.county_a_admin)
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail from deep inside")

    monkeypatch.setattr("lantian.core.views.home.HomeView.get", broken)
    response = client.get("/", HTTP_X_REQUEST_ID="req-4711")
    page = assert_branded(response, 500, "Server error")
    assert "secret detail" not in page and "RuntimeError" not in page
    assert "req-4711" in page  # the reference an administrator finds in the log


def test_500_needs_neither_the_database_nor_the_context_processors(
    db, monkeypatch, django_assert_num_queries
):
    def failing(request):
        raise RuntimeError("context processor down")

    monkeypatch.setattr("lantian.core.context_processors.shell", failing)
    request = RequestFactory().get("/")
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500 and BRAND in response.content.decode()


# --- the embedded default, as `make demo` runs it ---

PROBE = """
import json, io, sys
from wsgiref.util import setup_testing_defaults
from django.conf import settings
from django.core.wsgi import get_wsgi_application

app = get_wsgi_application()

def get(path):
    environ = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1:8000", "wsgi.errors": io.StringIO()}
    setup_testing_defaults(environ)
    status = []
    body = b"".join(app(environ, lambda s, h, exc_info=None: status.append(s)))
    return int(status[0].split()[0]), body.decode("utf-8", "replace")

static_status, static_body = get("/static/lantian/js/lantian.js")
missing_status, missing_body = get("/no-such-page/")
print(json.dumps({
    "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
    "static": static_status, "static_is_lantian_js": "escapeHtml" in static_body,
    "missing": missing_status, "missing_body": missing_body,
}))
"""


def embedded(**env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": "src",
            "DJANGO_SETTINGS_MODULE": "lantian.settings.embedded",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_default_runs_without_debug_and_still_serves_static_files():
    probe = embedded()
    assert probe["debug"] is False
    assert probe["hosts"] == ["127.0.0.1", "localhost", "[::1]"]
    assert probe["static"] == 200 and probe["static_is_lantian_js"]
    assert probe["missing"] == 404
    assert BRAND in probe["missing_body"] and "URLconf" not in probe["missing_body"]


def test_the_embedded_default_takes_debug_and_hosts_from_the_environment():
    probe = embedded(LANTIAN_DEBUG="1", LANTIAN_ALLOWED_HOSTS="127.0.0.1, demo.lan")
    assert probe["debug"] is True and probe["hosts"] == ["127.0.0.1", "demo.lan"]
