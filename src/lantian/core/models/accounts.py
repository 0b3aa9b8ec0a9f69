from django.contrib.auth.models import AbstractUser, Permission
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantian.core.scope import RestrictedManager, RestrictedQuerySet

from .organizations import Organization


class Role(models.Model):
    """A named bundle of permissions. Built-in roles are synchronised from ``data/roles.json``."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    builtin = models.BooleanField(_("built-in"), default=False, editable=False)
    sees_everything = models.BooleanField(
        _("sees everything"), default=False, help_text=_("System administrators see every organization.")
    )
    org_kinds = models.JSONField(
        _("organization kinds"),
        default=list,
        blank=True,
        help_text=_("Kinds of organization whose users may hold it."),
    )
    permissions = models.ManyToManyField(Permission, blank=True, verbose_name=_("permissions"))

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:role_detail", args=[self.pk])

    def allows(self, kind: str) -> bool:
        """Whether users of an organisation of ``kind`` may hold this role (no kinds: any)."""
        return not self.org_kinds or kind in self.org_kinds

    def delete(self, *args, **kwargs):
        """Built-in roles are seed data, and a role still held by accounts would silently take their
        rights away: neither is deleted, whichever page, API call or script asks."""
        holders = list(self.users.all()[:5])
        if self.builtin or holders:
            raise models.ProtectedError(
                _("%(role)s is built in or still held by accounts and cannot be deleted.") % {"role": self},
                holders or [self],
            )
        return super().delete(*args, **kwargs)

    @classmethod
    def changelog_values(cls, field_name: str, values: list) -> list:
        """How the change log names the values of ``field_name``: permissions as the permission tree
        does (module, model, action in the reader's language), organisation kinds by their labels."""
        if field_name == "permissions":
            from lantian.core.permission_tree import describe

            return describe(values)
        if field_name == "org_kinds":
            labels = dict(Organization.Kind.choices)
            return [str(labels.get(value, value)) for value in values]
        return values


class UserManager(DjangoUserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    first_name = None
    last_name = None
    name = models.CharField(_("full name"), max_length=50, blank=True)
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=pgettext_lazy("field", "organization"),
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("roles"))
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    password_changed_at = models.DateTimeField(
        _("password changed at"), null=True, blank=True, editable=False
    )

    REQUIRED_FIELDS = ["email"]
    scope_path = "organization"
    scope_follows_links = False  # a client's accounts stay private to the client
    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return f"{self.name}（{self.username}）" if self.name else self.username

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username

    def get_absolute_url(self):
        return reverse("core:user_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        """A new password or a disabled account ends the account's API tokens, as it ends its sessions.

        Here rather than in each view: passwords are set by the reset, the change page, imports and
        manage.py commands alike, and any of them must leave no working token behind.
        """
        existing = not self._state.adding
        password_set = self._password is not None
        super().save(*args, **kwargs)
        if existing and (password_set or not self.is_active):
            from lantian.core import api_tokens

            reason = _("(password changed)") if password_set else _("(account disabled)")
            api_tokens.revoke(self.api_tokens.all(), reason=str(reason))


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so the last five cannot be reused."""

    user = models.ForeignKey(User, models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("password history")
        verbose_name_plural = _("password history")

    def __str__(self):
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"


class AccessEvent(models.Model):
    """The access log: logins, logouts, failures, lockouts and data exports, with the client address."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGOUT = "logout", _("Logout")
        FAILURE = "failure", _("Failed login")
        LOCKED = "locked", _("Account locked")
        EXPORT = "export", _("Export")
        TOKEN_CREATED = "token_new", _("API token created")
        TOKEN_REVOKED = "token_del", _("API token revoked")

    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    username = models.CharField(_("username"), max_length=150)
    user = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="access_events", verbose_name=_("user")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    scope_path = "user__organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["username", "-at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"
