"""Detection reports (检测报告管理, spec §4 [7.1, 7.2]).

The enterprise's three statistics tables — first-round summary by unit, first-round statistics by
seal-point type, annual statistics by unit — are generated from the records into lines the enterprise
administrator may correct, then submitted to the bureau (core review flow; the lines are locked with
their report). The testing agency's third-party report carries figures prefilled from the cycle's records
and the stamped PDF as an attachment; the agency writes it, the bureau reviews it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Reviewable
from lantian.core.models.review import ReviewedPart
from lantian.core.scope import RestrictedManager
from lantian.ldar.models.archive import enterprise_field
from lantian.ldar.models.detection import DetectionCycle, agency_field


class ReportKind(models.TextChoices):
    FIRST_ROUND_SUMMARY = "first_summary", _("First-round summary by unit")
    FIRST_ROUND_BY_TYPE = "first_by_type", _("First-round statistics by seal-point type")
    ANNUAL_BY_UNIT = "annual_by_unit", _("Annual statistics by unit")


FIRST_ROUND_KINDS = frozenset({ReportKind.FIRST_ROUND_SUMMARY, ReportKind.FIRST_ROUND_BY_TYPE})


def count_field(verbose_name):
    return models.PositiveIntegerField(verbose_name, default=0)


class StatisticsReport(Reviewable):
    """One of the enterprise's statistics tables: of a detection cycle (first round) or of a year."""

    enterprise = enterprise_field()
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    cycle = models.ForeignKey(
        DetectionCycle,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("detection cycle"),
        help_text=_("The first round's cycle (first-round reports only)."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Annual reports only.")
    )
    remark = models.TextField(_("remark"), blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("statistics report")
        verbose_name_plural = _("statistics reports")

    def __str__(self):
        # own columns only (no query for a list's or the API's names)
        return f"{self.year} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("ldar:statisticsreport_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.kind in FIRST_ROUND_KINDS:
            if self.cycle_id is None:
                raise ValidationError({"cycle": _("A first-round report is of a detection cycle.")})
            if self.enterprise_id and self.cycle.enterprise_id != self.enterprise_id:
                raise ValidationError({"cycle": _("The cycle is not the enterprise's.")})
            self.year = self.cycle.year
        elif self.kind == ReportKind.ANNUAL_BY_UNIT:
            if not self.year:
                raise ValidationError({"year": _("An annual report is of a year.")})
            self.cycle = None
        duplicate = StatisticsReport.objects.filter(
            enterprise_id=self.enterprise_id, kind=self.kind, cycle_id=self.cycle_id, year=self.year
        ).exclude(pk=self.pk)
        if self.enterprise_id and duplicate.exists():
            raise ValidationError(_("This report exists already: open it and generate it again."))


class ReportLine(ReviewedPart):
    """A line of a statistics table: a unit or a seal-point type and its counts."""

    report = models.ForeignKey(
        StatisticsReport, models.CASCADE, related_name="lines", verbose_name=_("report")
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    label = models.CharField(_("unit or type"), max_length=100)
    controlled = count_field(_("controlled points"))
    inaccessible = count_field(_("inaccessible points"))
    detected = count_field(_("detected points"))
    leaking = count_field(_("leaking points"))
    over_1000 = count_field(_("points above 1,000 μmol/mol"))
    leak_times = count_field(_("leak-point times"))

    review_parent = "report"
    scope_path = "report__enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")

    def __str__(self):
        return f"{self.report} · {self.label}"

    def get_absolute_url(self):
        return reverse("ldar:reportline_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.inaccessible > self.controlled:
            errors["inaccessible"] = _("More inaccessible points than controlled ones.")
        if self.detected > self.controlled:
            errors["detected"] = _("More detected points than controlled ones.")
        if self.leaking > self.detected:
            errors["leaking"] = _("More leaking points than detected ones.")
        if self.over_1000 > self.detected:
            errors["over_1000"] = _("More points above 1,000 μmol/mol than detected ones.")
        if errors:
            raise ValidationError(errors)

    @property
    def leak_rate(self) -> float | None:
        return self.leaking / self.detected if self.detected else None


class ThirdPartyReport(Reviewable):
    """The testing agency's report of a detection cycle, with its stamped PDF (an attachment)."""

    cycle = models.OneToOneField(
        DetectionCycle, models.PROTECT, related_name="third_party_report", verbose_name=_("detection cycle")
    )
    enterprise = enterprise_field(editable=False)
    agency = agency_field(editable=False)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    units = models.TextField(_("units detected"), blank=True)
    controlled = count_field(_("controlled points"))
    detected = count_field(_("detected points"))
    leaking = count_field(_("leaking points"))
    repaired = count_field(_("repaired points"))
    delayed = count_field(_("delayed-repair points"))
    emissions_t = models.FloatField(_("emissions (t)"), null=True, blank=True)
    remark = models.TextField(_("remark"), blank=True)
    generated_at = models.DateTimeField(_("figures taken at"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Read through the enterprise; written by the agency that did the detection.
    scope_path = "enterprise"
    scope_write_path = "agency"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["-end", "-pk"]
        verbose_name = _("third-party detection report")
        verbose_name_plural = _("third-party detection reports")

    def __str__(self):
        return str(_("Detection report of %(cycle)s") % {"cycle": self.cycle})

    def get_absolute_url(self):
        return reverse("ldar:thirdpartyreport_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.cycle_id:
            self.enterprise_id, self.agency_id = self.cycle.enterprise_id, self.cycle.agency_id
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The end date cannot be before the start date.")
        if self.detected > self.controlled:
            errors["detected"] = _("More detected points than controlled ones.")
        if self.leaking > self.detected:
            errors["leaking"] = _("More leaking points than detected ones.")
        if self.repaired + self.delayed > self.leaking:
            errors["repaired"] = _("More repaired and delayed points than leaking ones.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.cycle_id and not self.enterprise_id:
            self.enterprise_id, self.agency_id = self.cycle.enterprise_id, self.cycle.agency_id
        return super().save(*args, **kwargs)

    @property
    def leak_rate(self) -> float | None:
        """Average leak rate: leaking ÷ detected (spec §4)."""
        return self.leaking / self.detected if self.detected else None
