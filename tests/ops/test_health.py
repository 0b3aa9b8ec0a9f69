"""/health/ (django-health-check) and /metrics (django-prometheus)."""

import socket

import pytest
from prometheus_client.parser import text_string_to_metric_families


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the socket is: nothing listens there


@pytest.mark.django_db(databases="__all__")  # /health/ checks every database
def test_health_passes_and_says_what_it_checked(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200, response.content
    names = " ".join(response.json())
    for part in ("Database", "Cache", "DiskSpace", "JobQueue"):
        assert part in names


@pytest.mark.django_db(databases="__all__")
def test_health_reports_a_stopped_redis(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        },
    }
    from django.core.cache import caches

    try:
        response = client.get("/health/?format=json")
    finally:
        caches._settings = caches.settings = caches.configure_settings(None)
    assert response.status_code == 500
    failing = {name: text for name, text in response.json().items() if text != "OK"}
    assert list(failing) == [next(name for name in failing if "redis" in name)], failing
    assert "Connection" in next(iter(failing.values()))


@pytest.mark.django_db
def test_metrics_are_prometheus_text(client):
    client.get("/health/")  # some traffic for the request counters
    response = client.get("/metrics")
    assert response.status_code == 200
    families = {family.name: family for family in text_string_to_metric_families(response.content.decode())}
    assert "django_http_requests_before_middlewares" in families
    assert "django_http_responses_total_by_status_view_method" in families
    statuses = {
        sample.labels.get("status")
        for sample in families["django_http_responses_total_by_status_view_method"].samples
    }
    assert statuses & {"200", "500"}
