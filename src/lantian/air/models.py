"""Air-quality network models: stations, the hourly and daily value tables, audit marks, anomalies,
anomaly rules, benchmark counties and the pipeline's watermark.

The value tables (``HourlyValue``, ``DailyValue``, ``DailyMonth``) are written in bulk with SQL by
``pipeline`` and ``daily``, never row by row through the ORM, and are read through the station's scope.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.scope import RestrictedManager

from .parameters import BY_ID, BY_KEY, PARAMETERS, parse_keys

PARAMETER_CHOICES = [(p.id, p.label) for p in PARAMETERS]


def validate_parameter_keys(text: str) -> None:
    try:
        parse_keys(text)
    except ValueError as error:
        raise ValidationError(
            _("Unknown parameters: %(names)s. Use %(known)s."),
            params={"names": str(error), "known": ", ".join(BY_KEY)},
        ) from None


class Station(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("national-control station")
        PROVINCIAL = "provincial", _("provincial-control station")
        TOWNSHIP = "township", _("township station")
        MICRO = "micro", _("micro-station")
        MOBILE = "mobile", _("mobile monitoring")

    organization = models.ForeignKey(
        "core.Organization",
        models.PROTECT,
        related_name="air_stations",
        verbose_name=_("township office"),
        help_text=_("The township office (or the bureau) the station belongs to; it sees the station."),
    )
    kind = models.CharField(_("station kind"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("station code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    latitude = models.DecimalField(
        _("latitude (WGS84)"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude (WGS84)"),
        max_digits=10,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    device = models.OneToOneField(
        "hj212.Device",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="air_station",
        verbose_name=_("HJ 212 device"),
    )
    parameters = models.CharField(
        _("parameters measured"),
        max_length=200,
        default=",".join(("SO2", "NO2", "PM10", "CO", "O3", "PM2.5", "TEMP", "RH", "WS", "WD")),
        validators=[validate_parameter_keys],
        help_text=_("Comma-separated: SO2, NO2, PM10, CO, O3, PM2.5, TEMP, RH, PRESS, WS, WD."),
    )
    reference_station = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="referenced_by",
        verbose_name=_("reference station"),
        help_text=_("The station a micro-station's readings are compared with (deviation check)."),
    )
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)
    remark = models.TextField(_("remark"), blank=True)

    scope_path = "organization"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("air station")
        verbose_name_plural = _("air stations")
        ordering = ("code",)

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("air:station_detail", args=[self.pk])

    def clean(self):
        if self.active_until and self.active_from and self.active_until < self.active_from:
            raise ValidationError({"active_until": _("The station cannot stop before it starts.")})
        if self.reference_station_id and self.reference_station_id == self.pk:
            raise ValidationError({"reference_station": _("A station cannot be its own reference.")})

    @property
    def parameter_keys(self) -> list[str]:
        return parse_keys(self.parameters)


class HourlyValue(models.Model):
    """One parameter of one station for one hour. ``time`` is the hour's start (Asia/Shanghai hours),
    so the hour labelled 1时 (00:00–01:00) has ``time`` 00:00."""

    class Source(models.IntegerChoices):
        DEVICE_HOURLY = 1, _("device hourly data (2061)")
        MINUTES = 2, _("computed from minute data (2051)")
        IMPORTED = 3, _("imported")

    pk = models.CompositePrimaryKey("station_id", "time", "parameter")
    station = models.ForeignKey(
        Station, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    time = models.DateTimeField(_("hour"))
    parameter = models.PositiveSmallIntegerField(_("parameter"), choices=PARAMETER_CHOICES)
    value = models.FloatField(_("value"), null=True)
    flag = models.CharField(_("data flag"), max_length=2, blank=True)
    source = models.PositiveSmallIntegerField(_("source"), choices=Source.choices)
    minutes = models.PositiveSmallIntegerField(_("valid minutes"), null=True)
    valid = models.BooleanField(_("valid"))
    # The reason of the audit mark that covers the value (AuditMark.Reason), 0 when none.
    audit = models.PositiveSmallIntegerField(_("audit state"), default=0)

    class Meta:
        verbose_name = _("hourly value")
        verbose_name_plural = _("hourly values")

    def __str__(self):
        return f"{self.station_id} {self.time:%Y-%m-%d %H:%M} {self.parameter}={self.value}"


class DailyValue(models.Model):
    """A daily indicator of a station, exact: ``total / (hours * 10**6)`` (the kernel's ExactArray).

    ``indicator`` is a ``parameters.DAILY_INDICATORS`` id (24-hour means, O3 MDA8, O3 daily maximum
    1-hour value); ``audited`` says whether audit marks were applied. A day without a valid value has
    no row.
    """

    pk = models.CompositePrimaryKey("station_id", "day", "indicator", "audited")
    station = models.ForeignKey(
        Station, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    day = models.DateField(_("day"))
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    audited = models.BooleanField(_("audited"))
    total = models.BigIntegerField(_("sum in micro-units"))
    hours = models.PositiveSmallIntegerField(_("count"))
    windows = models.PositiveSmallIntegerField(_("valid 8-hour windows"), null=True)  # O3 MDA8 only

    class Meta:
        verbose_name = _("daily value")
        verbose_name_plural = _("daily values")

    def __str__(self):
        return f"{self.station_id} {self.day} {self.indicator}"


class DailyMonth(models.Model):
    """A station's daily values of one month packed into one row, the evaluation's read of the daily
    table (a year of 90 stations is ~1,200 rows instead of ~230,000): ``data`` holds little-endian
    int64 (days of the month, ``DAILY_INDICATORS``, [total, hours, windows]), the numbers of the
    month's ``DailyValue`` rows, zero where there is none. Rewritten with them by ``daily.rollup``."""

    pk = models.CompositePrimaryKey("station_id", "month", "audited")
    station = models.ForeignKey(
        Station, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField(_("month"))  # its first day
    audited = models.BooleanField(_("audited"))
    data = models.BinaryField(_("packed daily values"))

    class Meta:
        verbose_name = _("month of daily values")
        verbose_name_plural = _("months of daily values")

    def __str__(self):
        return f"{self.station_id} {self.month:%Y-%m}"


class AuditMark(models.Model):
    """Values an analyst marked invalid (数据审核), or a sand-dust episode; revoked, never deleted."""

    class Reason(models.IntegerChoices):
        FAULT = 1, _("instrument fault")
        CALIBRATION = 2, _("calibration or maintenance")
        SAND_DUST = 3, _("sand-dust weather")
        OTHER = 4, _("other")

    station = models.ForeignKey(
        Station, models.PROTECT, related_name="audit_marks", verbose_name=_("station")
    )
    parameter = models.PositiveSmallIntegerField(
        _("parameter"),
        choices=PARAMETER_CHOICES,
        null=True,
        blank=True,
        help_text=_("Empty: every parameter of the station."),
    )
    start = models.DateTimeField(_("first hour"), help_text=_("The start of the first hour marked."))
    end = models.DateTimeField(_("last hour"), help_text=_("The start of the last hour marked."))
    reason = models.PositiveSmallIntegerField(_("reason"), choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        verbose_name=_("marked by"),
    )
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True, editable=False)

    scope_path = "station__organization"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("audit mark")
        verbose_name_plural = _("audit marks")
        ordering = ("-start", "station")
        indexes = [models.Index(fields=["station", "start"], name="air_auditmark_station_start")]

    def __str__(self):
        return (
            f"{self.station.code} {timezone.localtime(self.start):%Y-%m-%d %H:%M} {self.get_reason_display()}"
        )

    def get_absolute_url(self):
        return reverse("air:auditmark_detail", args=[self.pk])

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The last hour is before the first.")})
        if self.start and self.end and (self.end - self.start).days > 366:
            raise ValidationError({"end": _("Mark at most a year at once.")})

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def parameter_key(self) -> str | None:
        return BY_ID[self.parameter].key if self.parameter else None


class AnomalyRule(models.Model):
    """A detection rule's parameters, editable by the bureau (spec: configurable)."""

    class Code(models.TextChoices):
        CONSTANT = "constant", _("constant values")
        SPIKE = "spike", _("spike or jump")
        NEGATIVE = "negative", _("negative value")
        PM_INVERTED = "pm_inverted", _("PM2.5 above PM10")
        REFERENCE = "reference", _("deviation from the reference station")
        MISSING = "missing", _("missing data")
        TOWNSHIP = "township", _("micro-station far above its township's mean")

    code = models.CharField(_("rule"), max_length=20, choices=Code.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    hours = models.PositiveSmallIntegerField(
        _("hours"), help_text=_("Consecutive hours (constant, missing) or the window compared.")
    )
    threshold = models.FloatField(
        _("threshold"), help_text=_("Ratio or difference the rule uses; see the rule's description.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("anomaly rule")
        verbose_name_plural = _("anomaly rules")
        ordering = ("code",)

    def __str__(self):
        return self.get_code_display()

    def get_absolute_url(self):
        return reverse("air:anomalyrule_detail", args=[self.pk])


class Anomaly(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CONFIRMED = "confirmed", _("confirmed")
        EXPLAINED = "explained", _("explained (not a fault)")

    station = models.ForeignKey(Station, models.PROTECT, related_name="anomalies", verbose_name=_("station"))
    rule = models.CharField(_("rule"), max_length=20, choices=AnomalyRule.Code.choices)
    parameter = models.PositiveSmallIntegerField(
        _("parameter"), choices=PARAMETER_CHOICES, null=True, blank=True
    )
    start = models.DateTimeField(_("first hour"))
    end = models.DateTimeField(_("last hour"))
    detail = models.CharField(_("evidence"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)  # opened OPEN by detect()
    explanation = models.TextField(_("explanation"), blank=True)
    audit_mark = models.ForeignKey(
        AuditMark,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="anomalies",
        verbose_name=_("audit mark"),
    )
    field_check = models.BooleanField(_("field check requested"), default=False)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True, editable=False)

    scope_path = "station__organization"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("anomaly")
        verbose_name_plural = _("anomalies")
        ordering = ("-start", "station")
        constraints = [
            models.UniqueConstraint(fields=["station", "rule", "parameter", "start"], name="air_anomaly_once")
        ]
        indexes = [models.Index(fields=["status", "station"], name="air_anomaly_status")]

    def __str__(self):
        return (
            f"{self.station.code} {self.get_rule_display()} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"
        )

    def get_absolute_url(self):
        return reverse("air:anomaly_detail", args=[self.pk])


class BenchmarkFigure(models.Model):
    """A benchmark county's published figures for a year (or a month of it), entered or imported."""

    organization = models.ForeignKey(
        "core.Organization", models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    county = models.CharField(_("benchmark county"), max_length=50)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    month = models.PositiveSmallIntegerField(
        _("month"),
        choices=[(0, _("whole year"))] + [(m, str(m)) for m in range(1, 13)],
        help_text=_("The month of the figures, or the whole year."),
    )
    composite_index = models.DecimalField(_("composite index"), max_digits=6, decimal_places=2)
    pm25 = models.DecimalField(_("PM2.5 (μg/m³)"), max_digits=6, decimal_places=1, null=True, blank=True)
    pm10 = models.DecimalField(_("PM10 (μg/m³)"), max_digits=6, decimal_places=1, null=True, blank=True)
    good_ratio = models.DecimalField(
        _("good-day ratio (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    scope_path = "organization"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("benchmark county figure")
        verbose_name_plural = _("benchmark county figures")
        ordering = ("-year", "month", "county")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "county", "year", "month"], name="air_benchmark_once"
            )
        ]

    def __str__(self):
        period = f"{self.year}" if not self.month else f"{self.year}-{self.month:02d}"
        return f"{self.county} {period}"

    def get_absolute_url(self):
        return reverse("air:benchmarkfigure_detail", args=[self.pk])


class PipelineState(models.Model):
    """The pipeline's watermark over the gateway's packets: the last ``hj212_rawpacket`` id taken."""

    name = models.CharField(max_length=40, unique=True)
    last_packet_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pipeline watermark")
        verbose_name_plural = _("pipeline watermarks")

    def __str__(self):
        return f"{self.name}: {self.last_packet_id}"
