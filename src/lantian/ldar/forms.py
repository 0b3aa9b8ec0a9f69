"""Forms of the archive: dropdowns limited to the user's scope (ScopedFormMixin), the parent of a level
shown with its own parent, and the enterprise of a row fixed once it exists."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.ldar.models import (
    Area,
    ComponentGroup,
    DetectionInstrument,
    EnterpriseProfile,
    Equipment,
    ProcessUnit,
    SealPoint,
    SealPointType,
    UnitShutdown,
)

PHOTO = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})


class ArchiveForm(ScopedFormMixin, forms.ModelForm):
    """The parent dropdown names each choice with its own parent (``parent_label``); a field fixed
    once the row exists (``fixed``) is shown but not changed; a single choice is preselected."""

    parent = None  # the form field of the level above
    parent_joins: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.parent) if self.parent else None
        if field is not None:
            if self.parent_joins:
                field.queryset = field.queryset.select_related(*self.parent_joins)
            field.label_from_instance = self.parent_label
        if self.instance.pk:
            for name in self.fixed:
                self.fields[name].disabled = True
        for name, form_field in self.fields.items():
            queryset = getattr(form_field, "queryset", None)
            if queryset is not None and form_field.required and not self.instance.pk and not self.is_bound:
                choices = list(queryset[:2])
                if len(choices) == 1 and self.initial.get(name) in (None, ""):
                    self.initial[name] = choices[0].pk

    @staticmethod
    def parent_label(obj) -> str:
        return str(obj)


def above(obj, name: str) -> str:
    owner = getattr(obj, name)
    return getattr(owner, "short_name", "") or str(owner.name)


class EnterpriseProfileForm(ArchiveForm):
    fixed = ("organization",)

    class Meta:
        model = EnterpriseProfile
        fields = [
            "organization",
            "registered_name",
            "legal_representative",
            "company_type",
            "registered_capital",
            "established_on",
            "licence_valid_until",
            "registered_address",
            "business_scope",
            "licence_photo",
            "industry",
            "site_address",
            "environment_manager",
            "environment_manager_phone",
            "ldar_manager",
            "ldar_manager_phone",
            "contact_person",
            "contact_phone",
            "phone",
            "email",
            "remark",
        ]
        widgets = {
            "licence_photo": PHOTO,
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "remark": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE
        )


class ProcessUnitForm(ArchiveForm):
    fixed = ("enterprise",)

    class Meta:
        model = ProcessUnit
        fields = ["enterprise", "code", "name", "safety_grade", "industry", "raw_materials", "annual_hours"]
        widgets = {"raw_materials": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE
        )


class AreaForm(ArchiveForm):
    parent, parent_joins = "unit", ("enterprise",)

    class Meta:
        model = Area
        fields = ["unit", "code", "name", "safety_grade", "importance_grade"]

    @staticmethod
    def parent_label(unit) -> str:
        return f"{above(unit, 'enterprise')} / {unit}"


class EquipmentForm(ArchiveForm):
    parent, parent_joins = "area", ("unit",)

    class Meta:
        model = Equipment
        fields = ["area", "code", "name", "equipment_type", "location", "safety_grade", "importance_grade"]

    @staticmethod
    def parent_label(area) -> str:
        return f"{area.unit.name} / {area}"


class ComponentGroupForm(ArchiveForm):
    parent, parent_joins = "equipment", ("area",)

    class Meta:
        model = ComponentGroup
        fields = [
            "equipment",
            "code",
            "name",
            "photo",
            "department",
            "material_name",
            "material_state",
            "positioning_equipment",
            "bearing",
            "platform_level",
            "grid_x",
            "grid_y",
            "point_count",
        ]
        widgets = {"photo": PHOTO}

    @staticmethod
    def parent_label(equipment) -> str:
        return f"{equipment.area.name} / {equipment}"


class SealPointForm(ArchiveForm):
    parent, parent_joins = "group", ("equipment",)

    class Meta:
        model = SealPoint
        fields = [
            "group",
            "code",
            "seal_type",
            "extension_number",
            "extension_code",
            "material_name",
            "material_state",
            "insulated",
            "nominal_diameter",
            "height",
            "distance",
            "period_months",
            "accessible",
            "inaccessible_reason",
            "is_valid",
            "remark",
        ]

    @staticmethod
    def parent_label(group) -> str:
        return f"{group.equipment.name} / {group}"


class SealPointTypeForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = SealPointType
        fields = ["code", "name", "is_dynamic", "period_months", "source", "sort_order"]


class UnitShutdownForm(ArchiveForm):
    parent, parent_joins = "unit", ("enterprise",)

    class Meta:
        model = UnitShutdown
        fields = ["unit", "area", "start", "end", "reason", "recorder"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = self.fields["area"].queryset.select_related("unit")
        self.fields["area"].label_from_instance = EquipmentForm.parent_label
        if not self.instance.pk and not self.is_bound and self.user is not None:
            self.initial.setdefault("recorder", getattr(self.user, "name", "") or self.user.get_username())

    @staticmethod
    def parent_label(unit) -> str:
        return AreaForm.parent_label(unit)


class DetectionInstrumentForm(ArchiveForm):
    fixed = ("organization",)

    class Meta:
        model = DetectionInstrument
        fields = [
            "organization",
            "name",
            "instrument_model",
            "serial_number",
            "detector_type",
            "manufacturer",
            "measuring_range",
            "calibrated_on",
            "calibration_due",
            "is_active",
        ]
        labels = {"organization": _("owner")}
