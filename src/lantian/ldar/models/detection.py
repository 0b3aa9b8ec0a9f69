"""The detection process (检测过程管理, spec §2 [6.1]): the enterprise's leak rule set, detection cycles,
work plans per area, work orders, detection records, re-tests, background values, instrument
calibrations and inaccessible points.

Every row is work a testing agency does in an enterprise's plant. It is read through the enterprise
(``scope_path``: the enterprise, its bureau, and the agencies linked to it) and written only by the
agency that does the work (``scope_write_path``). ``clean()`` holds the filing rule, so the pages,
the API (which validates with the same form) and the import (which runs ``full_clean`` on every row)
refuse alike: the agency must have an approved filing and a service link to the enterprise.

The rows below the cycle copy what they belong to (enterprise, agency, cycle; for a reading the seal
point's place and properties as they were when it was taken) from their parent in ``derive()``; those
copies are never read from input. A reading stores its net value, the threshold it was judged by and
the leak decision (``lantian.ldar.standards``), so that later edits of the rule set leave the
decisions already taken as they were. Guard-rail flags and repair tasks attach to these rows later.
"""

from __future__ import annotations

import re
import statistics

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization
from lantian.core.scope import RestrictedManager
from lantian.ldar import standards
from lantian.ldar.models.archive import (
    Area,
    ComponentGroup,
    DetectionInstrument,
    Equipment,
    MaterialState,
    ProcessUnit,
    SealPoint,
    SealPointType,
    enterprise_field,
)

DEFAULT_RULE_SET = "GB37822"
RULE_SET_CHOICES = [(rule.code, rule.name) for rule in standards.RULE_SETS]
PPM = _("μmol/mol")


def agency_field(**kwargs):
    return models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="+",
        verbose_name=_("testing agency"),
        limit_choices_to={"kind": Organization.Kind.AGENCY},
        **kwargs,
    )


def reading_field(verbose_name, **kwargs):
    return models.FloatField(
        verbose_name, validators=[MinValueValidator(0), MaxValueValidator(1_000_000)], **kwargs
    )


# --- the filing rule ---


def permit_errors(agency, enterprise) -> list[str]:
    """Why ``agency`` may not record detection work at ``enterprise`` (empty: it may): it must be a
    testing agency with an approved filing (spec §5 [8.2]) and a service link to the enterprise."""
    from lantian.agencies.approval import has_approved_filing  # the agencies module's own rule
    from lantian.core.models import OrganizationLink

    errors = []
    names = {"agency": agency, "enterprise": enterprise}
    if agency.kind != Organization.Kind.AGENCY:
        errors.append(gettext("%(agency)s is not a testing agency.") % names)
    elif not has_approved_filing(agency):
        errors.append(
            gettext(
                "%(agency)s has no approved filing: only a testing agency whose filing the bureau has "
                "approved may record detection work."
            )
            % names
        )
    elif not OrganizationLink.objects.filter(provider=agency, client=enterprise).exists():
        errors.append(
            gettext(
                "%(agency)s is not linked to %(enterprise)s: an agency records detection work only at "
                "the enterprises it serves."
            )
            % names
        )
    return errors


class AgencyWork(models.Model):
    """Rows an agency writes in an enterprise's plant: read through the enterprise, written by the
    agency, refused unless the agency may work there (``permit_errors``)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "enterprise"
    scope_follows_links = True  # the agencies linked to the enterprise read its rows
    scope_write_path = "agency"  # only the agency that did the work writes them
    objects = RestrictedManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Copy enterprise and agency (and more) from the parent row; never from input."""

    def clean(self):
        super().clean()
        self.derive()
        if self.enterprise_id is not None and self.agency_id is not None:
            # an import keeps the answers over its rows in ``_permits`` ((agency, enterprise) → errors)
            permits = getattr(self, "_permits", {})
            key = (self.agency_id, self.enterprise_id)
            if key not in permits:
                permits[key] = permit_errors(self.agency, self.enterprise)
            if permits[key]:
                raise ValidationError(permits[key])
        if self.uses_foreign_instrument():
            raise ValidationError(
                {"instrument": _("Use an instrument of the testing agency that does the detection.")}
            )

    def uses_foreign_instrument(self) -> bool:
        """Whether the row names an instrument that is not the agency's own."""
        if not hasattr(type(self), "instrument") or self.agency_id is None:
            return False
        return loaded(self, "instrument") and self.instrument.organization_id != self.agency_id


