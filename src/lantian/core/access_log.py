"""The access log (core.md "Security", ARCHITECTURE rule 4): logins, logouts, failures, lockouts, exports."""

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from lantian.core.models import AccessEvent


def record(kind: str, request, username: str, user=None, detail: str = "") -> AccessEvent:
    if user is None and username:
        user = get_user_model().objects.filter(username=username).first()
    return AccessEvent.objects.create(
        kind=kind,
        username=username[:150],
        user=user,
        ip_address=get_client_ip_address(request) if request is not None else None,
        user_agent=request.headers.get("user-agent", "")[:255] if request is not None else "",
        detail=detail[:500],
    )


def _logged_in(sender, request, user, **kwargs):
    record(AccessEvent.Kind.LOGIN, request, user.get_username(), user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AccessEvent.Kind.LOGOUT, request, user.get_username(), user)


def _login_failed(sender, credentials, request=None, **kwargs):
    record(AccessEvent.Kind.FAILURE, request, credentials.get("username") or "")


def _locked_out(sender, request, username, ip_address, **kwargs):
    record(AccessEvent.Kind.LOCKED, request, username or "")


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="lantian.access_log.in")
    user_logged_out.connect(_logged_out, dispatch_uid="lantian.access_log.out")
    user_login_failed.connect(_login_failed, dispatch_uid="lantian.access_log.failed")
    user_locked_out.connect(_locked_out, dispatch_uid="lantian.access_log.locked")
