import uuid
from functools import lru_cache
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from lantian.core.passwords import must_change_password


class RequestIdMiddleware:
    """Gives every request an id (from nginx's X-Request-ID or a new one) that the change log records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        request.META["HTTP_X_REQUEST_ID"] = request_id
        request.id = request_id
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class PasswordChangeRequiredMiddleware:
    """Sends a user whose password was reset, or has expired, to the password change page.

    API requests get 403 with the reason instead: a program cannot follow a redirect to a form.
    (Token requests are refused by the token authentication for the same reasons.)
    """

    EXEMPT_URL_NAMES = ("password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and must_change_password(user) and not self._exempt(request.path):
            if request.path.startswith(reverse("api:api-root")):
                from lantian.core.api.authentication import refusal

                return JsonResponse(refusal(user).detail, status=403)
            return redirect(f"{reverse('password_change')}?required=1")
        return self.get_response(request)

    def _exempt(self, path: str) -> bool:
        return path.startswith(
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
        ) or any(path == reverse(name) for name in self.EXEMPT_URL_NAMES)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose another language in the language switch.

    The browser's Accept-Language is ignored on purpose: intranet desktops often run English
    Windows while their users expect the Chinese interface.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


@lru_cache(maxsize=8)
def tile_sources(tile_url: str) -> tuple[str, ...]:
    """The CSP source of a Leaflet tile URL template: its scheme and host, a "{s}" label as "*".

    "https://t{s}.tianditu.gov.cn/vec_w/wmts?…" → "https://*.tianditu.gov.cn"; a relative URL
    is served by this site ('self'). A template CSP cannot express allows no tiles rather than all.
    """
    parts = urlsplit(tile_url)
    if not parts.netloc:
        return ()
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    host = ".".join(labels)
    if "{" in host or "}" in host or parts.scheme not in ("http", "https", ""):
        return ()
    return (f"{parts.scheme}://{host}" if parts.scheme else host,)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp, with the configured map tile host added to img-src ('self' and data: in settings).

    Derived at request time from LANTIAN_MAP_TILE_URL, so the policy follows the configuration.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        tiles = tile_sources(settings.LANTIAN_MAP_TILE_URL)
        if tiles and not report_only:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", ()), *tiles]
            parts.update = update
        return parts
