import uuid
from datetime import timedelta

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation


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
    """Sends a user whose password was reset, or has expired, to the password change page."""

    EXEMPT_URL_NAMES = ("password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and self._must_change(user) and not self._exempt(request.path):
            return redirect(f"{reverse('password_change')}?required=1")
        return self.get_response(request)

    @staticmethod
    def _must_change(user) -> bool:
        if user.must_change_password:
            return True
        max_age = settings.LANTIAN_PASSWORD_MAX_AGE_DAYS
        changed = user.password_changed_at or user.date_joined
        return bool(max_age) and changed < timezone.now() - timedelta(days=max_age)

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
