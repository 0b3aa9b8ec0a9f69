"""Records logins, logouts, failures and lockouts as LoginEvent rows (core.md "Security")."""

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from lantian.core.models import LoginEvent


def record(kind: str, request, username: str, user=None) -> LoginEvent:
    if user is None and username:
        user = get_user_model().objects.filter(username=username).first()
    return LoginEvent.objects.create(
        kind=kind,
        username=username[:150],
        user=user,
        ip_address=get_client_ip_address(request) if request is not None else None,
        user_agent=request.headers.get("user-agent", "")[:255] if request is not None else "",
    )


def _logged_in(sender, request, user, **kwargs):
    record(LoginEvent.Kind.LOGIN, request, user.get_username(), user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(LoginEvent.Kind.LOGOUT, request, user.get_username(), user)


def _login_failed(sender, credentials, request=None, **kwargs):
    record(LoginEvent.Kind.FAILURE, request, credentials.get("username") or "")


def _locked_out(sender, request, username, ip_address, **kwargs):
    record(LoginEvent.Kind.LOCKED, request, username or "")


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="lantian.login_audit.in")
    user_logged_out.connect(_logged_out, dispatch_uid="lantian.login_audit.out")
    user_login_failed.connect(_login_failed, dispatch_uid="lantian.login_audit.failed")
    user_locked_out.connect(_locked_out, dispatch_uid="lantian.login_audit.locked")
