"""Filters of the archive lists: the same on the list pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import SearchFilterSet, visible
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


class ArchiveFilterSet(SearchFilterSet):
    """The LDAR lists' filtersets (empty choices read 全部 through ``SearchFilterSet``, once)."""


def enterprises(request):
    return Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.ENTERPRISE)


def enterprise_filter(**kwargs):
    return django_filters.ModelChoiceFilter(queryset=enterprises, label=_("enterprise"), **kwargs)


def unit_filter():
    return django_filters.ModelChoiceFilter(queryset=visible(ProcessUnit), label=_("unit"))


def area_filter():
    return django_filters.ModelChoiceFilter(queryset=visible(Area), label=_("area"))


class EnterpriseProfileFilterSet(ArchiveFilterSet):
    search_fields = (
        "organization__name",
        "registered_name",
        "legal_representative",
        "ldar_manager",
        "contact_person",
        "contact_phone",
        "environment_manager",
    )
    organization = enterprise_filter()

    class Meta:
        model = EnterpriseProfile
        fields = ["q", "organization", "industry", "status"]


class ProcessUnitFilterSet(ArchiveFilterSet):
    search_fields = ("code", "name", "raw_materials")
    enterprise = enterprise_filter()

    class Meta:
        model = ProcessUnit
        fields = ["q", "enterprise", "industry", "safety_grade"]


class AreaFilterSet(ArchiveFilterSet):
    search_fields = ("code", "name")
    enterprise = enterprise_filter()
    unit = unit_filter()

    class Meta:
        model = Area
        fields = ["q", "enterprise", "unit", "safety_grade", "importance_grade"]


class EquipmentFilterSet(ArchiveFilterSet):
    search_fields = ("code", "name", "location")
    enterprise = enterprise_filter()
    unit = unit_filter()
    area = area_filter()

    class Meta:
        model = Equipment
        fields = ["q", "enterprise", "unit", "area", "equipment_type", "safety_grade", "importance_grade"]


class ComponentGroupFilterSet(ArchiveFilterSet):
    search_fields = ("code", "name", "department", "material_name", "positioning_equipment", "bearing")
    enterprise = enterprise_filter()
    unit = unit_filter()
    area = area_filter()
    # A plant has thousands of pieces of equipment: found by code, not from a list.
    equipment = django_filters.CharFilter(field_name="equipment__code", label=_("equipment code"))

    class Meta:
        model = ComponentGroup
        fields = ["q", "enterprise", "unit", "area", "equipment", "material_state", "platform_level"]


class SealPointFilterSet(ArchiveFilterSet):
    search_fields = ("tag", "code", "material_name", "extension_code", "inaccessible_reason", "remark")
    enterprise = enterprise_filter()
    unit = unit_filter()
    area = area_filter()
    equipment = django_filters.CharFilter(field_name="equipment__code", label=_("equipment code"))
    group = django_filters.CharFilter(field_name="group__code", label=_("group code"))
    seal_type = django_filters.ModelChoiceFilter(queryset=visible(SealPointType), label=_("seal-point type"))

    class Meta:
        model = SealPoint
        fields = [
            "q",
            "enterprise",
            "unit",
            "area",
            "equipment",
            "group",
            "seal_type",
            "material_state",
            "is_dynamic",
            "insulated",
            "accessible",
            "is_valid",
        ]


class SealPointTypeFilterSet(ArchiveFilterSet):
    search_fields = ("code", "name", "source")

    class Meta:
        model = SealPointType
        fields = ["q", "is_dynamic"]


class UnitShutdownFilterSet(ArchiveFilterSet):
    search_fields = ("reason", "recorder")
    enterprise = enterprise_filter()
    unit = unit_filter()
    area = area_filter()
    since = django_filters.DateFilter(field_name="start", lookup_expr="date__gte", label=_("stopped from"))
    until = django_filters.DateFilter(field_name="start", lookup_expr="date__lte", label=_("stopped until"))
    ongoing = django_filters.BooleanFilter(field_name="end", lookup_expr="isnull", label=_("still stopped"))

    class Meta:
        model = UnitShutdown
        fields = ["q", "enterprise", "unit", "area", "since", "until", "ongoing"]


class DetectionInstrumentFilterSet(ArchiveFilterSet):
    search_fields = ("name", "instrument_model", "serial_number", "manufacturer", "measuring_range")
    organization = django_filters.ModelChoiceFilter(queryset=visible(Organization), label=_("owner"))
    due_until = django_filters.DateFilter(
        field_name="calibration_due", lookup_expr="lte", label=_("calibration due by")
    )
    calibrated_since = django_filters.DateFilter(
        field_name="calibrated_on", lookup_expr="gte", label=_("calibrated since")
    )

    class Meta:
        model = DetectionInstrument
        fields = ["q", "organization", "detector_type", "due_until", "calibrated_since", "is_active"]
