"""The zero-configuration default: SQLite in ./var, in-process jobs, local-memory cache."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import STATIC_ROOT, VAR_DIR

# Off unless asked for (LANTIAN_DEBUG=1): a debug page shows tracebacks, settings and every URL.
DEBUG = os.environ.get("LANTIAN_DEBUG", "0") == "1"
# Only ever used on a developer's or demo machine; production refuses to start without its own key.
SECRET_KEY = "embedded-insecure-key-for-local-use-only"
# This machine only, unless LANTIAN_ALLOWED_HOSTS names more (comma-separated), e.g. for a demo on a LAN.
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("LANTIAN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]

VAR_DIR.mkdir(exist_ok=True)
STATIC_ROOT.mkdir(exist_ok=True)  # empty unless collectstatic ran; WhiteNoise expects it
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "lantian.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        },
    }
}
# The 前置库 (exchange database) of construction approvals: an SQLite file unless
# LANTIAN_EXCHANGE_URL names one.
DATABASES["exchange"] = dj_database_url.parse(
    os.environ.get("LANTIAN_EXCHANGE_URL") or f"sqlite:///{VAR_DIR / 'exchange.sqlite3'}"
)
# No mail server on a demo or an intranet machine: e-mails (ops escalations) are written to var/mail.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Latest device values: written by the HJ 212 gateway process, read by the web process.
    "realtime": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "realtime",
    },
}

# WhiteNoise serves the vendored assets straight from the source tree, DEBUG or not: no collectstatic.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
