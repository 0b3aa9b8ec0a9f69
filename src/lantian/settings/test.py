"""Tests: the embedded default, or PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

# A stand-in domain module with a reviewable model (tests/testapp), and its pages.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
ROOT_URLCONF = "tests.testapp.urls"

SECRET_KEY = "test-only-key-not-secret"
LANTIAN_DEMO_SCALE = "small"
DEBUG = False
ALLOWED_HOSTS = ["*"]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# The 前置库 of construction approvals: a second test database on the same server (created without
# migrations: the router puts only the exchange tables there).
DATABASES["exchange"] = {**DATABASES["default"], "TEST": {"MIGRATE": False}}
if os.environ.get("DATABASE_URL"):
    DATABASES["exchange"]["TEST"]["NAME"] = f"test_{DATABASES['default']['NAME']}_exchange"

if os.environ.get("REDIS_URL"):
    _cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
else:
    _cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
# Parallel workers share one Redis: each keeps its own keys (their databases reuse the same ids).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
CACHES = {
    "default": {**_cache, "KEY_PREFIX": _worker},
    "realtime": {**_cache, "KEY_PREFIX": f"realtime{_worker}"},
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # fast; tests check behaviour, not hashing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files from the source tree, looked up per request (no collectstatic, no scan per client).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Wrong API tokens are throttled per address in the shared cache; the suite's own failures from
# 127.0.0.1 must not add up to a 429 (tests/core/test_api_tokens.py sets its own limits).
LANTIAN_API_TOKEN_FAILURE_LIMIT = 1000

# Tests provoke lockouts and 4xx on purpose; keep their output to what fails.
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "ERROR"}, "loggers": {}}  # noqa: F405
