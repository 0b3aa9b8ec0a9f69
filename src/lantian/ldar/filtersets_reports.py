"""Filters of the report lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization
from lantian.ldar.filtersets import ArchiveFilterSet, enterprise_filter
from lantian.ldar.models.reports import ReportLine, StatisticsReport, ThirdPartyReport


def visible_agencies(request):
    return Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.AGENCY)


def visible_reports(request):
    return StatisticsReport.objects.restrict(request.user, "view").select_related("enterprise", "cycle")


class StatisticsReportFilterSet(ArchiveFilterSet):
    search_fields = ("enterprise__name", "remark")
    enterprise = enterprise_filter()
    generated_from = django_filters.DateFilter(
        field_name="generated_at", lookup_expr="date__gte", label=_("generated from")
    )
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("submitted from")
    )

    class Meta:
        model = StatisticsReport
        fields = ["q", "enterprise", "kind", "year", "status", "generated_from", "submitted_from"]


class ReportLineFilterSet(ArchiveFilterSet):
    search_fields = ("label",)
    report = django_filters.ModelChoiceFilter(queryset=visible_reports, label=_("report"))
    leaking = django_filters.NumberFilter(lookup_expr="gte", label=_("leaking points at least"))

    class Meta:
        model = ReportLine
        fields = ["q", "report", "leaking"]


class ThirdPartyReportFilterSet(ArchiveFilterSet):
    search_fields = ("enterprise__name", "agency__name", "units", "remark")
    enterprise = enterprise_filter()
    agency = django_filters.ModelChoiceFilter(queryset=visible_agencies, label=_("testing agency"))
    start_from = django_filters.DateFilter(field_name="start", lookup_expr="gte", label=_("from"))
    end_to = django_filters.DateFilter(field_name="end", lookup_expr="lte", label=_("to"))
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("submitted from")
    )

    class Meta:
        model = ThirdPartyReport
        fields = ["q", "enterprise", "agency", "status", "start_from", "end_to", "submitted_from"]