def loaded(obj, name: str) -> bool:
    """Whether ``obj``'s relation ``name`` is set (as an object, or by its id)."""
    field = obj._meta.get_field(name)
    if getattr(obj, field.attname) is not None:
        return True
    return field.is_cached(obj) and field.get_cached_value(obj) is not None


# --- the enterprise's leak rule set ---


class LeakRuleSet(models.Model):
    """The standard an enterprise's leaks are judged by (spec §3), with its thresholds: seeded from the
    kernel's rule set, editable by the bureau (e.g. a stricter local requirement). An enterprise
    without a row is judged by GB 37822-2019 (general areas)."""

    enterprise = models.OneToOneField(
        Organization,
        models.PROTECT,
        related_name="leak_rule_set",
        verbose_name=_("enterprise"),
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )
    rule_set = models.CharField(
        _("rule set"), max_length=20, choices=RULE_SET_CHOICES, default=DEFAULT_RULE_SET
    )
    volatile_threshold = models.PositiveIntegerField(
        _("threshold: gas, vapour and light liquid (μmol/mol)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the rule set's own value."),
    )
    other_threshold = models.PositiveIntegerField(
        _("threshold: heavy liquid (μmol/mol)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the rule set's own value."),
    )
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["enterprise__path"]
        verbose_name = _("leak rule set")
        verbose_name_plural = _("leak rule sets")

    def __str__(self):
        return f"{self.enterprise} · {self.get_rule_set_display()}"

    def save(self, *args, **kwargs):
        self.seed()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("ldar:leakruleset_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.enterprise_id and self.enterprise.kind != Organization.Kind.ENTERPRISE:
            raise ValidationError({"enterprise": _("A leak rule set belongs to an enterprise.")})
        self.seed()

    def seed(self) -> None:
        """Empty thresholds take the rule set's values (GB 37822-2019 §8.2 and the others)."""
        if self.rule_set in standards.RULE_SET_CODES:
            if self.volatile_threshold is None:
                self.volatile_threshold = standards.leak_threshold(self.rule_set, standards.GAS)
            if self.other_threshold is None:
                self.other_threshold = standards.leak_threshold(self.rule_set, standards.HEAVY_LIQUID)

    def threshold(self, material_state: str) -> int:
        return thresholds_from(self.volatile_threshold, self.other_threshold)[material_state]


def thresholds_from(volatile: int, other: int) -> dict[str, int]:
    return {standards.GAS: volatile, standards.LIGHT_LIQUID: volatile, standards.HEAVY_LIQUID: other}


def thresholds_of(enterprise_ids) -> dict[int, dict[str, int]]:
    """The leak thresholds by material state of each enterprise (one query for them all)."""
    default = thresholds_from(
        standards.leak_threshold(DEFAULT_RULE_SET, standards.GAS),
        standards.leak_threshold(DEFAULT_RULE_SET, standards.HEAVY_LIQUID),
    )
    found = {pk: default for pk in enterprise_ids}
    rows = LeakRuleSet.objects.filter(enterprise_id__in=list(found)).values_list(
        "enterprise_id", "volatile_threshold", "other_threshold"
    )
    for pk, volatile, other in rows:
        found[pk] = thresholds_from(volatile, other)
    return found


# --- cycles, plans, work orders ---


class DetectionCycle(AgencyWork):
    """A detection cycle (检测周期) [6.1.1]: one round of an enterprise's year, by one testing agency."""

    enterprise = enterprise_field()
    agency = agency_field(help_text=_("The testing agency that does the detection."))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    round = models.PositiveSmallIntegerField(
        _("round"),
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The round of detection within the year (轮次)."),
    )
    accounting_start = models.DateField(_("accounting start"))
    accounting_end = models.DateField(_("accounting end"))
    covers_dynamic = models.BooleanField(_("covers dynamic points"), default=True)
    covers_static = models.BooleanField(_("covers static points"), default=True)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["enterprise_id", "-year", "-round"]
        verbose_name = _("detection cycle")
        verbose_name_plural = _("detection cycles")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "round"], name="ldar_cycle_unique"),
            models.CheckConstraint(
                condition=Q(accounting_end__gte=models.F("accounting_start")), name="ldar_cycle_order"
            ),
            models.CheckConstraint(
                condition=Q(covers_dynamic=True) | Q(covers_static=True), name="ldar_cycle_covers"
            ),
        ]

    def __str__(self):
        # own columns only: lists and the API name a row's cycle without another query
        return gettext("%(year)s round %(round)s") % {"year": self.year, "round": self.round}

    def get_absolute_url(self):
        return reverse("ldar:detectioncycle_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        enterprise = self.enterprise.short_name or self.enterprise.name
        return f"{enterprise} {self}"

    def clean(self):
        errors = {}
        if self.enterprise_id and self.enterprise.kind != Organization.Kind.ENTERPRISE:
            errors["enterprise"] = _("Choose an enterprise.")
        if self.accounting_start and self.accounting_end and self.accounting_end < self.accounting_start:
            errors["accounting_end"] = _("The accounting period cannot end before it starts.")
        if not self.covers_dynamic and not self.covers_static:
            errors["covers_static"] = _("A cycle covers dynamic points, static points or both.")
        if errors:
            raise ValidationError(errors)
        super().clean()

    def points(self):
        """The seal points this cycle detects: valid points of the enterprise of the kinds it covers."""
        points = SealPoint.objects.filter(enterprise_id=self.enterprise_id, is_valid=True)
        if not self.covers_static:
            points = points.filter(is_dynamic=True)
        elif not self.covers_dynamic:
            points = points.filter(is_dynamic=False)
        return points


class CycleWork(AgencyWork):
    """A row of a cycle: enterprise and agency are the cycle's."""

    class Meta:
        abstract = True

    def derive(self) -> None:
        if loaded(self, "cycle"):
            # as objects: the scope check follows them, and an import's rows share one cycle object,
            # which fetches its enterprise and agency once
            cycle = self.cycle
            if self.enterprise_id != cycle.enterprise_id or not self._meta.get_field("enterprise").is_cached(
                self
            ):
                self.enterprise = cycle.enterprise
            if self.agency_id != cycle.agency_id or not self._meta.get_field("agency").is_cached(self):
                self.agency = cycle.agency


class WorkPlan(CycleWork):
    """A work plan (工作计划) [6.1.2]: the detection of one area in a cycle."""

    enterprise = enterprise_field(editable=False)
    agency = agency_field(editable=False)
    cycle = models.ForeignKey(
        DetectionCycle, models.PROTECT, related_name="plans", verbose_name=_("detection cycle")
    )
    unit = models.ForeignKey(
        ProcessUnit, models.PROTECT, related_name="+", verbose_name=_("unit"), editable=False
    )
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    number = models.CharField(
        _("number"), max_length=100, editable=False, help_text=_("Year-round/unit code/area code.")
    )
    points_planned = models.PositiveIntegerField(
        _("points to detect"),
        null=True,
        blank=True,
        help_text=_("Empty: the area's valid seal points of the kinds the cycle covers."),
    )
    start_date = models.DateField(_("start date"))
    collection_end_date = models.DateField(_("data collection ends"))
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["cycle_id", "area_id"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "area"], name="ldar_plan_unique"),
            models.CheckConstraint(
                condition=Q(collection_end_date__gte=models.F("start_date")), name="ldar_plan_order"
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("ldar:workplan_detail", args=[self.pk])

    def derive(self) -> None:
        super().derive()
        if loaded(self, "area"):
            self.unit_id = self.area.unit_id
            if loaded(self, "cycle"):
                cycle, area = self.cycle, self.area
                self.number = f"{cycle.year}-{cycle.round}/{area.unit.code}/{area.code}"
                if self.points_planned is None and area.enterprise_id == cycle.enterprise_id:
                    self.points_planned = self.points().count()

    def clean(self):
        super().clean()
        errors = {}
        if (
            loaded(self, "cycle")
            and loaded(self, "area")
            and self.area.enterprise_id != self.cycle.enterprise_id
        ):
            errors["area"] = _("The area is not in the cycle's enterprise.")
        if self.start_date and self.collection_end_date and self.collection_end_date < self.start_date:
            errors["collection_end_date"] = _("Data collection cannot end before the work starts.")
        if errors:
            raise ValidationError(errors)

    def points(self):
        return self.cycle.points().filter(area_id=self.area_id)


class WorkOrder(CycleWork):
    """A work order (检测工单) [6.1.3]: one plan given to named inspectors of the agency. A plan has at
    most one work order (a one-to-one relation: a plan is never given out twice)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    enterprise = enterprise_field(editable=False)
    agency = agency_field(editable=False)
    cycle = models.ForeignKey(
        DetectionCycle, models.PROTECT, related_name="+", verbose_name=_("detection cycle"), editable=False
    )
    plan = models.OneToOneField(
        WorkPlan,
        models.PROTECT,
        related_name="work_order",
        verbose_name=_("work plan"),
        error_messages={"unique": _("This plan already has a work order: a plan is given out once.")},
    )
    number = models.CharField(_("number"), max_length=100, editable=False)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        verbose_name=_("inspectors"),
        help_text=_("Users of the testing agency who detect the plan's points."),
    )
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.OPEN)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")

    def __str__(self):
        return gettext("Work order %(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("ldar:workorder_detail", args=[self.pk])

    def derive(self) -> None:
        if loaded(self, "plan"):
            plan = self.plan
            self.cycle_id, self.enterprise_id, self.agency_id = (
                plan.cycle_id,
                plan.enterprise_id,
                plan.agency_id,
            )
            self.number = plan.number


def inspector_errors(agency, users) -> list[str]:
    """Inspectors must be users of the agency (or of its departments)."""
    strangers = [
        str(user)
        for user in users
        if user.organization_id is None or not user.organization.path.startswith(agency.path)
    ]
    if not strangers:
        return []
    return [
        gettext("%(users)s are not users of %(agency)s.") % {"users": "、".join(strangers), "agency": agency}
    ]


# --- readings ---


class PointWork(CycleWork):
    """A row about one seal point in a cycle: the point must be in the cycle's enterprise."""

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if (
            loaded(self, "cycle")
            and loaded(self, "seal_point")
            and self.seal_point.enterprise_id != self.cycle.enterprise_id
        ):
            raise ValidationError({"seal_point": _("The seal point is not in the cycle's enterprise.")})


class DetectionRecord(PointWork):
    """A detection record (检测记录) [6.1.4]: one reading of one seal point. What the archive says of
    the point is copied when the reading is taken (it is what was detected); the net value, the
    threshold of the enterprise's rule set and the leak decision are computed and stored."""

    # The relations are found through the composite indexes below, not by indexes of their own: fewer
    # indexes to maintain when an agency's 100,000 readings are imported (as the seal points do).
    enterprise = enterprise_field(editable=False, db_index=False)
    agency = agency_field(editable=False, db_index=False)
    cycle = models.ForeignKey(
        DetectionCycle,
        models.PROTECT,
        related_name="records",
        verbose_name=_("detection cycle"),
        db_index=False,
    )
    work_order = models.ForeignKey(
        WorkOrder,
        models.PROTECT,
        related_name="records",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The work order of the point's area in the cycle, if there is one."),
    )
    seal_point = models.ForeignKey(
        SealPoint, models.PROTECT, related_name="detections", verbose_name=_("seal point"), db_index=False
    )
    # the point as the archive described it when it was detected
    tag = models.CharField(_("tag"), max_length=60, editable=False)
    unit = models.ForeignKey(
        ProcessUnit, models.PROTECT, related_name="+", verbose_name=_("unit"), editable=False, db_index=False
    )
    area = models.ForeignKey(
        Area, models.PROTECT, related_name="+", verbose_name=_("area"), editable=False, db_index=False
    )
    equipment = models.ForeignKey(
        Equipment,
        models.PROTECT,
        related_name="+",
        verbose_name=_("equipment"),
        editable=False,
        db_index=False,
    )
    group = models.ForeignKey(
        ComponentGroup,
        models.PROTECT,
        related_name="+",
        verbose_name=_("component group"),
        editable=False,
        db_index=False,
    )
    seal_type = models.ForeignKey(
        SealPointType,
        models.PROTECT,
        related_name="+",
        verbose_name=_("seal-point type"),
        editable=False,
        db_index=False,
    )
    nominal_diameter = models.PositiveIntegerField(_("nominal diameter (DN)"), null=True, editable=False)
    material_name = models.CharField(_("material name"), max_length=50, editable=False)
    material_state = models.CharField(
        _("material state"), max_length=12, choices=MaterialState.choices, editable=False
    )
    is_dynamic = models.BooleanField(_("dynamic"), editable=False, default=False)
    insulated = models.BooleanField(_("insulated"), editable=False, default=False)
    accessible = models.BooleanField(_("accessible"), editable=False, default=True)
    positioning_equipment = models.CharField(_("positioning equipment"), max_length=100, editable=False)
    bearing = models.CharField(_("bearing"), max_length=30, editable=False)
    distance = models.DecimalField(
        _("distance (m)"), max_digits=6, decimal_places=2, null=True, editable=False
    )
    height = models.DecimalField(_("height (m)"), max_digits=6, decimal_places=2, null=True, editable=False)
    # what the inspector records
    component_model = models.CharField(
        _("component model"), max_length=50, blank=True, help_text=_("E.g. the valve's model, Z41H-16C.")
    )
    position = models.CharField(
        _("position"), max_length=50, blank=True, help_text=_("Where on the component, e.g. 阀杆, 法兰面.")
    )
    background = reading_field(_("background (μmol/mol)"))
    reading = reading_field(_("reading (μmol/mol)"))
    visible_leak = models.BooleanField(
        _("visible leak"),
        default=False,
        help_text=_("Seepage or dripping seen: a leak whatever the reading."),
    )
    wind_direction = models.CharField(_("wind direction"), max_length=10, blank=True)
    instrument = models.ForeignKey(
        DetectionInstrument, models.PROTECT, related_name="+", verbose_name=_("instrument"), db_index=False
    )
    operator = models.CharField(_("operator"), max_length=50)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    # computed
    detected_on = models.DateField(_("detected on"), editable=False)
    net_value = models.FloatField(_("net value (μmol/mol)"), editable=False)
    threshold = models.PositiveIntegerField(_("leak threshold (μmol/mol)"), editable=False)
    is_leak = models.BooleanField(_("leak"), editable=False, default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("detection record")
        verbose_name_plural = _("detection records")
        constraints = [
            # one row per point per detection: re-importing an instrument's export updates it
            models.UniqueConstraint(fields=["seal_point", "started_at"], name="ldar_detection_unique"),
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="ldar_detection_order"
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-started_at"], name="ldar_detection_recent"),
            models.Index(fields=["cycle", "seal_point"], name="ldar_detection_cycle"),
            models.Index(fields=["agency", "detected_on"], name="ldar_detection_agency_day"),
            models.Index(fields=["enterprise", "is_leak", "detected_on"], name="ldar_detection_leaks"),
            models.Index(fields=["instrument", "detected_on"], name="ldar_detection_instrument_day"),
        ]

    def __str__(self):
        when = timezone.localtime(self.started_at).strftime("%Y-%m-%d %H:%M") if self.started_at else ""
        return f"{self.tag} {when}"

    def get_absolute_url(self):
        return reverse("ldar:detectionrecord_detail", args=[self.pk])

    def derive(self) -> None:
        """The cycle's enterprise and agency, the point as the archive has it, the day, the work order
        of the point's area, and the leak decision. An import sets ``_groups`` (group id → group),
        ``_thresholds`` (enterprise id → thresholds) and ``_orders`` ((cycle, area) → work order id) so
        that no row costs a query."""
        super().derive()
        if loaded(self, "seal_point"):
            point = self.seal_point
            groups = getattr(self, "_groups", None)
            group = groups[point.group_id] if groups is not None else point.group
            self.tag = point.tag
            self.unit_id, self.area_id, self.equipment_id = point.unit_id, point.area_id, point.equipment_id
            self.group_id, self.seal_type_id = point.group_id, point.seal_type_id
            self.nominal_diameter, self.insulated = point.nominal_diameter, point.insulated
            self.material_name = point.material_name or group.material_name
            self.material_state = point.material_state or group.material_state
            self.is_dynamic, self.accessible = point.is_dynamic, point.accessible
            self.distance, self.height = point.distance, point.height
            self.positioning_equipment, self.bearing = group.positioning_equipment, group.bearing
            if self.cycle_id is not None:
                orders = getattr(self, "_orders", None)
                if orders is not None:
                    self.work_order_id = orders.get((self.cycle_id, self.area_id))
                else:
                    self.work_order_id = (
                        WorkOrder.objects.filter(plan__cycle_id=self.cycle_id, plan__area_id=self.area_id)
                        .values_list("pk", flat=True)
                        .first()
                    )
        if self.started_at is not None:  # the plant's day (TIME_ZONE), whatever zone the input named
            self.detected_on = self.started_at.astimezone(timezone.get_default_timezone()).date()
        self.decide()

    def decide(self) -> None:
        """Net value (reading − background, floored at 0) and leak decision under the enterprise's rule
        set (GB 37822-2019 §8.2; a visible leak is a leak whatever the reading)."""
        if self.reading is None or self.background is None:
            return
        self.net_value = standards.net_value(self.reading, self.background)
        if self.material_state and self.enterprise_id is not None:
            thresholds = getattr(self, "_thresholds", None)
            if thresholds is None or self.enterprise_id not in thresholds:
                thresholds = thresholds_of([self.enterprise_id])
            self.threshold = thresholds[self.enterprise_id][self.material_state]
            self.is_leak = self.visible_leak or standards.is_leak(self.net_value, self.threshold)

    def clean(self):
        super().clean()
        errors = {}
        if self.started_at and self.ended_at and self.ended_at < self.started_at:
            errors["ended_at"] = _("The reading cannot end before it starts.")
        if loaded(self, "seal_point") and not self.material_state:
            errors["seal_point"] = _("The archive gives this seal point no material state.")
        if loaded(self, "cycle") and self.detected_on and not self.in_cycle_period():
            errors["started_at"] = _("The reading was taken outside the cycle's accounting period.")
        if errors:
            raise ValidationError(errors)

    def in_cycle_period(self) -> bool:
        return self.cycle.accounting_start <= self.detected_on <= self.cycle.accounting_end

    @property
    def instrument_label(self) -> str:
        return f"{self.instrument.name} {self.instrument.instrument_model}"


class RetestRecord(PointWork):
    """A re-test (复检) of a detected point: after a repair, or to confirm a reading. Judged by the
    threshold its detection was judged by."""

    enterprise = enterprise_field(editable=False)
    agency = agency_field(editable=False)
    cycle = models.ForeignKey(
        DetectionCycle, models.PROTECT, related_name="+", verbose_name=_("detection cycle"), editable=False
    )
    detection = models.ForeignKey(
        DetectionRecord, models.PROTECT, related_name="retests", verbose_name=_("detection record")
    )
    seal_point = models.ForeignKey(
        SealPoint, models.PROTECT, related_name="+", verbose_name=_("seal point"), editable=False
    )
    background = reading_field(_("background (μmol/mol)"))
    reading = reading_field(_("reading (μmol/mol)"))
    instrument = models.ForeignKey(
        DetectionInstrument, models.PROTECT, related_name="+", verbose_name=_("instrument")
    )
    operator = models.CharField(_("operator"), max_length=50)
    tested_at = models.DateTimeField(_("tested at"))
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    net_value = models.FloatField(_("net value (μmol/mol)"), editable=False)
    threshold = models.PositiveIntegerField(_("leak threshold (μmol/mol)"), editable=False)
    is_leak = models.BooleanField(_("leak"), editable=False, default=False)

    class Meta:
        ordering = ["-tested_at", "-pk"]
        verbose_name = _("re-test record")
        verbose_name_plural = _("re-test records")
        indexes = [models.Index(fields=["enterprise", "-tested_at"], name="ldar_retest_recent")]

    def __str__(self):
        when = timezone.localtime(self.tested_at).strftime("%Y-%m-%d %H:%M") if self.tested_at else ""
        return f"{self.seal_point} {when}"

    def get_absolute_url(self):
        return reverse("ldar:retestrecord_detail", args=[self.pk])

    def derive(self) -> None:
        if loaded(self, "detection"):
            detection = self.detection
            self.cycle_id, self.seal_point_id = detection.cycle_id, detection.seal_point_id
            self.enterprise_id, self.agency_id = detection.enterprise_id, detection.agency_id
            self.threshold = detection.threshold
            if self.reading is not None and self.background is not None:
                self.net_value = standards.net_value(self.reading, self.background)
                self.is_leak = standards.is_leak(self.net_value, self.threshold)

    def clean(self):
        super().clean()
        if loaded(self, "detection") and self.tested_at and self.tested_at < self.detection.started_at:
            raise ValidationError({"tested_at": _("A re-test comes after the detection it re-tests.")})


NUMBER_LIST = re.compile(r"[\s,，、;；]+")


def parse_readings(text: str) -> list[float]:
    """The readings of a background measurement, written as numbers separated by commas or spaces."""
    try:
        values = [float(part) for part in NUMBER_LIST.split(text.strip()) if part]
    except ValueError:
        raise ValidationError(
            _("Write the readings as numbers separated by commas, e.g. 1.2, 1.5, 1.3.")
        ) from None
    if not values or any(not 0 <= v <= 1_000_000 for v in values):
        raise ValidationError(_("Write between 1 and 20 readings from 0 to 1,000,000 μmol/mol."))
    return values


class BackgroundRecord(CycleWork):
    """An ambient background measurement (环境本底值, HJ 733-2014): its value is the mean of the
    readings taken upwind of the components, on the day and with the instrument of the readings it
    serves."""

    MAX_READINGS = 20

    enterprise = enterprise_field(editable=False)
    agency = agency_field(editable=False)
    cycle = models.ForeignKey(
        DetectionCycle, models.PROTECT, related_name="backgrounds", verbose_name=_("detection cycle")
    )
    area = models.ForeignKey(
        Area,
        models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        null=True,
        blank=True,
        help_text=_("Empty: the whole plant."),
    )
    instrument = models.ForeignKey(
        DetectionInstrument, models.PROTECT, related_name="+", verbose_name=_("instrument")
    )
    measured_at = models.DateTimeField(_("measured at"))
    readings = models.CharField(
        _("readings (μmol/mol)"), max_length=300, help_text=_("The readings taken, e.g. 1.2, 1.5, 1.3.")
    )
    value = models.FloatField(_("background (μmol/mol)"), editable=False)
    wind_direction = models.CharField(_("wind direction"), max_length=10, blank=True)
    operator = models.CharField(_("operator"), max_length=50)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["-measured_at", "-pk"]
        verbose_name = _("background record")
        verbose_name_plural = _("background records")
        indexes = [models.Index(fields=["enterprise", "-measured_at"], name="ldar_background_recent")]

    def __str__(self):
        when = timezone.localtime(self.measured_at).strftime("%Y-%m-%d %H:%M") if self.measured_at else ""
        return f"{self.cycle} {when}"

    def get_absolute_url(self):
        return reverse("ldar:backgroundrecord_detail", args=[self.pk])

    def derive(self) -> None:
        super().derive()
        try:
            values = parse_readings(self.readings)
        except ValidationError:
            return
        self.value = round(statistics.fmean(values), 3)

    def clean(self):
        errors = {}
        try:
            values = parse_readings(self.readings)
            if len(values) > self.MAX_READINGS:
                errors["readings"] = _("Write between 1 and 20 readings from 0 to 1,000,000 μmol/mol.")
        except ValidationError as error:
            errors["readings"] = error.messages
        if (
            loaded(self, "cycle")
            and loaded(self, "area")
            and self.area.enterprise_id != self.cycle.enterprise_id
        ):
            errors["area"] = _("The area is not in the cycle's enterprise.")
        if errors:
            raise ValidationError(errors)
        super().clean()


class CalibrationRecord(CycleWork):
    """An instrument calibration (校准) before or after a day's detection (HJ 733-2014): zero gas, span
    gas, indication error, drift, response time and the verdict, with the span gas cylinder's expiry."""

    enterprise = enterprise_field(editable=False)
    agency = agency_field(editable=False)
    cycle = models.ForeignKey(
        DetectionCycle, models.PROTECT, related_name="calibrations", verbose_name=_("detection cycle")
    )
    instrument = models.ForeignKey(
        DetectionInstrument, models.PROTECT, related_name="+", verbose_name=_("instrument")
    )
    calibrated_at = models.DateTimeField(_("calibrated at"))
    zero_gas_reading = reading_field(_("zero gas reading (μmol/mol)"))
    span_gas = reading_field(_("span gas concentration (μmol/mol)"))
    span_reading = reading_field(_("span gas reading (μmol/mol)"))
    indication_error = models.FloatField(_("indication error (%)"), editable=False)
    drift = models.FloatField(
        _("drift check (%)"), validators=[MinValueValidator(-100), MaxValueValidator(100)]
    )
    response_time = models.FloatField(
        _("response time (s)"), validators=[MinValueValidator(0), MaxValueValidator(600)]
    )
    passed = models.BooleanField(_("passed"), default=False)
    cylinder_number = models.CharField(_("span gas cylinder"), max_length=50, blank=True)
    cylinder_expiry = models.DateField(_("cylinder expiry"))
    operator = models.CharField(_("operator"), max_length=50)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["-calibrated_at", "-pk"]
        verbose_name = _("calibration record")
        verbose_name_plural = _("calibration records")
        indexes = [models.Index(fields=["instrument", "-calibrated_at"], name="ldar_calibration_recent")]

    def __str__(self):
        when = timezone.localtime(self.calibrated_at).strftime("%Y-%m-%d %H:%M") if self.calibrated_at else ""
        return f"{self.instrument.serial_number if self.instrument_id else ''} {when}"

    def get_absolute_url(self):
        return reverse("ldar:calibrationrecord_detail", args=[self.pk])

    def derive(self) -> None:
        super().derive()
        if self.span_gas and self.span_reading is not None:
            self.indication_error = round((self.span_reading - self.span_gas) / self.span_gas * 100, 2)

    def clean(self):
        errors = {}
        if self.span_gas is not None and self.span_gas <= 0:
            errors["span_gas"] = _("The span gas has a concentration above 0.")
        if (
            self.cylinder_expiry
            and self.calibrated_at
            and self.cylinder_expiry < timezone.localdate(self.calibrated_at)
        ):
            errors["cylinder_expiry"] = _(
                "The span gas cylinder had expired when the instrument was calibrated."
            )
        if errors:
            raise ValidationError(errors)
        super().clean()


class InaccessiblePoint(PointWork):
    """A seal point the inspector could not reach in a cycle (不可达点记录), with the reason."""

    enterprise = enterprise_field(editable=False)
    agency = agency_field(editable=False)
    cycle = models.ForeignKey(
        DetectionCycle, models.PROTECT, related_name="inaccessible", verbose_name=_("detection cycle")
    )
    seal_point = models.ForeignKey(SealPoint, models.PROTECT, related_name="+", verbose_name=_("seal point"))
    recorded_on = models.DateField(_("recorded on"))
    reason = models.CharField(_("reason inaccessible"), max_length=200)
    operator = models.CharField(_("operator"), max_length=50)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("inaccessible-point record")
        verbose_name_plural = _("inaccessible-point records")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "seal_point"], name="ldar_inaccessible_unique")
        ]

    def __str__(self):
        return f"{self.seal_point} {self.recorded_on}"

    def get_absolute_url(self):
        return reverse("ldar:inaccessiblepoint_detail", args=[self.pk])
