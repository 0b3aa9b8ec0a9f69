"""The guard rails' Django side (specs/ldar.md §2 "Guard rails"; the checks are the pure kernel
``lantian.ldar.guardrails``): the rules with the parameters the bureau sets, the flags they raise on
detection records and work orders with their evidence, and when each work order was last checked."""

from __future__ import annotations

import math
from dataclasses import fields as dataclass_fields

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lantian.core.scope import RestrictedManager
from lantian.ldar import guardrails as kernel
from lantian.ldar.models.archive import enterprise_field
from lantian.ldar.models.detection import DetectionCycle, DetectionRecord, WorkOrder, agency_field

RULE_CHOICES = [(rule.code, _(rule.title)) for rule in kernel.RULES]  # the kernel marks, Django translates
DEFAULTS = kernel.GuardRailSettings()
WHOLE_NUMBERS = frozenset(f.name for f in dataclass_fields(kernel.GuardRailSettings) if f.type == "int")


# What each parameter means, for the bureau's form and the rules' list (the kernel's field names).
PARAMETERS = {
    "dwell_seconds": (
        _("least dwell time (s)"),
        _(
            "A reading shorter than this is impossible: the probe waits about twice the instrument's "
            "response time (HJ 733-2014)."
        ),
    ),
    "walking_speed": (
        _("fastest walk (m/s)"),
        _("Faster than this between two groups, nobody walked it (a brisk walk is 1.5 m/s)."),
    ),
    "heap_band": (
        _("band under the threshold (share)"),
        # xgettext:no-python-format
        _("E.g. 0.1: net values from 90 % of the threshold up to it."),
    ),
    "heap_expected_share": (
        _("expected share in the band"),
        _("The share of a genuine survey's readings that lies in the band."),
    ),
    "heap_min_readings": (
        _("least readings to judge"),
        _("Work orders with fewer readings are not judged by this rule."),
    ),
    "heap_min_in_band": (_("least readings in the band"), _("Fewer readings in the band are never flagged.")),
    "repeated_background_share": (
        _("largest share of one background"),
        _("E.g. 0.5: more than half the readings with one background value is flagged."),
    ),
    "repeated_wind_share": (
        _("largest share of one wind direction"),
        _("Blank wind values are not counted."),
    ),
    "repeated_min_readings": (
        _("least readings to judge"),
        _("Work orders with fewer readings are not judged by this rule."),
    ),
    "dwell_min_variation": (
        _("least variation of dwell times"),
        _("Coefficient of variation (standard deviation ÷ mean); below it the times are machine-made."),
    ),
    "dwell_min_readings": (
        _("least readings to judge"),
        _("Work orders with fewer readings are not judged by this rule."),
    ),
    "zero_reading": (_("zero reading up to (μmol/mol)"), _("Readings at or below this count as zero.")),
    "zero_floor_share": (
        _("least expected share of zeros"),
        _("The enterprise's history counts as at least this share."),
    ),
    "zero_ratio": (
        _("times the history"),
        _("Flagged when the share of zeros is at least this many times the enterprise's history."),
    ),
    "zero_min_readings": (
        _("least readings to judge"),
        _("Work orders with fewer readings are not judged by this rule."),
    ),
    "significance": (
        _("significance level"),
        _("Flagged only when the binomial test's p-value is below this, e.g. 0.001."),
    ),
}
SHARES = frozenset(
    {
        "heap_band",
        "heap_expected_share",
        "repeated_background_share",
        "repeated_wind_share",
        "zero_floor_share",
        "significance",
    }
)
MAY_BE_ZERO = frozenset({"zero_reading", "dwell_seconds"})


def default_parameters(code: str) -> dict:
    return {name: getattr(DEFAULTS, name) for name in kernel.RULES_BY_CODE[code].parameters}


