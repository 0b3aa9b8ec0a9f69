"""Filters of the air-quality lists; every dropdown offers only what the user may see."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import SearchFilterSet, visible
from lantian.core.models import Organization

from .models import PARAMETER_CHOICES, Anomaly, AnomalyRule, AuditMark, BenchmarkFigure, Station


class StationFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "parameters", "remark")
    organization = django_filters.ModelChoiceFilter(
        queryset=visible(Organization), label=_("township office")
    )
    device = django_filters.CharFilter(
        field_name="device__mn", label=_("HJ 212 device"), lookup_expr="icontains"
    )
    reference_station = django_filters.ModelChoiceFilter(
        queryset=visible(Station), label=_("reference station")
    )
    active_on = django_filters.DateFilter(label=_("active on"), method="filter_active_on")

    class Meta:
        model = Station
        fields = ["q", "kind", "organization", "device", "reference_station", "active_on"]

    def filter_active_on(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(active_from__lte=value).exclude(active_until__lt=value)


class AuditMarkFilterSet(SearchFilterSet):
    search_fields = ("note", "station__name", "station__code")
    station = django_filters.ModelChoiceFilter(queryset=visible(Station), label=_("station"))
    parameter = django_filters.ChoiceFilter(choices=PARAMETER_CHOICES, label=_("parameter"))
    active = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", label=_("active"))
    since = django_filters.DateFilter(field_name="end", lookup_expr="date__gte", label=_("from"))
    until = django_filters.DateFilter(field_name="start", lookup_expr="date__lte", label=_("to"))
    created_by = django_filters.CharFilter(
        field_name="created_by__name", lookup_expr="icontains", label=_("marked by")
    )

    class Meta:
        model = AuditMark
        fields = ["q", "station", "parameter", "reason", "active", "since", "until", "created_by"]


class AnomalyFilterSet(SearchFilterSet):
    search_fields = ("detail", "explanation", "station__name", "station__code")
    station = django_filters.ModelChoiceFilter(queryset=visible(Station), label=_("station"))
    parameter = django_filters.ChoiceFilter(choices=PARAMETER_CHOICES, label=_("parameter"))
    since = django_filters.DateFilter(field_name="start", lookup_expr="date__gte", label=_("from"))
    until = django_filters.DateFilter(field_name="start", lookup_expr="date__lte", label=_("to"))
    end = django_filters.DateFilter(field_name="end", lookup_expr="date", label=_("last hour"))
    found_at = django_filters.DateFilter(field_name="found_at", lookup_expr="date", label=_("found at"))

    class Meta:
        model = Anomaly
        fields = [
            "q",
            "station",
            "rule",
            "parameter",
            "status",
            "field_check",
            "since",
            "until",
            "end",
            "found_at",
        ]


class AnomalyRuleFilterSet(SearchFilterSet):
    search_fields = ("code", "description")

    class Meta:
        model = AnomalyRule
        fields = ["q", "code", "enabled", "hours", "threshold"]


class BenchmarkFigureFilterSet(SearchFilterSet):
    search_fields = ("county",)
    organization = django_filters.ModelChoiceFilter(queryset=visible(Organization), label=_("entered by"))

    class Meta:
        model = BenchmarkFigure
        fields = ["q", "county", "year", "month", "organization"]
