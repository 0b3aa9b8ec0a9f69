"""The electricity time series (specs/power.md "Ingest"): the code map, readings and roll-ups.

``Reading`` is created by the migration as a table PARTITIONED BY RANGE (time) on PostgreSQL, one
partition per month created ahead by the ``power.partitions`` job (``lantian.power.partitions``); on
SQLite it is a plain table. Readings and roll-ups are written in bulk with SQL (``lantian.power.ingest``),
never through the ORM row by row, and are kept out of the change log.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantian.core.scope import RestrictedManager


class Quantity(models.TextChoices):
    POWER = "power_kw", _("active power (kW)")
    ENERGY = "energy_kwh", _("active energy reading (kWh)")
    CURRENT_A = "current_a", _("phase A current (A)")
    CURRENT_B = "current_b", _("phase B current (A)")
    CURRENT_C = "current_c", _("phase C current (A)")
    VOLTAGE_A = "voltage_a", _("phase A voltage (V)")
    VOLTAGE_B = "voltage_b", _("phase B voltage (V)")
    VOLTAGE_C = "voltage_c", _("phase C voltage (V)")
    POWER_FACTOR = "power_factor", _("power factor")


class CodeMapping(models.Model):
    """An HJ 212 code a power meter sends and the quantity it carries (codes differ by province and
    vendor; no national table exists). ``factor`` scales the value to the quantity's unit (e.g. 0.001
    for a meter that sends W). Shared reference data, kept by the bureau."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    quantity = models.CharField(_("quantity"), max_length=16, choices=Quantity.choices)
    factor = models.FloatField(_("factor"), default=1.0, help_text=_("The value is multiplied by it."))
    source = models.CharField(_("source"), max_length=200, blank=True)

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("electricity code mapping")
        verbose_name_plural = _("electricity code mappings")

    def __str__(self):
        return f"{self.code} → {self.get_quantity_display()}"

    def get_absolute_url(self):
        return reverse("power:codemapping_detail", args=[self.pk])


class UnknownCode(models.Model):
    """A code that power meters sent and the map does not know: listed for the operator to map."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    values = models.PositiveBigIntegerField(_("values received"), default=0)
    example_mn = models.CharField(_("example MN"), max_length=24, blank=True)

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("unmapped electricity code")
        verbose_name_plural = _("unmapped electricity codes")

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("power:unknowncode_detail", args=[self.pk])


class Reading(models.Model):
    """One minute (or real-time) reading of a point, CT/PT ratios applied."""

    pk = models.CompositePrimaryKey("point_id", "time")
    point = models.ForeignKey(
        "power.MonitoringPoint", models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    time = models.DateTimeField(_("time"))
    power_kw = models.FloatField(_("active power (kW)"), null=True)
    energy_kwh = models.FloatField(_("active energy reading (kWh)"), null=True)
    current_a = models.FloatField(null=True)
    current_b = models.FloatField(null=True)
    current_c = models.FloatField(null=True)
    voltage_a = models.FloatField(null=True)
    voltage_b = models.FloatField(null=True)
    voltage_c = models.FloatField(null=True)
    power_factor = models.FloatField(null=True)

    class Meta:
        verbose_name = _("power reading")
        verbose_name_plural = _("power readings")

    def __str__(self):
        return f"{self.point_id} @ {self.time:%Y-%m-%d %H:%M}"


class Rollup(models.Model):
    """A point's readings over one bucket of ``step`` seconds (900, 3600 or 86400; days are local days).
    ``energy_kwh`` is the rise of the energy reading within the bucket; ``running_minutes`` counts the
    readings at or above the point's running threshold in force."""

    pk = models.CompositePrimaryKey("point_id", "step", "start")
    point = models.ForeignKey(
        "power.MonitoringPoint", models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    step = models.PositiveIntegerField()
    start = models.DateTimeField()
    samples = models.PositiveIntegerField()
    power_avg = models.FloatField(null=True)
    power_min = models.FloatField(null=True)
    power_max = models.FloatField(null=True)
    energy_min = models.FloatField(null=True)
    energy_max = models.FloatField(null=True)
    running_samples = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("power roll-up")
        verbose_name_plural = _("power roll-ups")
        indexes = [models.Index(fields=["step", "start"], name="power_rollup_step_start")]

    def __str__(self):
        return f"{self.point_id} {self.step}s @ {self.start:%Y-%m-%d %H:%M}"

    @property
    def energy_kwh(self):
        if self.energy_min is None or self.energy_max is None:
            return None
        return self.energy_max - self.energy_min


class Watermark(models.Model):
    """How far a power job has read its source: ``position`` an id, ``time`` a data time."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField(default=0)
    time = models.DateTimeField(null=True)
    state = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("power job watermark")
        verbose_name_plural = _("power job watermarks")

    def __str__(self):
        return self.name
