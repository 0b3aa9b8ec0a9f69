"""Filters of the power lists: the same on the list pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import SearchFilterSet, visible
from lantian.core.models import Division, Organization
from lantian.power.models import (
    AlarmEvent,
    AlarmRule,
    CodeMapping,
    Finding,
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
    UnknownCode,
)


def enterprises(request):
    return Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.ENTERPRISE)


def enterprise_filter(field_name="enterprise"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=enterprises, label=_("enterprise")
    )


def districts(request):
    return Division.objects.filter(level=Division.Level.COUNTY)


class PowerProfileFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "credit_code", "industry", "industry_small_category", "address")
    enterprise = enterprise_filter()
    division = django_filters.ModelChoiceFilter(
        field_name="enterprise__division", queryset=districts, label=_("district")
    )
    small_category_missing = django_filters.BooleanFilter(
        field_name="industry_small_category", lookup_expr="exact", label=_("small category missing"),
        method="filter_missing",
    )  # fmt: skip

    class Meta:
        model = PowerProfile
        fields = ["q", "enterprise", "division", "industry", "small_category_missing"]

    def filter_missing(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(industry_small_category="")
            if value
            else queryset.exclude(industry_small_category="")
        )


class ProductionFacilityFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "remark", "enterprise__name")
    enterprise = enterprise_filter()

    class Meta:
        model = ProductionFacility
        fields = ["q", "enterprise"]


class TreatmentFacilityFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "remark", "enterprise__name")
    enterprise = enterprise_filter()
    serves = django_filters.ModelChoiceFilter(
        queryset=visible(ProductionFacility), label=_("serves production facility")
    )

    class Meta:
        model = TreatmentFacility
        fields = ["q", "enterprise", "serves"]


class MonitoringPointFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "device__mn", "enterprise__name")
    enterprise = enterprise_filter()
    production_facility = django_filters.ModelChoiceFilter(
        queryset=visible(ProductionFacility), label=_("production facility")
    )
    treatment_facility = django_filters.ModelChoiceFilter(
        queryset=visible(TreatmentFacility), label=_("treatment facility")
    )
    rated_power_from = django_filters.NumberFilter(
        field_name="rated_power_kw", lookup_expr="gte", label=_("rated power from (kW)")
    )
    networked_from = django_filters.DateFilter(
        field_name="networked_on", lookup_expr="gte", label=_("networked from")
    )

    class Meta:
        model = MonitoringPoint
        fields = [
            "q", "enterprise", "kind", "production_facility", "treatment_facility", "rated_power_from",
            "networked_from", "is_active",
        ]  # fmt: skip


class RunningThresholdFilterSet(SearchFilterSet):
    search_fields = ("point__code", "point__name", "reason", "point__enterprise__name")
    enterprise = enterprise_filter("point__enterprise")
    point = django_filters.ModelChoiceFilter(queryset=visible(MonitoringPoint), label=_("monitoring point"))
    valid_from_after = django_filters.DateFilter(
        field_name="valid_from", lookup_expr="date__gte", label=_("valid from")
    )
    in_force = django_filters.BooleanFilter(
        field_name="valid_until", lookup_expr="isnull", label=_("in force")
    )

    class Meta:
        model = RunningThreshold
        fields = ["q", "enterprise", "point", "valid_from_after", "in_force"]


class CodeMappingFilterSet(SearchFilterSet):
    search_fields = ("code", "source")

    class Meta:
        model = CodeMapping
        fields = ["q", "quantity"]


class UnknownCodeFilterSet(SearchFilterSet):
    search_fields = ("code", "example_mn")
    seen_from = django_filters.DateFilter(
        field_name="last_seen", lookup_expr="date__gte", label=_("last seen from")
    )

    class Meta:
        model = UnknownCode
        fields = ["q", "seen_from"]


class AlarmRuleFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")

    class Meta:
        model = AlarmRule
        fields = ["q", "kind", "enabled"]


class AlarmEventFilterSet(SearchFilterSet):
    search_fields = (
        "enterprise__name",
        "production_facility__name",
        "treatment_facility__name",
        "explanation",
    )
    enterprise = enterprise_filter()
    division = django_filters.ModelChoiceFilter(
        field_name="enterprise__division", queryset=districts, label=_("district")
    )
    rule = django_filters.ModelChoiceFilter(queryset=visible(AlarmRule), label=_("rule"))
    start_from = django_filters.DateFilter(field_name="start", lookup_expr="date__gte", label=_("from"))
    start_until = django_filters.DateFilter(field_name="start", lookup_expr="date__lte", label=_("until"))
    is_open = django_filters.BooleanFilter(label=_("open"), method="filter_open")

    class Meta:
        model = AlarmEvent
        fields = [
            "q",
            "enterprise",
            "division",
            "kind",
            "rule",
            "status",
            "ongoing",
            "start_from",
            "start_until",
            "is_open",
        ]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        condition = {"status__in": AlarmEvent.OPEN_STATUSES}
        return queryset.filter(**condition) if value else queryset.exclude(**condition)


class FindingFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "point__code", "point__name", "detail")
    enterprise = enterprise_filter()
    day = django_filters.DateFilter(label=_("day"))
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=_("from"))

    class Meta:
        model = Finding
        fields = ["q", "check_code", "enterprise", "day", "day_from"]
