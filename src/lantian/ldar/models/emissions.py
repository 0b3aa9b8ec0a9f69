"""Emissions accounting (spec §4): the coefficients as data, and an enterprise's emissions of a period
computed from its readings, per seal point, with the method that produced each figure.

The coefficients are one row per cell (coefficient set × seal-point type × material state), seeded from
the guide (``lantian.ldar.standards.factors``) and edited by system administrators; every cell always
exists, so the table is complete by construction. An account is computed by
``lantian.ldar.emissions.compute_account`` in bulk (the vectorised kernel per unit and area) and never
edited: recomputing replaces its point rows.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lantian.core.scope import RestrictedManager
from lantian.ldar import standards
from lantian.ldar.models.archive import MaterialState, ProcessUnit, SealPoint, SealPointType, enterprise_field


class CoefficientSet(models.TextChoices):
    """The guide's two sets; an enterprise's industry chooses one (refining 石油炼制, the rest 石油化工)."""

    REFINING = standards.REFINING, _("Petroleum refining (石油炼制)")
    PETROCHEMICAL = standards.PETROCHEMICAL, _("Petrochemical (石油化工)")


class ComponentTypeCode(models.TextChoices):
    PUMP = "pump", _("Pump")
    COMPRESSOR = "compressor", _("Compressor")
    AGITATOR = "agitator", _("Agitator")
    VALVE = "valve", _("Valve")
    OPEN_ENDED = "open_ended", _("Open-ended valve or line")
    FLANGE = "flange", _("Flange")
    CONNECTOR = "connector", _("Other connector")
    RELIEF = "relief", _("Pressure-relief device")
    SAMPLING = "sampling", _("Sampling connection")
    OTHER = "other", _("Other sealing device")


class EmissionCoefficient(models.Model):
    """The coefficients of one cell: the correlation equation rate = a·SV^b (kg/h), the default-zero
    rate (SV < 1 μmol/mol), the pegged rate (SV ≥ 50,000) and the average emission factor."""

    coefficient_set = models.CharField(_("coefficient set"), max_length=20, choices=CoefficientSet.choices)
    component_type = models.CharField(_("component type"), max_length=20, choices=ComponentTypeCode.choices)
    material_state = models.CharField(_("material state"), max_length=20, choices=MaterialState.choices)
    a = models.FloatField(_("coefficient a"), validators=[MinValueValidator(1e-12)])
    b = models.FloatField(_("exponent b"), validators=[MinValueValidator(0.0)])
    default_zero = models.FloatField(_("default-zero rate (kg/h)"), validators=[MinValueValidator(1e-12)])
    pegged = models.FloatField(_("pegged rate (kg/h)"), validators=[MinValueValidator(1e-12)])
    average_factor = models.FloatField(
        _("average emission factor (kg/h)"), validators=[MinValueValidator(1e-12)]
    )
    source = models.CharField(_("source"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = None  # reference data: everyone with the view permission reads it
    objects = RestrictedManager()

    class Meta:
        ordering = ["coefficient_set", "component_type", "material_state"]
        verbose_name = _("emission coefficient")
        verbose_name_plural = _("emission coefficients")
        constraints = [
            models.UniqueConstraint(
                fields=["coefficient_set", "component_type", "material_state"], name="ldar_emission_cell"
            )
        ]

    def __str__(self):
        parts = (self.get_coefficient_set_display(), self.get_component_type_display())
        return " · ".join((*parts, self.get_material_state_display()))

    def get_absolute_url(self):
        return reverse("ldar:emissioncoefficient_detail", args=[self.pk])


def coefficient_table() -> standards.Coefficients:
    """The installation's coefficients for the vectorised kernel (one query, 60 rows). A cell missing
    from the table (a database flushed by a test, a table emptied by hand) is put back with the guide's
    values first, so a computation never stops for lack of a coefficient."""
    from lantian.ldar.seed_emissions import sync_emission_coefficients

    cells = len(standards.INDUSTRIES) * len(standards.TYPE_CODES) * len(standards.MATERIAL_STATES)
    table = EmissionCoefficient.objects.values(
        "coefficient_set", "component_type", "material_state", *standards.COEFFICIENT_NAMES
    )
    rows = list(table)
    if len(rows) < cells:
        sync_emission_coefficients(EmissionCoefficient)
        rows = list(table.all())
    return standards.Coefficients.from_cells(
        {(row["coefficient_set"], row["component_type"], row["material_state"]): row for row in rows}
    )


class EmissionMethod(models.TextChoices):
    DEFAULT_ZERO = standards.DEFAULT_ZERO, _("Default-zero rate")
    CORRELATION = standards.CORRELATION, _("Correlation equation")
    PEGGED = standards.PEGGED, _("Pegged rate")
    AVERAGE_FACTOR = standards.AVERAGE_FACTOR, _("Average emission factor")


class EmissionAccount(models.Model):
    """An enterprise's emissions over a period: initial (readings of the routine detections only: a
    leak goes on until the next detection), after repair (re-tests included) and the reduction."""

    enterprise = enterprise_field()
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    coefficient_set = models.CharField(_("coefficient set"), max_length=20, choices=CoefficientSet.choices)
    points = models.PositiveIntegerField(_("seal points"), default=0, editable=False)
    detected_points = models.PositiveIntegerField(_("detected points"), default=0, editable=False)
    average_factor_points = models.PositiveIntegerField(
        _("points by average factor"), default=0, editable=False
    )
    initial_kg = models.FloatField(_("initial emissions (kg)"), default=0.0, editable=False)
    after_repair_kg = models.FloatField(_("emissions after repair (kg)"), default=0.0, editable=False)
    reduction_kg = models.FloatField(_("reduction (kg)"), default=0.0, editable=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["-end", "enterprise__name"]
        verbose_name = _("emissions account")
        verbose_name_plural = _("emissions accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "start", "end"], name="ldar_emission_account_period"
            )
        ]

    def __str__(self):
        # own columns only: lists and the API name a row's account without another query
        return gettext("Emissions %(start)s to %(end)s") % {
            "start": f"{self.start:%Y-%m-%d}",
            "end": f"{self.end:%Y-%m-%d}",
        }

    def get_absolute_url(self):
        return reverse("ldar:emissionaccount_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The period cannot end before it starts.")})
        if self.start and self.end and (self.end - self.start).days > 366:
            raise ValidationError({"end": _("A period is at most one year long.")})

    @property
    def initial_tonnes(self) -> float:
        return self.initial_kg / 1000

    @property
    def after_repair_tonnes(self) -> float:
        return self.after_repair_kg / 1000

    @property
    def reduction_tonnes(self) -> float:
        return self.reduction_kg / 1000


class PointEmission(models.Model):
    """One seal point's figures in an account, and how they were produced.

    A city's accounts write 250,000 of these at a time, so the table carries one index, on the account
    alone: the account's rows found, listed and replaced by it. Not (account, tag): every entry would
    compare tags by the database's collation (half of PostgreSQL's work in writing an account's rows),
    and sorting an account's few thousand rows for the list costs a millisecond or two. Its links have no
    database constraints (a check per row and link): the rows are written only by ``compute_account``,
    from the points it has just read, under a lock on the account; the seal point, its unit and type
    are a snapshot, whose deletion Django still refuses (PROTECT) while an account names them.
    """

    account = models.ForeignKey(
        EmissionAccount,
        models.CASCADE,
        related_name="point_emissions",
        verbose_name=_("emissions account"),
        db_index=False,
        db_constraint=False,
    )
    seal_point = models.ForeignKey(
        SealPoint,
        models.PROTECT,
        related_name="+",
        verbose_name=_("seal point"),
        db_index=False,
        db_constraint=False,
    )
    tag = models.CharField(_("tag"), max_length=60)
    unit = models.ForeignKey(
        ProcessUnit,
        models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
        db_index=False,
        db_constraint=False,
    )
    seal_type = models.ForeignKey(
        SealPointType,
        models.PROTECT,
        related_name="+",
        verbose_name=_("seal-point type"),
        db_index=False,
        db_constraint=False,
    )
    material_state = models.CharField(_("material state"), max_length=20, choices=MaterialState.choices)
    method = models.CharField(_("method"), max_length=20, choices=EmissionMethod.choices)
    methods = models.CharField(
        _("methods of the readings"),
        max_length=60,
        help_text=_("Every method that produced a share of the figure, e.g. a leak and its re-test."),
    )
    readings = models.PositiveIntegerField(_("readings"))
    hours = models.FloatField(_("operating hours"))
    initial_kg = models.FloatField(_("initial emissions (kg)"))
    after_repair_kg = models.FloatField(_("emissions after repair (kg)"))

    scope_path = "account__enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["account", "tag"]
        verbose_name = _("emissions of a seal point")
        verbose_name_plural = _("emissions of seal points")
        indexes = [models.Index(fields=["account"], name="ldar_point_emission_account")]

    def __str__(self):
        return self.tag

    def get_absolute_url(self):
        return reverse("ldar:pointemission_detail", args=[self.pk])
