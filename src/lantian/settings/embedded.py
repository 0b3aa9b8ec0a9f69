"""The zero-configuration default: SQLite in ./var, in-process jobs, local-memory cache."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("LANTIAN_DEBUG", "1") == "1"
# Only ever used on a developer's or demo machine; production refuses to start without its own key.
SECRET_KEY = "embedded-insecure-key-for-local-use-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

VAR_DIR.mkdir(exist_ok=True)
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
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Latest device values: written by the HJ 212 gateway process, read by the web process.
    "realtime": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "realtime",
    },
}

# runserver serves the vendored assets straight from the source tree.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
