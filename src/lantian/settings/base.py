"""Settings shared by every deployment. `embedded`, `production` and `test` build on this."""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from lantian.core.api.enum_names import RegisteredEnumNames

SRC_DIR = Path(__file__).resolve().parent.parent  # src/lantian
REPO_DIR = SRC_DIR.parent.parent
VAR_DIR = REPO_DIR / "var"  # runtime data of the embedded default: database, uploads

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "auditlog",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "health_check",  # /health/ (lantian.ops.health)
    "django_prometheus",  # /metrics
    "dbbackup",  # connectors of manage.py backup / restore (lantian.ops.backup)
    "lantian.core",
    "lantian.hj212",
    "lantian.ldar",
    "lantian.agencies",
    "lantian.knowledge",
    "lantian.cases",
    "lantian.power",
    "lantian.ops",
    "lantian.approvals",
    "lantian.air",
    "lantian.rectification",
]

# The 前置库 of construction approvals is a second database (DATABASES["exchange"]): lantian.approvals.router.
DATABASE_ROUTERS = ["lantian.approvals.router.ExchangeRouter"]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: times the whole request
    "lantian.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves /static/ with DEBUG off too (the embedded default has no nginx in front).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lantian.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lantian.core.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "lantian.core.middleware.PasswordChangeRequiredMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Axes must come last so it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lantian.urls"
WSGI_APPLICATION = "lantian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lantian.core.context_processors.shell",
            ],
        },
    },
]

# --- accounts and security (core.md "Security": 等保 2.0 level 2 as the floor) ---
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lantian.core.auth_backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "lantian.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "lantian.core.passwords.PasswordHistoryValidator", "OPTIONS": {"remember": 5}},
]
# Days after which a password must be changed; None disables expiry.
LANTIAN_PASSWORD_MAX_AGE_DAYS: int | None = None

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account for 15 minutes after 5 failed logins, whatever address they come from.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per-account, not per-address: a bureau's staff share one NAT address, and locking it would lock them all.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lantian.core.views.auth.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # core.AccessEvent is the one login audit
AXES_VERBOSE = False

# 30 minutes idle: every request renews the cookie, silence lets it lapse.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "lantian.core.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # ECharts, Leaflet and Tabler set inline styles from script.
        "style-src": ["'self'", "'unsafe-inline'"],
        # The configured map tile host is added by ContentSecurityPolicyMiddleware, nothing else:
        # an image planted in data must not reach out of the intranet.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- change log (django-auditlog) ---
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",
    "axes",
    "auditlog",
    "contenttypes",
    "auth.permission",  # created by migrate from the models, not edited by anyone
    "core.accessevent",
    "core.passwordhistory",
    "core.draft",  # a user's unfinished forms, not a record
    "core.tablepreference",  # a user's choice of list columns, not a record
    "core.reviewevent",  # itself the review history
    "core.apitoken",  # API tokens are secrets; their creation and revocation are in the access log
    # HJ 212 readings arrive by the thousand per second; they are data, not users' edits.
    "hj212.rawpacket",
    "hj212.measurement",
    "hj212.rejectedpacket",
    # An emissions account's point rows are computed from the readings (the account itself is logged);
    # untracked, recomputing a city-sized account deletes them in one statement, not row by row.
    "ldar.pointemission",
)
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "core.user", "m2m_fields": ["roles"], "exclude_fields": ["last_login"]},
    {"model": "core.role", "m2m_fields": ["permissions"]},
    {"model": "core.organization", "exclude_fields": ["path", "depth"]},
    {"model": "hj212.device", "exclude_fields": ["last_seen_at", "last_cn", "last_peer"]},
    # Which object a file or remark belongs to is in its name ("单位 #1"); the two ids are plumbing.
    {"model": "core.attachment", "exclude_fields": ["content_type", "object_id"]},
    {"model": "core.journalentry", "exclude_fields": ["content_type", "object_id"]},
)
AUDITLOG_MASK_TRACKING_FIELDS = ("password", "sm4_key")
AUDITLOG_MASK_CALLABLE = "lantian.core.masking.mask_secret"
AUDITLOG_CID_HEADER = "x-request-id"
AUDITLOG_STORE_JSON_CHANGES = True

# --- language, time ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ---
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"  # outside the static root; served only through scoped views
MEDIA_URL = "/media/"
# Attachments (lantian.core.files): the accepted types, read from the bytes, and the size limit.
# Keep nginx's client_max_body_size above the limit so the refusal is this clear message.
LANTIAN_ATTACHMENT_TYPES = [
    "pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "doc", "xls", "txt", "csv",
]  # fmt: skip
LANTIAN_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Map tiles: an internal tile server or Tianditu. Empty means the map draws without tiles.
LANTIAN_MAP_TILE_URL = ""
LANTIAN_MAP_TILE_ATTRIBUTION = ""

