"""Password rules of core.md "Security": three of four character classes, no reuse of the last five."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())


def password_expired(user) -> bool:
    """Older than LANTIAN_PASSWORD_MAX_AGE_DAYS (never, when that is None)."""
    max_age = settings.LANTIAN_PASSWORD_MAX_AGE_DAYS
    changed = user.password_changed_at or user.date_joined
    return bool(max_age) and changed < timezone.now() - timedelta(days=max_age)


def must_change_password(user) -> bool:
    """The user may do nothing but change their password: it was reset or has expired."""
    return user.must_change_password or password_expired(user)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(any(test(c) for c in password) for test in CHARACTER_CLASSES)
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must contain at least %(count)d of these: lower-case letters, upper-case letters, "
            "digits, symbols."
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    def __init__(self, remember: int = 5):
        self.remember = remember

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        previous = user.password_history.values_list("password", flat=True)[: self.remember]
        if any(check_password(password, encoded) for encoded in previous):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        """Called by Django once the new password is saved."""
        if user is None or user.pk is None:
            return
        user.password_history.create(password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[self.remember :]
        user.password_history.filter(pk__in=list(stale)).delete()
        type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now())

    def get_help_text(self):
        return ngettext(
            "Your password must differ from your previous password.",
            "Your password must differ from your last %(count)d passwords.",
            self.remember,
        ) % {"count": self.remember}
