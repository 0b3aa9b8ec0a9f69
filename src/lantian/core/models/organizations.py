from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Length, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantian.core.scope import RestrictedManager
from lantian.core.standards.credit_code import CreditCodeError, normalize_credit_code, validate_credit_code

CREDIT_CODE_MESSAGES = {
    "type": _("The unified social credit code must be text."),
    "length": _("The unified social credit code has 18 characters."),
    "character": _(
        "Character %(position)s is not allowed: use digits and capital letters except I, O, S, V, Z."
    ),
    "authority": _("The first character is not a registration-authority code of GB 32100."),
    "category": _("The second character is not an organization category of that registration authority."),
    "division": _("Characters 3–8 are not an administrative-division code."),
    "check": _(
        "The check character (the 18th) is wrong: with these first 17 characters it must be %(expected)s."
    ),
}


def credit_code_message(error: CreditCodeError) -> str:
    return CREDIT_CODE_MESSAGES[error.reason] % {"position": error.position, "expected": error.expected}


class Division(models.Model):
    """An administrative division with its GB/T 2260 six-digit code (reference data)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent division"),
    )

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        return reverse("core:division_detail", args=[self.pk])


class Organization(models.Model):
    """A node of the organisation tree. ``path`` is the materialised path ``/1/5/12/`` of ids."""

    class Kind(models.TextChoices):
        REGULATOR = "regulator", _("Regulator")
        ENTERPRISE = "enterprise", _("Enterprise")
        AGENCY = "agency", _("Testing agency")
        VENDOR = "vendor", _("Operations vendor")
        DEPARTMENT = "department", _("Department")
        DIVISION = "division", _("Administrative division")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organization"),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    division = models.ForeignKey(
        Division,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("division"),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("18 characters, GB 32100-2015"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=10, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = ""
    objects = RestrictedManager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organization_name_unique_in_parent"),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organization_credit_code_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="enterprise") | ~Q(credit_code=""), name="enterprise_has_credit_code"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            parent_path = self.parent.path if self.parent_id else "/"
            if self.pk is None:
                super().save(*args, **kwargs)  # the path needs the id, which the insert gives
                self.path, self.depth = f"{parent_path}{self.pk}/", parent_path.count("/") - 1
                Organization.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
                return
            self.path, self.depth = f"{parent_path}{self.pk}/", parent_path.count("/") - 1
            super().save(*args, **kwargs)
            if old_path != self.path:
                self._move_descendants(old_path, self.path)

    def get_absolute_url(self):
        return reverse("core:organization_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.credit_code:
            self.credit_code = normalize_credit_code(self.credit_code)
            try:
                validate_credit_code(self.credit_code)
            except CreditCodeError as exc:
                errors["credit_code"] = credit_code_message(exc)
        elif self.kind == self.Kind.ENTERPRISE:
            errors["credit_code"] = _("An enterprise needs its unified social credit code.")
        if self.parent_id and self.pk and self.parent.path.startswith(self.path):
            errors["parent"] = _("An organization cannot be placed under itself or its own subordinate.")
        if errors:
            raise ValidationError(errors)

    def _move_descendants(self, old_path: str, new_path: str) -> None:
        shift = new_path.count("/") - old_path.count("/")
        Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1)),
            depth=models.F("depth") + shift,
        )

    def descendants(self, include_self: bool = False):
        qs = Organization.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1]]
        return Organization.objects.filter(pk__in=ids).order_by(Length("path"))


class OrganizationLink(models.Model):
    """A service relation: a testing agency or operations vendor serves a client organisation.

    It opens the client's data to the provider read-only (see ``lantian.core.scope``).
    """

    provider = models.ForeignKey(
        Organization, models.CASCADE, related_name="client_links", verbose_name=_("service provider")
    )
    client = models.ForeignKey(
        Organization, models.CASCADE, related_name="provider_links", verbose_name=_("client")
    )
    since = models.DateField(_("since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_path = "client"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("service link")
        verbose_name_plural = _("service links")
        constraints = [
            models.UniqueConstraint(fields=["provider", "client"], name="organization_link_unique")
        ]

    def __str__(self):
        return f"{self.provider} → {self.client}"

    def get_absolute_url(self):
        return reverse("core:organizationlink_detail", args=[self.pk])

    def clean(self):
        if self.provider_id and self.provider.kind not in (
            Organization.Kind.AGENCY,
            Organization.Kind.VENDOR,
        ):
            raise ValidationError(
                {"provider": _("Only a testing agency or an operations vendor provides services.")}
            )
        if self.provider_id and self.provider_id == self.client_id:
            raise ValidationError({"client": _("An organization cannot serve itself.")})
        if self.provider_id and self.client_id and self.is_new_relation():
            from lantian.core.links import link_errors

            errors = link_errors(self)
            if errors:
                raise ValidationError(errors)

    def is_new_relation(self) -> bool:
        """Whether saving would make a new relation: a new link, or another provider or client."""
        if self.pk is None:
            return True
        stored = OrganizationLink._base_manager.filter(pk=self.pk).values_list("provider_id", "client_id")
        return stored.first() != (self.provider_id, self.client_id)
