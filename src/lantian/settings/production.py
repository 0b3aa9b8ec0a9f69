"""Production: PostgreSQL from DATABASE_URL, Redis from REDIS_URL, secrets from the environment."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} is required in production.")
    return value


def _secret_key() -> str:
    key = _require("SECRET_KEY")
    # Django's own check (security.W009) only warns; a weak key here is refused outright.
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure") or "insecure" in key:
        raise ImproperlyConfigured(
            "SECRET_KEY is insecure: use at least 50 random characters, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    return key


SECRET_KEY = _secret_key()

# whitenoise (in base MIDDLEWARE) serves the collected, hashed, compressed assets when nginx does not.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in _require("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

DATABASES = {
    "default": dj_database_url.parse(_require("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)
}
# The 前置库 of construction approvals: LANTIAN_EXCHANGE_URL, or else the schema LANTIAN_EXCHANGE_SCHEMA
# (default "spgl", created by the DBA) of the main database.
DATABASES["exchange"] = dj_database_url.parse(
    os.environ.get("LANTIAN_EXCHANGE_URL") or _require("DATABASE_URL"),
    conn_max_age=60,
    conn_health_checks=True,
)
if not os.environ.get("LANTIAN_EXCHANGE_URL"):
    DATABASES["exchange"].setdefault("OPTIONS", {})["options"] = (
        f"-c search_path={os.environ.get('LANTIAN_EXCHANGE_SCHEMA', 'spgl')}"
    )
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _require("REDIS_URL")},
    # Latest device values, written by the HJ 212 gateways (lantian.hj212.storage).
    "realtime": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _require("REDIS_URL")},
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or _require("REDIS_URL")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Many government intranets serve plain HTTP; secure-only cookies and HSTS follow LANTIAN_HTTPS.
HTTPS = os.environ.get("LANTIAN_HTTPS", "1") == "1"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("LANTIAN_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx in front adds one X-Forwarded-For hop; the login audit and lockout use the client address.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("LANTIAN_PROXY_COUNT", "1"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

MEDIA_ROOT = os.environ.get("LANTIAN_MEDIA_ROOT", str(MEDIA_ROOT))  # noqa: F405
STATIC_ROOT = os.environ.get("LANTIAN_STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
# Outgoing mail (ops escalations to a contract's contacts): the organisation's SMTP relay.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lantian@localhost")
LANTIAN_MAP_TILE_URL = os.environ.get("LANTIAN_MAP_TILE_URL", "")
LANTIAN_MAP_TILE_ATTRIBUTION = os.environ.get("LANTIAN_MAP_TILE_ATTRIBUTION", "")
if os.environ.get("LANTIAN_API_TOKEN_MAX_DAYS"):
    # 0: tokens may live until revoked
    LANTIAN_API_TOKEN_MAX_DAYS = int(os.environ["LANTIAN_API_TOKEN_MAX_DAYS"]) or None
if os.environ.get("LANTIAN_PASSWORD_MAX_AGE_DAYS"):
    LANTIAN_PASSWORD_MAX_AGE_DAYS = int(os.environ["LANTIAN_PASSWORD_MAX_AGE_DAYS"])
if os.environ.get("LANTIAN_OFFICE_HOURS"):  # e.g. 09:00-12:00,13:30-17:30 (checked by manage.py check)
    LANTIAN_OFFICE_HOURS = tuple(
        tuple(period.strip().split("-", 1)) for period in os.environ["LANTIAN_OFFICE_HOURS"].split(",")
    )
