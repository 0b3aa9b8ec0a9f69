"""Alarm rules, the events they open and the data checks' findings (specs/power.md "Running state
and alarms", "Data completeness and quality checks")."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization
from lantian.core.scope import RestrictedManager
from lantian.power.check_list import CHECK_CHOICES
from lantian.power.models.archive import MonitoringPoint, ProductionFacility, TreatmentFacility
from lantian.power.rules import Rule, RuleKind


class AlarmRule(models.Model):
    """A named, parameterised correlation rule (the kinds and their meaning: ``lantian.power.rules``)."""

    class Kind(models.TextChoices):
        TREATMENT_STOPPED = RuleKind.TREATMENT_STOPPED.value, _("production running, treatment stopped")
        LATE_START = RuleKind.LATE_START.value, _("treatment started late")
        EARLY_STOP = RuleKind.EARLY_STOP.value, _("treatment stopped early")
        IDLING = RuleKind.IDLING.value, _("treatment idling")
        NIGHT_STOP = RuleKind.NIGHT_STOP.value, _("treatment stopped at night")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("rule kind"), max_length=24, choices=Kind.choices)
    minutes = models.PositiveIntegerField(
        _("minimum duration (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("A condition shorter than this raises nothing."),
    )
    share = models.FloatField(
        _("share"),
        default=0.3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "Idling: the share of rated power below which a running treatment facility idles; "
            "night stop: the night/day load ratio below which the treatment facility counts as stopped."
        ),
    )
    night_start = models.TimeField(_("night starts"), default="22:00")
    night_end = models.TimeField(_("night ends"), default="06:00")
    enabled = models.BooleanField(_("enabled"), default=True)
    description = models.TextField(_("description"), blank=True)

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("alarm rule")
        verbose_name_plural = _("alarm rules")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("power:alarmrule_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.night_start and self.night_end and not self.night_end < self.night_start:
            raise ValidationError(
                {"night_end": _("The night crosses midnight: it ends earlier in the day than it starts.")}
            )

    def parameters(self):
        return Rule(
            kind=RuleKind(self.kind),
            minutes=self.minutes,
            share=self.share,
            night_start=self.night_start.hour * 60 + self.night_start.minute,
            night_end=self.night_end.hour * 60 + self.night_end.minute,
        )


class AlarmEvent(models.Model):
    """One episode of a rule's condition on a (production, treatment) facility pair: a continuing
    condition extends ``end``; a new one after it has ended opens another event."""

    class Status(models.TextChoices):
        NOTIFIED = "notified", _("notified")
        EXPLAINED = "explained", _("explained by the enterprise")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("explanation rejected")

    OPEN_STATUSES = (Status.NOTIFIED, Status.EXPLAINED, Status.REJECTED)

    enterprise = models.ForeignKey(
        Organization, models.PROTECT, related_name="power_events", verbose_name=_("enterprise")
    )
    rule = models.ForeignKey(AlarmRule, models.PROTECT, related_name="events", verbose_name=_("rule"))
    kind = models.CharField(_("rule kind"), max_length=24, choices=AlarmRule.Kind.choices)
    production_facility = models.ForeignKey(
        ProductionFacility, models.PROTECT, related_name="events", verbose_name=_("production facility")
    )
    treatment_facility = models.ForeignKey(
        TreatmentFacility, models.PROTECT, related_name="events", verbose_name=_("treatment facility")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    ongoing = models.BooleanField(_("ongoing"), default=True)
    parameters = models.JSONField(_("rule parameters"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOTIFIED)
    explanation = models.TextField(_("explanation"), blank=True)
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    decision = models.TextField(_("bureau's decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["-start", "pk"]
        verbose_name = _("power alarm event")
        verbose_name_plural = _("power alarm events")
        permissions = [
            ("explain_alarmevent", _("Can explain a power alarm event")),
            ("verify_alarmevent", _("Can verify or reject a power alarm event's explanation")),
        ]
        indexes = [
            models.Index(
                fields=["rule", "production_facility", "treatment_facility", "end"], name="power_event_pair"
            ),
            models.Index(fields=["status", "enterprise"], name="power_event_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("power:alarmevent_detail", args=[self.pk])

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Finding(models.Model):
    """An offender of a data check (``lantian.power.checks``) on the day the check ran for."""

    check_code = models.CharField(_("check"), max_length=40, choices=CHECK_CHOICES)
    day = models.DateField(_("day"))
    enterprise = models.ForeignKey(
        Organization, models.CASCADE, related_name="power_findings", verbose_name=_("enterprise")
    )
    point = models.ForeignKey(
        MonitoringPoint, models.CASCADE, null=True, blank=True, related_name="findings",
        verbose_name=_("monitoring point"),
    )  # fmt: skip
    production_facility = models.ForeignKey(
        ProductionFacility, models.CASCADE, null=True, blank=True, related_name="findings",
        verbose_name=_("production facility"),
    )  # fmt: skip
    treatment_facility = models.ForeignKey(
        TreatmentFacility, models.CASCADE, null=True, blank=True, related_name="findings",
        verbose_name=_("treatment facility"),
    )  # fmt: skip
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["-day", "check_code", "enterprise__name"]
        verbose_name = _("data check finding")
        verbose_name_plural = _("data check findings")
        permissions = [("run_checks", _("Can run the power data checks"))]
        indexes = [models.Index(fields=["day", "check_code"], name="power_finding_day")]

    def __str__(self):
        return f"{self.get_check_code_display()} · {self.enterprise}"

    def get_absolute_url(self):
        return reverse("power:finding_detail", args=[self.pk])


class CheckCount(models.Model):
    """How many offenders a check found on a day: the trend of the checks."""

    pk = models.CompositePrimaryKey("check_code", "day")
    check_code = models.CharField(_("check"), max_length=40, choices=CHECK_CHOICES)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("offenders"))
    run_at = models.DateTimeField(_("run at"))

    class Meta:
        verbose_name = _("data check count")
        verbose_name_plural = _("data check counts")

    def __str__(self):
        return f"{self.check_code} {self.day}: {self.count}"