class GuardRailRule(models.Model):
    """One rule of the kernel, named by its code, with its parameters (seeded with the kernel's
    defaults) and whether it is checked. The bureau edits them; the flags of every work order are
    recomputed by the periodic job ``ldar.guardrails_recheck`` after a change."""

    code = models.CharField(_("rule"), max_length=40, choices=RULE_CHOICES, unique=True, editable=False)
    enabled = models.BooleanField(_("checked"), default=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = None  # the city's rules: everyone with the view permission reads them
    objects = RestrictedManager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("guard rail")
        verbose_name_plural = _("guard rails")

    def __str__(self):
        return str(self.get_code_display())

    def get_absolute_url(self):
        return reverse("ldar:guardrailrule_detail", args=[self.pk])

    @property
    def rule(self) -> kernel.Rule:
        return kernel.RULES_BY_CODE[self.code]

    @property
    def per(self) -> str:
        return gettext("work order") if self.rule.per == "work order" else gettext("record")

    @property
    def parameter_text(self) -> str:
        values = {**default_parameters(self.code), **(self.parameters or {})}
        return "；".join(f"{PARAMETERS[name][0]} {value:g}" for name, value in values.items())

    def settings(self) -> kernel.GuardRailSettings:
        """The kernel's settings with this rule's parameters (the kernel validates them)."""
        values = {**default_parameters(self.code), **(self.parameters or {})}
        return kernel.GuardRailSettings(
            **{k: v for k, v in values.items() if k in default_parameters(self.code)}
        )

    def clean(self):
        super().clean()
        known = default_parameters(self.code)
        unknown = set(self.parameters or {}) - set(known)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ValidationError(gettext("Unknown parameters: %(names)s.") % {"names": names})
        for name, value in (self.parameters or {}).items():
            if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
                raise ValidationError(gettext("%(name)s is not a number.") % {"name": name})
        try:
            self.settings()
        except ValueError as error:
            raise ValidationError(str(error)) from None


class GuardRailFlag(models.Model):
    """A rule's finding on a work order's readings: the rule, the record(s) concerned (none for a
    finding on the whole work order), the message and the numbers that fill it. It only reports."""

    enterprise = enterprise_field(editable=False, db_index=False)
    agency = agency_field(editable=False, db_index=False)
    cycle = models.ForeignKey(
        DetectionCycle, models.CASCADE, related_name="+", verbose_name=_("detection cycle"), editable=False
    )
    work_order = models.ForeignKey(
        WorkOrder,
        models.CASCADE,
        related_name="guardrail_flags",
        verbose_name=_("work order"),
        null=True,
        editable=False,
    )
    rule = models.CharField(_("rule"), max_length=40, choices=RULE_CHOICES, editable=False)
    record = models.ForeignKey(
        DetectionRecord,
        models.CASCADE,
        related_name="guardrail_flags",
        verbose_name=_("detection record"),
        null=True,
        editable=False,
    )
    other_record = models.ForeignKey(
        DetectionRecord,
        models.CASCADE,
        related_name="+",
        verbose_name=_("previous record"),
        null=True,
        editable=False,
        db_index=False,
        help_text=_("The operator's reading before it, for the rules on a pair of readings."),
    )
    record_count = models.PositiveIntegerField(_("records concerned"), default=1, editable=False)
    message = models.CharField(_("finding"), max_length=300, editable=False)
    evidence = models.JSONField(_("evidence"), default=dict, editable=False)
    found_at = models.DateTimeField(_("found at"), default=timezone.now, editable=False)

    scope_path = "enterprise"
    scope_follows_links = True  # the agency whose work it is reads it too
    objects = RestrictedManager()

    class Meta:
        ordering = ["-found_at", "rule", "pk"]
        verbose_name = _("guard-rail flag")
        verbose_name_plural = _("guard-rail flags")
        indexes = [
            models.Index(fields=["agency", "rule"], name="ldar_flag_agency_rule"),
            models.Index(fields=["enterprise", "-found_at"], name="ldar_flag_recent"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} · {self.work_order or self.cycle}"

    def get_absolute_url(self):
        return reverse("ldar:guardrailflag_detail", args=[self.pk])

    @property
    def text(self) -> str:
        """The finding in the reader's language, filled with its evidence."""
        try:
            return gettext(self.message) % self.evidence
        except (KeyError, TypeError, ValueError):
            return self.message


class WorkOrderCheck(models.Model):
    """When a work order's readings were last checked, and with which outcome; the periodic job
    rechecks those checked before the latest rule change (or never)."""

    work_order = models.OneToOneField(
        WorkOrder,
        models.CASCADE,
        related_name="guardrail_check",
        verbose_name=_("work order"),
        primary_key=True,
    )
    checked_at = models.DateTimeField(_("checked at"))
    records = models.PositiveIntegerField(_("records checked"), default=0)
    flags = models.PositiveIntegerField(_("flags"), default=0)

    class Meta:
        verbose_name = _("guard-rail check")
        verbose_name_plural = _("guard-rail checks")

    def __str__(self):
        return f"{self.work_order_id} {self.checked_at:%Y-%m-%d %H:%M}"


def seed_rules(rule_model=GuardRailRule) -> int:
    """One row per kernel rule with the kernel's defaults; rows already there stay as the bureau left
    them. Takes the model so that the data migration can pass its historical one."""
    have = set(rule_model.objects.values_list("code", flat=True))
    missing = [
        rule_model(code=rule.code, parameters=default_parameters(rule.code))
        for rule in kernel.RULES
        if rule.code not in have
    ]
    rule_model.objects.bulk_create(missing)
    return len(missing)