# --- background jobs (Celery). The embedded default runs them in-process. ---
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Shanghai"
# Periodic jobs (lantian.core.periodic) are scheduled from the database by django-celery-beat.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# How much `manage.py demo` loads: "full" for people trying Lantian, "small" for the test suite
# (the crawl test builds every module's demo). Modules scale their generated data by it.
LANTIAN_DEMO_SCALE = os.environ.get("LANTIAN_DEMO_SCALE", "full")

# Lists larger than this export as a background job instead of a direct download.
LANTIAN_EXPORT_INLINE_ROWS = 20_000
# Imports of more rows than this run as a background job with a progress bar.
LANTIAN_IMPORT_INLINE_ROWS = 2_000
# What an uploaded import file may hold, checked before it is parsed (docs/deployment.md), and what
# parsing a workbook may cost its child process (address space, seconds of wall clock and of CPU).
LANTIAN_IMPORT_MAX_BYTES = 50 * 1024 * 1024
LANTIAN_IMPORT_MAX_ROWS = 200_000  # rows of the sheet, header included
LANTIAN_IMPORT_MAX_COLUMNS = 256
LANTIAN_IMPORT_MAX_CELL_CHARS = 32_767  # Excel's own limit
LANTIAN_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # a workbook's parts, all together
LANTIAN_IMPORT_MAX_RATIO = 200  # unpacked / packed size of a part above 1 MB (zip bombs: ~1,000)
LANTIAN_IMPORT_READ_MEMORY = 2 * 1024 * 1024 * 1024
LANTIAN_IMPORT_READ_SECONDS = 120

LANTIAN_SITE_NAME = _("Lantian environmental supervision platform")
# The address users reach the site at, for full links in e-mails (e.g. https://lantian.example.gov.cn).
LANTIAN_SITE_URL = os.environ.get("LANTIAN_SITE_URL", "").rstrip("/")

# Office hours of a working day, for limits in working hours (lantian.core.worktime, docs/developing.md §7).
LANTIAN_OFFICE_HOURS = (("09:00", "12:00"), ("13:30", "17:30"))

# --- HJ 212 gateway (docs/hj212-gateway.md "Limits"); each has a `manage.py hj212_gateway` option ---
HJ212_GATEWAY = {
    "IDLE_TIMEOUT": 600,  # seconds without a byte before a connection is closed
    "FRAME_TIMEOUT": 30,  # seconds a started frame may wait for its rest before the connection closes
    "MAX_CONNECTIONS_PER_PEER": 256,  # open connections per client address (0: no limit)
    "REJECTIONS_PER_MINUTE": 60,  # refused frames stored per client address and minute; the rest counted
    "FUTURE_TOLERANCE": 600,  # seconds a DataTime may lie ahead of the gateway's clock
    "VALUE_LIMIT": 1e12,  # a value beyond ±this (or not finite) is implausible: not stored as a number
}

# --- REST API (docs/api.md): the registered models under /api/, same scope and filters as the pages ---
REST_FRAMEWORK = {
    # Token first: an anonymous request is answered 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lantian.core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# API tokens (docs/api.md): the longest life a user may choose (None: may live until revoked),
# tokens per user, and wrong keys allowed per client address and window before 429.
LANTIAN_API_TOKEN_MAX_DAYS: int | None = 365
LANTIAN_API_TOKENS_PER_USER = 10
LANTIAN_API_TOKEN_FAILURE_LIMIT = 20
LANTIAN_API_TOKEN_FAILURE_WINDOW = 300  # seconds
SPECTACULAR_SETTINGS = {
    "TITLE": format_lazy("{} API", LANTIAN_SITE_NAME),
    "DESCRIPTION": _(
        "Send your token in the header `Authorization: Token <key>`; create it on the API token page "
        "of the user menu. Every endpoint applies your permissions and data scope."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from drf-spectacular-sidecar's static files: no CDN on the intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from the public online validator: the intranet cannot reach it, nor should the schema leave.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One name per choice set of the registered models: the modules' "status" and "kind" fields differ.
    "ENUM_NAME_OVERRIDES": RegisteredEnumNames(),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Operations (lantian.ops): the platform's own backups (manage.py backup / restore, periodic job ops.backup).
LANTIAN_BACKUP_DIR = VAR_DIR / "backups"
LANTIAN_BACKUP_EVERY_HOURS = 24
LANTIAN_BACKUP_KEEP_DAYS = 30  # archives older than this are removed ...
LANTIAN_BACKUP_KEEP_MIN = 7  # ... but never the newest seven successful ones
