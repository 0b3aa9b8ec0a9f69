"""The power archive (用电监管档案, specs/power.md "Archive"): an enterprise's power profile, its
production facilities (产污设施) and treatment facilities (治污设施), which treatment serves which
production, the monitoring points (metered by HJ 212 power meters) and their running thresholds.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization
from lantian.core.scope import RestrictedManager

CODE_VALIDATOR = RegexValidator(r"^[\w\-./#]+$", _("Use letters, digits and - _ . / # only, without spaces."))
# GB/T 4754-2017 国民经济行业分类: a small category (小类) is a four-digit code, e.g. 2614.
POWER_METER = "power_meter"  # hj212.Device.Kind.POWER_METER: a point is metered by a power meter
SMALL_CATEGORY_VALIDATOR = RegexValidator(
    r"^\d{4}$", _("A small category of GB/T 4754-2017 is four digits, e.g. 2614.")
)


def enterprise_field(related_name: str):
    return models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name=related_name,
        verbose_name=_("enterprise"),
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )


def check_enterprise(organization) -> None:
    if organization is not None and organization.kind != Organization.Kind.ENTERPRISE:
        raise ValidationError({"enterprise": _("Choose an enterprise.")})


class PowerProfile(models.Model):
    """An enterprise's entry in the power archive. The credit code is the one filed with the power
    archive (an import may leave it empty: the completeness check lists it)."""

    enterprise = models.OneToOneField(
        Organization,
        models.PROTECT,
        related_name="power_profile",
        verbose_name=_("enterprise"),
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    industry = models.CharField(_("industry"), max_length=60, help_text=_("E.g. 化学原料和化学制品制造业."))
    industry_small_category = models.CharField(
        _("industry small category"),
        max_length=4,
        blank=True,
        validators=[SMALL_CATEGORY_VALIDATOR],
        help_text=_("Four-digit small category of GB/T 4754-2017, e.g. 2614."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=10,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    remark = models.TextField(_("remark"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "enterprise"
    scope_follows_links = True  # the operations vendor keeps the archives of its clients
    objects = RestrictedManager()

    class Meta:
        ordering = ["enterprise__name"]
        verbose_name = _("enterprise power profile")
        verbose_name_plural = _("enterprise power profiles")

    def __str__(self):
        return str(self.enterprise)

    def get_absolute_url(self):
        return reverse("power:powerprofile_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.enterprise_id:
            check_enterprise(self.enterprise)
        if self.credit_code and self.enterprise_id and self.credit_code != self.enterprise.credit_code:
            raise ValidationError(
                {"credit_code": _("The credit code differs from the enterprise's registered one.")}
            )


class Facility(models.Model):
    code = models.CharField(_("code"), max_length=40, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=100)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def clean(self):
        super().clean()
        if self.enterprise_id:
            check_enterprise(self.enterprise)


class ProductionFacility(Facility):
    """A production facility that emits pollutants (产污设施)."""

    enterprise = enterprise_field("power_production_facilities")

    class Meta:
        ordering = ["enterprise__name", "code"]
        verbose_name = _("production facility")
        verbose_name_plural = _("production facilities")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="power_production_code_unique")
        ]

    def get_absolute_url(self):
        return reverse("power:productionfacility_detail", args=[self.pk])


class TreatmentFacility(Facility):
    """A pollution-treatment facility (治污设施) and the production facilities it serves."""

    enterprise = enterprise_field("power_treatment_facilities")
    serves = models.ManyToManyField(
        ProductionFacility,
        related_name="treatments",
        blank=True,
        verbose_name=_("serves production facilities"),
    )

    class Meta:
        ordering = ["enterprise__name", "code"]
        verbose_name = _("treatment facility")
        verbose_name_plural = _("treatment facilities")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="power_treatment_code_unique")
        ]

    def get_absolute_url(self):
        return reverse("power:treatmentfacility_detail", args=[self.pk])


class MonitoringPoint(models.Model):
    """A power meter (监测点) on the enterprise's total supply, a production or a treatment facility,
    reporting over HJ 212 as the device with the same MN."""

    class Kind(models.TextChoices):
        TOTAL = "total", _("total supply")
        PRODUCTION = "production", _("production facility")
        TREATMENT = "treatment", _("treatment facility")

    enterprise = enterprise_field("power_points")
    code = models.CharField(_("code"), max_length=40, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("point kind"), max_length=12, choices=Kind.choices)
    production_facility = models.ForeignKey(
        ProductionFacility,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="points",
        verbose_name=_("production facility"),
    )
    treatment_facility = models.ForeignKey(
        TreatmentFacility,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="points",
        verbose_name=_("treatment facility"),
    )
    device = models.OneToOneField(
        "hj212.Device",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="power_point",
        verbose_name=_("HJ 212 meter"),
        help_text=_("The meter (by its MN) that reports this point's electricity."),
    )
    rated_power_kw = models.FloatField(
        _("rated power (kW)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    ct_ratio = models.PositiveIntegerField(
        _("CT ratio"), default=1, validators=[MinValueValidator(1)], help_text=_("Current transformer ratio.")
    )
    pt_ratio = models.PositiveIntegerField(
        _("PT ratio"), default=1, validators=[MinValueValidator(1)], help_text=_("Voltage transformer ratio.")
    )
    networked_on = models.DateField(
        _("networked on"), null=True, blank=True, help_text=_("The day the meter went on line.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["enterprise__name", "code"]
        verbose_name = _("monitoring point")
        verbose_name_plural = _("monitoring points")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="power_point_code_unique")]
        indexes = [models.Index(fields=["kind", "enterprise"], name="power_point_kind")]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        return reverse("power:monitoringpoint_detail", args=[self.pk])

    @property
    def facility(self):
        return self.production_facility or self.treatment_facility

    def clean(self):
        super().clean()
        errors = {}
        if self.enterprise_id:
            check_enterprise(self.enterprise)
        wanted = {
            self.Kind.PRODUCTION: ("production_facility", self.production_facility_id),
            self.Kind.TREATMENT: ("treatment_facility", self.treatment_facility_id),
        }
        for kind, (name, value) in wanted.items():
            if self.kind == kind and value is None:
                errors[name] = _("A point of this kind names its facility.")
            elif self.kind != kind and value is not None:
                errors[name] = _("Only a point of the facility's kind names the facility.")
        for name in ("production_facility", "treatment_facility"):
            facility = getattr(self, name) if getattr(self, f"{name}_id") else None
            if facility is not None and self.enterprise_id and facility.enterprise_id != self.enterprise_id:
                errors[name] = _("The facility belongs to another enterprise.")
        if self.device_id and self.enterprise_id and self.device.organization_id != self.enterprise_id:
            errors["device"] = _("The meter is registered to another organization.")
        elif self.device_id and self.device.kind != POWER_METER:
            errors["device"] = _("The device is not registered as a power meter.")
        if errors:
            raise ValidationError(errors)


class RunningThreshold(models.Model):
    """From ``valid_from`` on, the point's facility counts as running while its power is at or above
    ``threshold_kw``. The rows of a point are its history; ``valid_until`` is the next row's start,
    kept by ``actions.resync_thresholds`` so that state queries join one row per time range."""

    point = models.ForeignKey(
        MonitoringPoint, models.CASCADE, related_name="thresholds", verbose_name=_("monitoring point")
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True, editable=False)
    threshold_kw = models.FloatField(_("running threshold (kW)"), validators=[MinValueValidator(0)])
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    scope_path = "point__enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["point__enterprise__name", "point__code", "-valid_from"]
        verbose_name = _("running threshold")
        verbose_name_plural = _("running thresholds")
        constraints = [
            models.UniqueConstraint(fields=["point", "valid_from"], name="power_threshold_once_per_time")
        ]

    def __str__(self):
        return f"{self.point} ≥ {self.threshold_kw:g} kW"

    def save(self, *args, **kwargs):
        from lantian.power.actions import resync_thresholds

        super().save(*args, **kwargs)
        resync_thresholds([self.point_id])

    def get_absolute_url(self):
        return reverse("power:runningthreshold_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.point_id and self.point.kind == MonitoringPoint.Kind.TOTAL:
            raise ValidationError(
                {"point": _("Running thresholds are set on production and treatment points.")}
            )

    def delete(self, *args, **kwargs):
        from lantian.power.actions import resync_thresholds

        point = self.point_id
        result = super().delete(*args, **kwargs)
        resync_thresholds([point])
        return result
