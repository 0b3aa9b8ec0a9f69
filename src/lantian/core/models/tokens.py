"""API tokens, stored as SHA-256 digests: the database never holds a key that works.

A key has 240 random bits, so a plain digest is enough (no salt, no slow hash: nothing to guess).
The first characters of the key stay visible so that a user can tell their tokens apart.
"""

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .accounts import User

PREFIX_LENGTH = 8


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        now = timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ApiTokenManager(models.Manager.from_queryset(ApiTokenQuerySet)):
    def issue(self, user: User, *, name: str = "", expires_at=None) -> tuple["ApiToken", str]:
        """A new token and its key; the key is returned here only and never stored."""
        key = secrets.token_urlsafe(30)  # 40 characters, like the keys of DRF's authtoken
        token = self.create(
            user=user, name=name, prefix=key[:PREFIX_LENGTH], digest=digest_of(key), expires_at=expires_at
        )
        return token, key

    def for_key(self, key: str) -> "ApiToken | None":
        return self.select_related("user").filter(digest=digest_of(key)).first()


class ApiToken(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(
        pgettext_lazy("API token", "name"),
        max_length=50,
        blank=True,
        help_text=_("Which program uses it, so that you recognise it later."),
    )
    prefix = models.CharField(_("key begins with"), max_length=PREFIX_LENGTH)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(
        pgettext_lazy("API token", "created"), default=timezone.now, editable=False
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True, editable=False)

    objects = ApiTokenManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… {self.name}".strip()

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
