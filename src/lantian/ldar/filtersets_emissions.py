"""Filters of the emissions lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import visible
from lantian.ldar.filtersets import ArchiveFilterSet, enterprise_filter, unit_filter
from lantian.ldar.models import EmissionAccount, EmissionCoefficient, PointEmission, SealPointType


class EmissionCoefficientFilterSet(ArchiveFilterSet):
    search_fields = ("source", "note")

    class Meta:
        model = EmissionCoefficient
        fields = ["q", "coefficient_set", "component_type", "material_state"]


class EmissionAccountFilterSet(ArchiveFilterSet):
    enterprise = enterprise_filter()
    year = django_filters.NumberFilter(field_name="end", lookup_expr="year", label=_("year"))
    start_from = django_filters.DateFilter(field_name="start", lookup_expr="gte", label=_("from"))
    end_to = django_filters.DateFilter(field_name="end", lookup_expr="lte", label=_("to"))
    computed_from = django_filters.DateFilter(
        field_name="computed_at", lookup_expr="date__gte", label=_("computed from")
    )

    class Meta:
        model = EmissionAccount
        fields = ["q", "enterprise", "coefficient_set", "year", "start_from", "end_to", "computed_from"]


def visible_accounts(request):
    return EmissionAccount.objects.restrict(request.user, "view").select_related("enterprise")


class PointEmissionFilterSet(ArchiveFilterSet):
    search_fields = ("tag",)
    account = django_filters.ModelChoiceFilter(queryset=visible_accounts, label=_("emissions account"))
    unit = unit_filter()
    seal_type = django_filters.ModelChoiceFilter(queryset=visible(SealPointType), label=_("seal-point type"))
    methods = django_filters.CharFilter(lookup_expr="contains", label=_("method used"))
    readings = django_filters.NumberFilter(lookup_expr="gte", label=_("readings at least"))
    hours = django_filters.NumberFilter(lookup_expr="lt", label=_("operating hours below"))
    initial_kg = django_filters.NumberFilter(lookup_expr="gte", label=_("initial emissions from (kg)"))
    after_repair_kg = django_filters.NumberFilter(
        lookup_expr="gte", label=_("emissions after repair from (kg)")
    )

    class Meta:
        model = PointEmission
        fields = [
            "q", "account", "unit", "seal_type", "material_state", "method", "methods", "readings", "hours",
            "initial_kg", "after_repair_kg",
        ]  # fmt: skip
