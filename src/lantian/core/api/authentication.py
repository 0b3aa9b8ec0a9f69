"""API token authentication: ``Authorization: Token <key>``, checked against the stored digests.

A token speaks for its user only while the user may sign in: a disabled or locked account, or one
whose password must be changed (reset or expired), is refused with 403 and a message saying why.
Failed keys are counted per client address; too many in a window are answered 429 with Retry-After.
"""

import time
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from lantian.core import access_log, accounts
from lantian.core.models import AccessEvent, ApiToken
from lantian.core.passwords import password_expired

KEYWORD = "Token"
MAX_KEY_LENGTH = 100  # keys are 40 characters; anything far longer is not worth hashing
LAST_USED_PRECISION = timedelta(minutes=1)  # one write a minute per token, not one per request


class AccountRefused(exceptions.PermissionDenied):
    """403 with a machine-readable ``code`` beside the ``detail`` a person reads."""

    def __init__(self, code: str, message: str):
        super().__init__({"detail": message, "code": code})


def refusal(user) -> AccountRefused | None:
    """Why ``user`` may not use the API now, or None; sessions too (PasswordChangeRequiredMiddleware)."""
    if not user.is_active:
        return AccountRefused(
            "account_disabled", _("This account has been disabled. Ask your administrator.")
        )
    if accounts.is_locked(user):
        return AccountRefused(
            "account_locked",
            _(
                "This account is locked after 5 failed logins. Try again in 15 minutes, "
                "or ask your administrator to unlock it."
            ),
        )
    if user.must_change_password:
        return AccountRefused(
            "password_change_required",
            _("Your password was reset. Sign in to the platform, change it, then create a new API token."),
        )
    if password_expired(user):
        return AccountRefused(
            "password_expired",
            _("Your password has expired. Sign in to the platform, change it, then create a new API token."),
        )
    return None


class FailureThrottle:
    """Counts failed keys per client address in fixed windows, in the shared cache."""

    def __init__(self, request):
        self.window = settings.LANTIAN_API_TOKEN_FAILURE_WINDOW
        self.limit = settings.LANTIAN_API_TOKEN_FAILURE_LIMIT
        now = time.time()
        self.wait = int(self.window - now % self.window) + 1
        self.key = self.key_for(get_client_ip_address(request) or "unknown", now)

    @staticmethod
    def key_for(address: str, now: float) -> str:
        return f"lantian:api-token-failures:{address}:{int(now // settings.LANTIAN_API_TOKEN_FAILURE_WINDOW)}"

    def check(self):
        if cache.get(self.key, 0) >= self.limit:
            raise exceptions.Throttled(
                wait=self.wait,
                detail=_("Too many wrong API tokens from your address. Try again in %(seconds)d seconds.")
                % {"seconds": self.wait},
            )

    def failed(self, request):
        cache.add(self.key, 0, timeout=self.window + 1)
        try:
            failures = cache.incr(self.key)
        except ValueError:  # expired between add and incr
            failures = 1
        if failures == self.limit:  # recorded once per address and window, not once per attempt
            access_log.record(
                AccessEvent.Kind.FAILURE,
                request,
                "",
                detail=_("%(count)d wrong API tokens; refused for %(seconds)d seconds")
                % {"count": failures, "seconds": self.wait},
            )


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate_header(self, request):
        return KEYWORD  # makes an anonymous request 401 rather than 403

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        throttle = FailureThrottle(request)
        throttle.check()
        if len(parts) != 2 or len(parts[1]) > MAX_KEY_LENGTH:
            throttle.failed(request)
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: send “Authorization: Token <key>” with the key and nothing else.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        token = ApiToken.objects.for_key(key) if key else None
        if token is None or token.expired:
            throttle.failed(request)
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API token."))
        problem = refusal(token.user)
        if problem is not None:
            raise problem
        self._record_use(token, request)
        return token.user, token

    @staticmethod
    def _record_use(token: ApiToken, request):
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(
                last_used_at=now, last_used_ip=get_client_ip_address(request)
            )


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Tells drf-spectacular (and so Swagger UI) how the token is sent."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                "“Token ” followed by your key, e.g. `Authorization: Token 0a1b2c…`. Create a key on "
                "the API token page of the user menu; it may expire and ends with a password change."
            ),
        }
