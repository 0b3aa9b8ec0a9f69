"""Filters of the detection-process lists: the same on the list pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import visible
from lantian.core.models import Organization
from lantian.ldar.filtersets import ArchiveFilterSet, area_filter, enterprise_filter, unit_filter
from lantian.ldar.models import (
    BackgroundRecord,
    CalibrationRecord,
    DetectionCycle,
    DetectionInstrument,
    DetectionRecord,
    InaccessiblePoint,
    LeakRuleSet,
    RetestRecord,
    SealPointType,
    WorkOrder,
    WorkPlan,
)


def agencies(request):
    return Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.AGENCY)


def agency_filter():
    return django_filters.ModelChoiceFilter(queryset=agencies, label=_("testing agency"))


def cycle_filter():
    return django_filters.ModelChoiceFilter(
        queryset=lambda request: DetectionCycle.objects.restrict(request.user, "view").select_related(
            "enterprise"
        ),
        label=_("detection cycle"),
    )


def year_filter():
    return django_filters.NumberFilter(field_name="cycle__year", label=_("year"))


def round_filter():
    return django_filters.NumberFilter(field_name="cycle__round", label=_("round"))


def instrument_filter():
    return django_filters.ModelChoiceFilter(queryset=visible(DetectionInstrument), label=_("instrument"))


def period_filters(field: str):
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="date__gte", label=_("from")),
        django_filters.DateFilter(field_name=field, lookup_expr="date__lte", label=_("until")),
    )


def flagged_filter():
    """Rows with (yes) or without (no) a guard-rail flag: on the reading itself, or on the work order."""

    def having_flags(queryset, name, value):
        if value is None:
            return queryset
        flagged = queryset.filter(guardrail_flags__isnull=False).values("pk")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)

    return django_filters.BooleanFilter(method=having_flags, label=_("guard-rail flag"))


class LeakRuleSetFilterSet(ArchiveFilterSet):
    search_fields = ("enterprise__name", "remark")
    enterprise = enterprise_filter()

    class Meta:
        model = LeakRuleSet
        fields = ["q", "enterprise", "rule_set"]


class DetectionCycleFilterSet(ArchiveFilterSet):
    search_fields = ("enterprise__name", "agency__name", "remark")
    enterprise = enterprise_filter()
    agency = agency_filter()
    accounting_start = django_filters.DateFilter(lookup_expr="gte", label=_("accounting from"))
    accounting_end = django_filters.DateFilter(lookup_expr="lte", label=_("accounting until"))

    class Meta:
        model = DetectionCycle
        fields = [
            "q",
            "enterprise",
            "agency",
            "year",
            "round",
            "accounting_start",
            "accounting_end",
            "covers_dynamic",
            "covers_static",
        ]


class WorkPlanFilterSet(ArchiveFilterSet):
    search_fields = ("area__name", "area__code", "remark")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    year = year_filter()
    round = round_filter()
    unit = unit_filter()
    area = area_filter()
    start_date = django_filters.DateFilter(lookup_expr="gte", label=_("starts from"))
    collection_end_date = django_filters.DateFilter(lookup_expr="lte", label=_("collection ends by"))
    points_planned = django_filters.NumberFilter(lookup_expr="gte", label=_("at least points to detect"))

    class Meta:
        model = WorkPlan
        fields = ["q", "enterprise", "agency", "cycle", "year", "round", "unit", "area", "start_date"]


class WorkOrderFilterSet(ArchiveFilterSet):
    search_fields = ("plan__area__name", "remark", "inspectors__name")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    year = year_filter()
    round = round_filter()
    plan = django_filters.ModelChoiceFilter(
        queryset=lambda request: WorkPlan.objects.restrict(request.user, "view").select_related(
            "cycle__enterprise", "area"
        ),
        label=_("work plan"),
    )
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("issued from"))
    flagged = flagged_filter()

    class Meta:
        model = WorkOrder
        fields = [
            "q",
            "enterprise",
            "agency",
            "cycle",
            "year",
            "round",
            "plan",
            "state",
            "issued_from",
            "flagged",
        ]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class DetectionRecordFilterSet(ArchiveFilterSet):
    search_fields = ("tag", "operator", "position", "component_model", "material_name", "remark")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    year = year_filter()
    round = round_filter()
    unit = unit_filter()
    area = area_filter()
    # A plant has thousands of pieces of equipment and groups: found by code, not from a list.
    equipment = django_filters.CharFilter(field_name="equipment__code", label=_("equipment code"))
    group = django_filters.CharFilter(field_name="group__code", label=_("group code"))
    seal_type = django_filters.ModelChoiceFilter(queryset=visible(SealPointType), label=_("seal-point type"))
    work_order = django_filters.ModelChoiceFilter(
        queryset=lambda request: WorkOrder.objects.restrict(request.user, "view").select_related(
            "plan__cycle__enterprise", "plan__area"
        ),
        label=_("work order"),
    )
    instrument = instrument_filter()
    net_value = django_filters.NumberFilter(lookup_expr="gte", label=_("net value at least"))
    started_at, started_until = period_filters("started_at")
    flagged = flagged_filter()

    class Meta:
        model = DetectionRecord
        fields = [
            "q",
            "enterprise",
            "agency",
            "cycle",
            "year",
            "round",
            "unit",
            "area",
            "equipment",
            "group",
            "seal_type",
            "material_state",
            "is_dynamic",
            "is_leak",
            "visible_leak",
            "work_order",
            "instrument",
            "net_value",
            "started_at",
            "started_until",
            "flagged",
        ]


class RetestRecordFilterSet(ArchiveFilterSet):
    search_fields = ("seal_point__tag", "operator", "remark")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    instrument = instrument_filter()
    net_value = django_filters.NumberFilter(lookup_expr="gte", label=_("net value at least"))
    tested_at, tested_until = period_filters("tested_at")

    class Meta:
        model = RetestRecord
        fields = ["q", "enterprise", "agency", "cycle", "is_leak", "instrument", "net_value", "tested_at"]


class BackgroundRecordFilterSet(ArchiveFilterSet):
    search_fields = ("readings", "operator", "wind_direction", "remark")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    area = area_filter()
    instrument = instrument_filter()
    value = django_filters.NumberFilter(lookup_expr="gte", label=_("background at least"))
    measured_at, measured_until = period_filters("measured_at")

    class Meta:
        model = BackgroundRecord
        fields = ["q", "enterprise", "agency", "cycle", "area", "instrument", "value", "measured_at"]


class CalibrationRecordFilterSet(ArchiveFilterSet):
    search_fields = ("cylinder_number", "operator", "remark")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    instrument = instrument_filter()
    calibrated_at, calibrated_until = period_filters("calibrated_at")
    cylinder_expiry = django_filters.DateFilter(lookup_expr="lte", label=_("cylinder expires by"))

    class Meta:
        model = CalibrationRecord
        fields = [
            "q",
            "enterprise",
            "agency",
            "cycle",
            "instrument",
            "passed",
            "calibrated_at",
            "cylinder_expiry",
        ]


class InaccessiblePointFilterSet(ArchiveFilterSet):
    search_fields = ("seal_point__tag", "reason", "operator", "remark")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    recorded_on = django_filters.DateFilter(lookup_expr="gte", label=_("recorded from"))

    class Meta:
        model = InaccessiblePoint
        fields = ["q", "enterprise", "agency", "cycle", "recorded_on"]
