"""Filters of the guard-rail lists: the same on the list pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.ldar.filtersets import ArchiveFilterSet, enterprise_filter
from lantian.ldar.filtersets_detection import agency_filter, cycle_filter, period_filters
from lantian.ldar.models import GuardRailFlag, GuardRailRule, WorkOrder


class GuardRailRuleFilterSet(ArchiveFilterSet):
    search_fields = ("code",)

    class Meta:
        model = GuardRailRule
        fields = ["q", "code", "enabled"]


class GuardRailFlagFilterSet(ArchiveFilterSet):
    search_fields = ("message", "record__tag", "work_order__number")
    enterprise = enterprise_filter()
    agency = agency_filter()
    cycle = cycle_filter()
    work_order = django_filters.ModelChoiceFilter(
        queryset=lambda request: WorkOrder.objects.restrict(request.user, "view"), label=_("work order")
    )
    whole_order = django_filters.BooleanFilter(
        field_name="record", lookup_expr="isnull", label=_("on the whole work order")
    )
    found_at, found_until = period_filters("found_at")

    class Meta:
        model = GuardRailFlag
        fields = [
            "q",
            "enterprise",
            "agency",
            "cycle",
            "work_order",
            "rule",
            "whole_order",
            "found_at",
            "found_until",
        ]
