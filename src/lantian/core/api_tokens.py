"""Domain actions on API tokens: issue, revoke. Every step goes to the access log."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantian.core import access_log
from lantian.core.models import AccessEvent, ApiToken, User


class TokenLimitReached(Exception):
    pass


def max_days() -> int | None:
    """The longest life a user may give a token; None lets a token live until revoked."""
    return settings.LANTIAN_API_TOKEN_MAX_DAYS


@transaction.atomic
def issue(user: User, request, *, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` that expires after ``days`` (never if None); returns it with its key."""
    # Lock the user's row so that two concurrent requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if user.api_tokens.live().count() >= settings.LANTIAN_API_TOKENS_PER_USER:  # expired ones do not count
        raise TokenLimitReached
    expires_at = timezone.now() + timedelta(days=days) if days else None
    token, key = ApiToken.objects.issue(user, name=name, expires_at=expires_at)
    access_log.record(AccessEvent.Kind.TOKEN_CREATED, request, user.username, user, detail=str(token))
    return token, key


def revoke(tokens, request=None, reason: str = "") -> int:
    """Delete ``tokens`` (a queryset): their keys stop working at once."""
    revoked = 0
    with transaction.atomic():
        for token in tokens.select_related("user").select_for_update():
            detail = f"{token} {reason}".strip()
            access_log.record(
                AccessEvent.Kind.TOKEN_REVOKED, request, token.user.username, token.user, detail=detail
            )
            token.delete()
            revoked += 1
    return revoked
