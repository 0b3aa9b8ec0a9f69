"""The enterprise component archive (企业建档, spec §1): enterprise profile, units, areas, equipment,
groups, seal points, the unit start/stop ledger and detection instruments.

The hierarchy is enterprise → unit → area → equipment → group → seal point, each code unique within
its parent. Every level below the unit also carries its ancestors (``enterprise``, ``unit``, …) as
denormalised foreign keys, so that the data scope and the counts of the archive tree are single
indexed queries. Those copies are never taken from input: ``derive()`` sets them from the parent on
every validation and save, and moving a node (a new parent) or renaming a group re-derives what lies
below it in a few UPDATE statements (``resync_below``).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization, Reviewable
from lantian.core.scope import RestrictedManager
from lantian.ldar.photos import validate_photo

CODE_VALIDATOR = RegexValidator(
    r"^[\w\-./#()（）]+$",
    _("Use letters, digits and - _ . / # ( ) only, without spaces."),
)


def code_field(verbose_name, help_text=""):
    return models.CharField(verbose_name, max_length=40, validators=[CODE_VALIDATOR], help_text=help_text)


class Grade(models.TextChoices):
    """Safety and importance grades of units, areas and equipment (一级 the highest)."""

    FIRST = "1", _("Grade I")
    SECOND = "2", _("Grade II")
    THIRD = "3", _("Grade III")


class Importance(models.TextChoices):
    """Importance grades of areas and equipment."""

    CRITICAL = "1", _("Critical")
    IMPORTANT = "2", _("Important")
    GENERAL = "3", _("General")


class MaterialState(models.TextChoices):
    """The state of the material a component seals, as the leak thresholds distinguish it."""

    GAS = "gas", _("Gas / vapour")
    LIGHT_LIQUID = "light_liquid", _("Light liquid")
    HEAVY_LIQUID = "heavy_liquid", _("Heavy liquid")


class Industry(models.TextChoices):
    REFINING = "refining", _("Petroleum refining")
    PETROCHEMICAL = "petrochemical", _("Petrochemical")
    ORGANIC_CHEMICAL = "organic_chemical", _("Organic chemical")
    COAL_CHEMICAL = "coal_chemical", _("Coal chemical")
    PHARMACEUTICAL = "pharmaceutical", _("Pharmaceutical")
    STORAGE = "storage", _("Storage and transport")
    OTHER = "other", _("Other")


class EquipmentType(models.TextChoices):
    COLUMN = "column", _("Column / tower")
    REACTOR = "reactor", _("Reactor")
    EXCHANGER = "exchanger", _("Heat exchanger")
    VESSEL = "vessel", _("Vessel / drum")
    TANK = "tank", _("Storage tank")
    PUMP = "pump", _("Pump")
    COMPRESSOR = "compressor", _("Compressor")
    FURNACE = "furnace", _("Furnace / heater")
    PIPELINE = "pipeline", _("Pipeline")
    LOADING = "loading", _("Loading facility")
    OTHER = "other", _("Other")


class DetectorType(models.TextChoices):
    FID = "FID", _("FID (flame ionisation)")
    PID = "PID", _("PID (photo-ionisation)")


def enterprise_field(**kwargs):
    return models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
        **kwargs,
    )


class ArchiveNode(models.Model):
    """A level of the archive: a code unique within its parent, and its ancestors copied from it."""

    parent_field: ClassVar[str | None] = None  # the foreign key to the level above (None: the enterprise)
    inherited: ClassVar[tuple[str, ...]] = ()  # denormalised ancestors, copied from the parent

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "enterprise"
    scope_follows_links = True  # a testing agency reads the archives of the enterprises it serves
    objects = RestrictedManager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        self.derive()
        with transaction.atomic():
            moved = False
            if self.pk is not None and self.parent_field is not None:
                attname = self._meta.get_field(self.parent_field).attname
                stored = type(self)._base_manager.filter(pk=self.pk).values_list(attname, flat=True).first()
                moved = stored is not None and stored != getattr(self, attname)
            super().save(*args, **kwargs)
            if moved:
                resync_below(type(self), [self.pk])

    def derive(self) -> None:
        """Set the denormalised ancestors from the parent, never from input (no query when the parent
        and its ancestors are loaded or were set as objects, as forms and imports do)."""
        if self.parent_field is None:
            return
        field = self._meta.get_field(self.parent_field)
        if not field.is_cached(self) and getattr(self, field.attname) is None:
            return  # no parent yet: the form or import reports it
        parent = getattr(self, self.parent_field)
        for name in self.inherited:
            source = parent._meta.get_field(name)
            if source.is_cached(parent):
                setattr(self, name, source.get_cached_value(parent))
            else:
                setattr(self, source.attname, getattr(parent, source.attname))

    def clean(self):
        super().clean()
        self.derive()


class EnterpriseProfile(Reviewable):
    """An enterprise's LDAR profile (企业 LDAR 档案) [4.1.1]: its business licence, the people in charge
    and how to reach them. The enterprise fills it in and submits it; its bureau reviews it."""

    organization = models.OneToOneField(
        Organization,
        models.PROTECT,
        related_name="ldar_profile",
        verbose_name=_("enterprise"),
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )
    registered_name = models.CharField(
        _("name on the business licence"), max_length=100, help_text=_("As printed on the business licence.")
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    company_type = models.CharField(
        _("company type"), max_length=50, blank=True, help_text=_("E.g. 有限责任公司.")
    )
    registered_capital = models.DecimalField(
        _("registered capital (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    established_on = models.DateField(_("date of establishment"), null=True, blank=True)
    licence_valid_until = models.DateField(
        _("business term until"), null=True, blank=True, help_text=_("Leave empty for an unlimited term.")
    )
    registered_address = models.CharField(_("registered address"), max_length=200)
    business_scope = models.TextField(_("business scope"), blank=True)
    licence_photo = models.FileField(
        _("business licence photo"),
        upload_to="ldar/licences/%Y/",
        blank=True,
        max_length=255,
        validators=[validate_photo],
        help_text=_("A JPEG or PNG photo or scan of the business licence."),
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    site_address = models.CharField(_("plant address"), max_length=200, blank=True)
    environment_manager = models.CharField(_("environmental manager"), max_length=50)
    environment_manager_phone = models.CharField(_("environmental manager's phone"), max_length=30)
    ldar_manager = models.CharField(_("LDAR manager"), max_length=50)
    ldar_manager_phone = models.CharField(_("LDAR manager's phone"), max_length=30)
    contact_person = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    remark = models.TextField(_("remark"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "organization"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["organization__path"]
        verbose_name = _("enterprise LDAR profile")
        verbose_name_plural = _("enterprise LDAR profiles")

    def __str__(self):
        return str(_("LDAR profile of %(enterprise)s") % {"enterprise": self.organization})

    def get_absolute_url(self):
        return reverse("ldar:enterpriseprofile_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.organization_id and self.organization.kind != Organization.Kind.ENTERPRISE:
            raise ValidationError({"organization": _("An LDAR profile belongs to an enterprise.")})
        if (
            self.established_on
            and self.licence_valid_until
            and self.licence_valid_until < self.established_on
        ):
            raise ValidationError(
                {
                    "licence_valid_until": _(
                        "The business term cannot end before the enterprise was established."
                    )
                }
            )


class ProcessUnit(ArchiveNode):
    """A process unit (装置) [4.1.2]."""

    enterprise = enterprise_field()
    code = code_field(_("unit code"), _("Unique within the enterprise."))
    name = models.CharField(_("unit name"), max_length=100)
    safety_grade = models.CharField(_("safety grade"), max_length=1, choices=Grade.choices, blank=True)
    industry = models.CharField(_("industry type"), max_length=20, choices=Industry.choices, blank=True)
    raw_materials = models.TextField(
        _("raw-material composition"), blank=True, help_text=_("The raw materials and their shares.")
    )
    annual_hours = models.PositiveIntegerField(
        _("operating hours per year"), null=True, blank=True, validators=[MaxValueValidator(8784)]
    )

    class Meta:
        ordering = ["enterprise_id", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="ldar_unit_code_unique")]

    def get_absolute_url(self):
        return reverse("ldar:processunit_detail", args=[self.pk])


class Area(ArchiveNode):
    """An area (区域) of a unit [4.1.3]."""

    parent_field = "unit"
    inherited = ("enterprise",)

    enterprise = enterprise_field(editable=False)
    unit = models.ForeignKey(ProcessUnit, models.PROTECT, related_name="areas", verbose_name=_("unit"))
    code = code_field(_("area code"), _("Unique within the unit."))
    name = models.CharField(_("area name"), max_length=100)
    safety_grade = models.CharField(_("safety grade"), max_length=1, choices=Grade.choices, blank=True)
    importance_grade = models.CharField(
        _("importance grade"), max_length=1, choices=Importance.choices, blank=True
    )

    class Meta:
        ordering = ["unit_id", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="ldar_area_code_unique")]

    def get_absolute_url(self):
        return reverse("ldar:area_detail", args=[self.pk])


class Equipment(ArchiveNode):
    """A piece of equipment (设备) in an area [4.1.4]."""

    parent_field = "area"
    inherited = ("enterprise", "unit")

    enterprise = enterprise_field(editable=False)
    unit = models.ForeignKey(
        ProcessUnit, models.PROTECT, related_name="+", verbose_name=_("unit"), editable=False
    )
    area = models.ForeignKey(Area, models.PROTECT, related_name="equipment", verbose_name=_("area"))
    code = code_field(_("equipment code"), _("Unique within the area."))
    name = models.CharField(_("equipment name"), max_length=100)
    equipment_type = models.CharField(
        _("equipment type"), max_length=20, choices=EquipmentType.choices, blank=True
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    safety_grade = models.CharField(_("safety grade"), max_length=1, choices=Grade.choices, blank=True)
    importance_grade = models.CharField(
        _("importance grade"), max_length=1, choices=Importance.choices, blank=True
    )

    class Meta:
        ordering = ["area_id", "code"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="ldar_equipment_code_unique")]

    def get_absolute_url(self):
        return reverse("ldar:equipment_detail", args=[self.pk])


class ComponentGroup(ArchiveNode):
    """A group (群组) of seal points photographed and tagged together [4.1.5]."""

    parent_field = "equipment"
    inherited = ("enterprise", "unit", "area")

    enterprise = enterprise_field(editable=False)
    unit = models.ForeignKey(
        ProcessUnit, models.PROTECT, related_name="+", verbose_name=_("unit"), editable=False
    )
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"), editable=False)
    equipment = models.ForeignKey(
        Equipment, models.PROTECT, related_name="groups", verbose_name=_("equipment")
    )
    code = code_field(
        _("group code"), _("Unique within the equipment; the first part of the seal points' tags.")
    )
    name = models.CharField(_("group name"), max_length=100)
    photo = models.FileField(
        _("photo"),
        upload_to="ldar/groups/%Y/",
        blank=True,
        max_length=255,
        validators=[validate_photo],
        help_text=_("The group photo with the seal points marked by their extension numbers."),
    )
    department = models.CharField(_("department"), max_length=50, blank=True)
    material_name = models.CharField(_("material name"), max_length=50, blank=True)
    material_state = models.CharField(
        _("material state"), max_length=12, choices=MaterialState.choices, blank=True
    )
    positioning_equipment = models.CharField(
        _("positioning equipment"),
        max_length=100,
        blank=True,
        help_text=_("The equipment to find the group by."),
    )
    bearing = models.CharField(_("bearing"), max_length=30, blank=True, help_text=_("E.g. 东侧, 北偏西 30°."))
    platform_level = models.CharField(
        _("platform level"), max_length=30, blank=True, help_text=_("E.g. 地面, 二层平台.")
    )
    # Where the group stands on the plant's grid (metres east and north of any fixed origin): the guard
    # rails judge the walk between two groups by it.
    grid_x = models.FloatField(
        _("grid east (m)"), null=True, blank=True, help_text=_("Position on the plant grid, metres east.")
    )
    grid_y = models.FloatField(
        _("grid north (m)"), null=True, blank=True, help_text=_("Position on the plant grid, metres north.")
    )
    # Declared, not counted: the archive's own count of the group's seal points is shown beside it.
    point_count = models.PositiveIntegerField(
        _("seal points on the photo"),
        null=True,
        blank=True,
        help_text=_("The number marked on the group photo; the archive counts its seal points itself."),
    )

    class Meta:
        ordering = ["equipment_id", "code"]
        verbose_name = _("component group")
        verbose_name_plural = _("component groups")
        constraints = [models.UniqueConstraint(fields=["equipment", "code"], name="ldar_group_code_unique")]

    def save(self, *args, **kwargs):
        with transaction.atomic():
            stored = None
            if self.pk is not None:
                stored = type(self)._base_manager.filter(pk=self.pk).values_list("code", flat=True).first()
            super().save(*args, **kwargs)
            if stored is not None and stored != self.code:
                retag([self.pk])

    def get_absolute_url(self):
        return reverse("ldar:componentgroup_detail", args=[self.pk])


class SealPointType(models.Model):
    """A seal-point type of GB 37822-2019 §8.1 with its dynamic/static class and detection interval
    (seed data from ``lantian.ldar.standards.components``; system administrators may add types)."""

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=30, unique=True)
    is_dynamic = models.BooleanField(
        _("dynamic seal"), default=False, help_text=_("Shaft seals of pumps, compressors and agitators.")
    )
    period_months = models.PositiveSmallIntegerField(
        _("detection interval (months)"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    source = models.CharField(_("source"), max_length=60, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_path = None  # reference data: everyone with the view permission sees it
    objects = RestrictedManager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("seal-point type")
        verbose_name_plural = _("seal-point types")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            stored = None
            if self.pk is not None:
                stored = (
                    type(self)._base_manager.filter(pk=self.pk).values_list("is_dynamic", flat=True).first()
                )
            super().save(*args, **kwargs)
            if stored is not None and stored != self.is_dynamic:
                SealPoint.objects.filter(seal_type=self).update(is_dynamic=self.is_dynamic)

    def get_absolute_url(self):
        return reverse("ldar:sealpointtype_detail", args=[self.pk])


class SealPoint(ArchiveNode):
    """A seal point (密封点) [4.1.6]; its tag is the group code and its extension number (G0012-3)."""

    parent_field = "group"
    inherited = ("enterprise", "unit", "area", "equipment")

    # The ancestors are found through the tree index below (by its prefix), not by indexes of their own:
    # fewer indexes to maintain when a plant's 100,000 points are imported.
    enterprise = enterprise_field(editable=False, db_index=False)
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
        related_name="points",
        verbose_name=_("component group"),
        db_index=False,
    )
    code = code_field(_("seal-point code"), _("Unique within the group."))
    seal_type = models.ForeignKey(
        SealPointType, models.PROTECT, related_name="+", verbose_name=_("seal-point type")
    )
    extension_number = models.PositiveIntegerField(
        _("extension number"),
        validators=[MinValueValidator(1)],
        help_text=_("The number on the group photo."),
    )
    extension_code = models.CharField(
        _("extension code"), max_length=20, blank=True, help_text=_("A further mark, e.g. 进口 or A.")
    )
    tag = models.CharField(
        _("tag"), max_length=60, editable=False, help_text=_("Group code-extension number.")
    )
    material_name = models.CharField(
        _("material name"), max_length=50, blank=True, help_text=_("Empty: the group's material.")
    )
    material_state = models.CharField(
        _("material state"),
        max_length=12,
        choices=MaterialState.choices,
        blank=True,
        help_text=_("Empty: the group's material state."),
    )
    is_dynamic = models.BooleanField(_("dynamic"), editable=False, default=False)
    insulated = models.BooleanField(_("insulated"), default=False, help_text=_("Heat or cold insulation."))
    nominal_diameter = models.PositiveIntegerField(_("nominal diameter (DN)"), null=True, blank=True)
    height = models.DecimalField(
        _("height (m)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    distance = models.DecimalField(
        _("distance (m)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("From the positioning equipment."),
    )
    period_months = models.PositiveSmallIntegerField(
        _("detection interval (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Empty: the interval of its type under GB 37822-2019 §8.3.1."),
    )
    accessible = models.BooleanField(_("accessible"), default=True)
    inaccessible_reason = models.CharField(
        _("reason inaccessible"),
        max_length=200,
        blank=True,
        help_text=_("Required when the point is inaccessible."),
    )
    is_valid = models.BooleanField(_("valid"), default=True, help_text=_("No: removed or out of service."))
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["enterprise_id", "unit_id", "area_id", "equipment_id", "group_id", "extension_number"]
        verbose_name = _("seal point")
        verbose_name_plural = _("seal points")
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="ldar_sealpoint_code_unique"),
            models.UniqueConstraint(
                fields=["group", "extension_number"], name="ldar_sealpoint_extension_unique"
            ),
            models.CheckConstraint(
                condition=Q(accessible=True) | ~Q(inaccessible_reason=""),
                name="ldar_sealpoint_inaccessible_reason",
            ),
        ]
        indexes = [
            # scope, the list's order and the tree's counts at every level: one index, used by its prefix,
            # which also holds what the counts read (an index-only GROUP BY)
            models.Index(
                fields=[
                    "enterprise",
                    "unit",
                    "area",
                    "equipment",
                    "group",
                    "extension_number",
                    "is_valid",
                    "accessible",
                    "is_dynamic",
                    "seal_type",
                ],
                name="ldar_sealpoint_tree",
            ),
            models.Index(fields=["enterprise", "tag"], name="ldar_sealpoint_tag"),
        ]

    def __str__(self):
        return self.tag or self.code

    def get_absolute_url(self):
        return reverse("ldar:sealpoint_detail", args=[self.pk])

    def derive(self) -> None:
        super().derive()
        group = self._meta.get_field("group")
        if group.is_cached(self) or self.group_id is not None:
            parent = self.group
            if self.extension_number is not None:
                self.tag = f"{parent.code}-{self.extension_number}"
            self.material_name = self.material_name or parent.material_name
            self.material_state = self.material_state or parent.material_state
        kind = self._meta.get_field("seal_type")
        if kind.is_cached(self) or self.seal_type_id is not None:
            self.is_dynamic = self.seal_type.is_dynamic
            if self.period_months is None:
                self.period_months = self.seal_type.period_months
        if self.accessible:
            self.inaccessible_reason = ""

    def clean(self):
        super().clean()
        errors = {}
        if not self.accessible and not self.inaccessible_reason.strip():
            errors["inaccessible_reason"] = _("Give the reason why the seal point is inaccessible.")
        if not self.material_state and (
            self.group_id is not None or self._meta.get_field("group").is_cached(self)
        ):
            errors["material_state"] = _("Give the material state, here or on the group.")
        if errors:
            raise ValidationError(errors)


class UnitShutdown(models.Model):
    """A stop of a unit (or one of its areas) in the start/stop ledger (装置开停工) [4.1.7]."""

    enterprise = enterprise_field(editable=False)
    unit = models.ForeignKey(ProcessUnit, models.PROTECT, related_name="shutdowns", verbose_name=_("unit"))
    area = models.ForeignKey(
        Area,
        models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        null=True,
        blank=True,
        help_text=_("Empty: the whole unit stopped."),
    )
    start = models.DateTimeField(_("stopped at"))
    end = models.DateTimeField(_("restarted at"), null=True, blank=True, help_text=_("Empty: still stopped."))
    reason = models.CharField(_("reason"), max_length=200)
    recorder = models.CharField(_("recorded by"), max_length=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("unit stop")
        verbose_name_plural = _("unit start/stop ledger")
        constraints = [
            models.UniqueConstraint(fields=["unit", "start"], name="ldar_shutdown_unique"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="ldar_shutdown_order"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "-start"], name="ldar_shutdown_recent")]

    def __str__(self):
        where = self.area.name if self.area_id else self.unit.name
        return f"{where} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("ldar:unitshutdown_detail", args=[self.pk])

    def derive(self) -> None:
        field = self._meta.get_field("unit")
        if field.is_cached(self) or self.unit_id is not None:
            source = ProcessUnit._meta.get_field("enterprise")
            unit = self.unit
            if source.is_cached(unit):
                self.enterprise = source.get_cached_value(unit)
            else:
                self.enterprise_id = unit.enterprise_id

    def clean(self):
        super().clean()
        self.derive()
        errors = {}
        if self.area is not None and (
            self.unit_id is not None or self._meta.get_field("unit").is_cached(self)
        ):
            area_unit = Area._meta.get_field("unit")
            if area_unit.is_cached(self.area):
                same = area_unit.get_cached_value(self.area) is self.unit or (
                    self.area.unit_id is not None and self.area.unit_id == self.unit.pk
                )
            else:
                same = self.area.unit_id == self.unit.pk
            if not same:
                errors["area"] = _("The area is not in this unit.")
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The restart must come after the stop.")
        if errors:
            raise ValidationError(errors)

    @property
    def hours(self) -> float | None:
        if self.end is None:
            return None
        return round((self.end - self.start).total_seconds() / 3600, 1)


class DetectionInstrument(models.Model):
    """A leak-detection instrument (检测仪器) [4.1] of an enterprise or a testing agency."""

    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("The enterprise or testing agency that uses the instrument."),
    )
    name = models.CharField(_("instrument name"), max_length=50)
    instrument_model = models.CharField(_("model"), max_length=50)
    serial_number = models.CharField(
        _("serial number"), max_length=50, help_text=_("Unique within the owner.")
    )
    detector_type = models.CharField(_("detector type"), max_length=3, choices=DetectorType.choices)
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    measuring_range = models.CharField(
        _("measuring range"), max_length=50, blank=True, help_text=_("E.g. 0–50000 μmol/mol.")
    )
    calibrated_on = models.DateField(_("last calibrated on"), null=True, blank=True)
    calibration_due = models.DateField(
        _("calibration due"), help_text=_("The verification or calibration expires.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    scope_path = "organization"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["organization_id", "serial_number"]
        verbose_name = _("detection instrument")
        verbose_name_plural = _("detection instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "serial_number"], name="ldar_instrument_serial_unique"
            )
        ]

    def __str__(self):
        return f"{self.name} {self.instrument_model}（{self.serial_number}）"

    def get_absolute_url(self):
        return reverse("ldar:detectioninstrument_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.calibrated_on and self.calibration_due and self.calibration_due < self.calibrated_on:
            raise ValidationError({"calibration_due": _("The calibration cannot expire before it was done.")})


# --- keeping the denormalised ancestors right ---

HIERARCHY = (ProcessUnit, Area, Equipment, ComponentGroup, SealPoint)
LEVEL_FIELD = {ProcessUnit: "unit", Area: "area", Equipment: "equipment", ComponentGroup: "group"}


def resync_below(model, pks) -> None:
    """Every row below the given rows of ``model`` takes its denormalised ancestors from its parent again,
    level by level (one UPDATE per level), after those rows moved to another parent."""
    pks = list(pks)
    if not pks or model not in LEVEL_FIELD:
        return
    name = LEVEL_FIELD[model]
    for child in HIERARCHY[HIERARCHY.index(model) + 1 :]:
        parent = child._meta.get_field(child.parent_field).related_model
        updates = {
            f"{field}_id": Subquery(
                parent._base_manager.filter(pk=OuterRef(f"{child.parent_field}_id")).values(f"{field}_id")[:1]
            )
            for field in child.inherited
        }
        child._base_manager.filter(**{f"{name}_id__in": pks}).update(**updates)
    if model is ComponentGroup:
        retag(pks)


def retag(group_pks) -> None:
    """The tags of the seal points of these groups, after a group's code changed."""
    code = Subquery(ComponentGroup._base_manager.filter(pk=OuterRef("group_id")).values("code")[:1])
    SealPoint._base_manager.filter(group_id__in=list(group_pks)).update(
        tag=Concat(code, Value("-"), Cast("extension_number", CharField()), output_field=CharField())
    )
