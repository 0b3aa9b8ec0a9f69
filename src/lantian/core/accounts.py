"""Domain actions on accounts. Views call these; the actor's scope was checked by the view's queryset."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantian.core.models import User


@transaction.atomic
def reset_password(actor: User, target: User, new_password: str) -> None:
    """Set a temporary password that ``target`` must change at the next login, and lift any lockout."""
    target.set_password(new_password)
    target.must_change_password = True
    target.save(update_fields=["password", "must_change_password"])
    axes_reset(username=target.username)


@transaction.atomic
def set_active(actor: User, target: User, active: bool) -> None:
    if target.pk == actor.pk and not active:
        raise ValueError("An administrator cannot disable their own account.")
    target.is_active = active
    target.save(update_fields=["is_active"])


def unlock(actor: User, target: User) -> None:
    axes_reset(username=target.username)


def _lockouts():
    """Attempts that lock their username now: 5 failures within the cool-off window (AXES_* settings)."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    )


def locked_usernames() -> set[str]:
    return set(_lockouts().values_list("username", flat=True))


def is_locked(user: User) -> bool:
    return _lockouts().filter(username=user.username).exists()
