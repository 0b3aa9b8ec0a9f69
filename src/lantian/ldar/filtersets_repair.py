"""Filters of the repair lists: the same on the list pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import visible
from lantian.ldar.filtersets import ArchiveFilterSet, area_filter, enterprise_filter, unit_filter
from lantian.ldar.filtersets_detection import agency_filter, cycle_filter, round_filter, year_filter
from lantian.ldar.models import Area, ProcessUnit, SealPointType
from lantian.ldar.models.repair import (
    AvoInspection,
    DelayedRepair,
    DetectionDue,
    RepairMonth,
    RepairOrder,
    RepairTask,
    SpotCheck,
    SpotCheckReading,
)


def seal_type_filter(field_name="seal_type"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=visible(SealPointType), label=_("seal-point type")
    )


def task_unit_filter():
    return django_filters.ModelChoiceFilter(
        field_name="task__unit", queryset=visible(ProcessUnit), label=_("unit")
    )


def task_area_filter():
    return django_filters.ModelChoiceFilter(field_name="task__area", queryset=visible(Area), label=_("area"))


def date_range(field: str, since, until):
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte", label=since),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", label=until),
    )


class RepairTaskFilterSet(ArchiveFilterSet):
    search_fields = ("tag", "remark")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    year = year_filter()
    round = round_filter()
    unit = unit_filter()
    area = area_filter()
    seal_type = seal_type_filter()
    detected_on, detected_until = date_range("detected_on", _("detected from"), _("detected until"))
    due_on = django_filters.DateFilter(lookup_expr="lte", label=_("due by"))
    first_attempt_due = django_filters.DateFilter(lookup_expr="lte", label=_("first attempt due by"))
    complete_due = django_filters.DateFilter(lookup_expr="lte", label=_("repair due by"))
    closed_on = django_filters.DateFilter(lookup_expr="gte", label=_("repaired from"))
    repeat_count = django_filters.NumberFilter(lookup_expr="gte", label=_("repairs in 12 months at least"))
    net_value = django_filters.NumberFilter(lookup_expr="gte", label=_("net value at least"))

    class Meta:
        model = RepairTask
        fields = [
            "q",
            "enterprise",
            "agency",
            "cycle",
            "year",
            "round",
            "unit",
            "area",
            "seal_type",
            "state",
            "overdue",
            "delayed",
            "late",
            "repeated",
            "detected_on",
            "detected_until",
            "due_on",
            "first_attempt_due",
            "complete_due",
            "closed_on",
            "repeat_count",
            "net_value",
        ]


class DelayedRepairFilterSet(ArchiveFilterSet):
    search_fields = ("task__tag", "reason")
    enterprise = enterprise_filter()
    unit = task_unit_filter()
    area = task_area_filter()
    planned_date, planned_until = date_range("planned_date", _("planned from"), _("planned until"))

    class Meta:
        model = DelayedRepair
        fields = ["q", "enterprise", "unit", "area", "status", "reason_kind", "planned_date", "planned_until"]


class RepairOrderFilterSet(ArchiveFilterSet):
    search_fields = ("task__tag", "repaired_by", "description")
    enterprise = enterprise_filter()
    unit = task_unit_filter()
    area = task_area_filter()
    seal_type = seal_type_filter("task__seal_type")
    delayed = django_filters.BooleanFilter(field_name="task__delayed", label=_("delayed repair"))
    repaired_on, repaired_until = date_range("repaired_on", _("repaired from"), _("repaired until"))
    retest_value = django_filters.NumberFilter(lookup_expr="gte", label=_("re-test value at least"))
    repaired_by = django_filters.CharFilter(lookup_expr="icontains", label=_("repaired by"))

    class Meta:
        model = RepairOrder
        fields = [
            "q",
            "enterprise",
            "unit",
            "area",
            "seal_type",
            "method",
            "result",
            "delayed",
            "repaired_on",
            "repaired_until",
            "retest_value",
            "repaired_by",
        ]


class AvoInspectionFilterSet(ArchiveFilterSet):
    search_fields = ("inspector", "description", "action_taken", "seal_point__tag")
    enterprise = enterprise_filter()
    unit = unit_filter()
    area = area_filter()
    inspected_on, inspected_until = date_range("inspected_on", _("inspected from"), _("inspected until"))
    inspector = django_filters.CharFilter(lookup_expr="icontains", label=_("inspector"))

    class Meta:
        model = AvoInspection
        fields = [
            "q",
            "enterprise",
            "unit",
            "area",
            "finding",
            "inspected_on",
            "inspected_until",
            "inspector",
        ]


class DetectionDueFilterSet(ArchiveFilterSet):
    search_fields = ("tag",)
    enterprise = enterprise_filter()
    unit = unit_filter()
    area = area_filter()
    seal_type = seal_type_filter()
    next_due = django_filters.DateFilter(lookup_expr="lte", label=_("due by"))
    last_detected_on = django_filters.DateFilter(lookup_expr="gte", label=_("last detected from"))

    class Meta:
        model = DetectionDue
        fields = [
            "q",
            "enterprise",
            "unit",
            "area",
            "seal_type",
            "state",
            "rule_set",
            "next_due",
            "last_detected_on",
        ]


class RepairMonthFilterSet(ArchiveFilterSet):
    search_fields = ("enterprise__name",)
    enterprise = enterprise_filter()
    month, month_until = date_range("month", _("from month"), _("until month"))
    leak_rate = django_filters.NumberFilter(lookup_expr="gte", label=_("leak rate at least (%)"))
    overdue = django_filters.NumberFilter(lookup_expr="gte", label=_("overdue at least"))

    class Meta:
        model = RepairMonth
        fields = ["q", "enterprise", "month", "month_until", "leak_rate", "overdue"]


class SpotCheckFilterSet(ArchiveFilterSet):
    search_fields = ("enterprise__name", "inspectors", "remark")
    enterprise = enterprise_filter()
    checked_on, checked_until = date_range("checked_on", _("checked from"), _("checked until"))

    class Meta:
        model = SpotCheck
        fields = ["q", "enterprise", "violation", "checked_on", "checked_until"]


class SpotCheckReadingFilterSet(ArchiveFilterSet):
    search_fields = ("tag",)
    enterprise = enterprise_filter()
    spot_check = django_filters.ModelChoiceFilter(
        queryset=lambda request: SpotCheck.objects.restrict(request.user, "view").select_related(
            "enterprise"
        ),
        label=_("spot check"),
    )
    net_value = django_filters.NumberFilter(lookup_expr="gte", label=_("net value at least"))

    class Meta:
        model = SpotCheckReading
        fields = ["q", "enterprise", "spot_check", "is_leak", "in_repair_window", "visible_leak", "net_value"]
