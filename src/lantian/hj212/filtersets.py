"""Filters of the HJ 212 lists; every dropdown offers only what the user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.core.dropdowns import ALL
from lantian.core.filtersets import SearchFilterSet, visible
from lantian.core.models import Organization

from . import codes, status
from .models import Device, RawPacket, RejectedPacket
from .tables import code_name


def code_choices(table_name: str, *, direction: str | None = None):
    """Choices "code name" of a code table, read when the form is built (tables are extendable)."""

    def choices():
        table = codes.table(table_name)
        return [
            (code, f"{code} {code_name(table, code)}")
            for code, entry in table.items()
            if direction is None or entry.direction in (direction, "both")
        ]

    return choices


def qn_rtn_choices():
    return [(int(code), label) for code, label in code_choices("qn_rtn")()]


class FilterSet(SearchFilterSet):
    """Every choice dropdown starts with "All" and chooses it by default. The core names the empty
    choice a dropdown offers; django-filter's TypedChoiceFilter (a QnRtn, coerced to a number) offers
    none, so its first code was chosen and every search filtered by it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            if isinstance(field, forms.TypedChoiceField):
                choices = list(field.choices)
                if not choices or choices[0][0] not in ("", None):
                    field.choices = [("", ALL), *choices]


class DayRangeFilterSet(FilterSet):
    """``since``/``until`` days (Asia/Shanghai) on ``received_at``, as an indexed range."""

    since = django_filters.DateFilter(field_name="received_at", label=_("from"), method="filter_since")
    until = django_filters.DateFilter(field_name="received_at", label=_("to"), method="filter_until")

    def filter_since(self, queryset, name, value):
        return queryset.filter(received_at__gte=status.day_bounds(value)[0]) if value else queryset

    def filter_until(self, queryset, name, value):
        return queryset.filter(received_at__lt=status.day_bounds(value)[1]) if value else queryset


class DeviceFilterSet(FilterSet):
    search_fields = ("mn", "name", "measures")
    organization = django_filters.ModelChoiceFilter(queryset=visible(Organization), label=_("owner"))
    st = django_filters.ChoiceFilter(choices=code_choices("system"), label=_("system code (ST)"))
    online = django_filters.ChoiceFilter(
        field_name="last_seen_at",
        label=_("status"),
        method="filter_online",
        choices=[
            (status.ONLINE, _("online")),
            (status.OFFLINE, _("offline")),
            (status.NEVER, _("never seen")),
        ],
    )

    class Meta:
        model = Device
        fields = ["q", "organization", "kind", "st", "online", "capture_cn", "is_active"]

    def filter_online(self, queryset, name, value):
        return status.filter_status(queryset, value)


class RawPacketFilterSet(DayRangeFilterSet):
    search_fields = ("mn", "qn", "peer")
    device = django_filters.ModelChoiceFilter(queryset=visible(Device), label=_("device"))
    cn = django_filters.ChoiceFilter(choices=code_choices("command", direction="up"), label=_("command (CN)"))
    st = django_filters.ChoiceFilter(choices=code_choices("system"), label=_("system code (ST)"))
    data_since = django_filters.DateFilter(
        field_name="data_time", label=_("data time from"), method="filter_data_since"
    )
    data_until = django_filters.DateFilter(
        field_name="data_time", label=_("data time to"), method="filter_data_until"
    )
    gateway = django_filters.CharFilter(label=_("gateway"))

    class Meta:
        model = RawPacket
        fields = [
            "q",
            "device",
            "cn",
            "st",
            "since",
            "until",
            "data_since",
            "data_until",
            "resent",
            "gateway",
        ]

    def filter_data_since(self, queryset, name, value):
        return queryset.filter(data_time__gte=status.day_bounds(value)[0]) if value else queryset

    def filter_data_until(self, queryset, name, value):
        return queryset.filter(data_time__lt=status.day_bounds(value)[1]) if value else queryset


class RejectedPacketFilterSet(DayRangeFilterSet):
    search_fields = ("mn", "reason", "peer")
    mn = django_filters.CharFilter(label=_("MN"), lookup_expr="istartswith")
    device = django_filters.ModelChoiceFilter(queryset=visible(Device), label=_("device"))
    unknown = django_filters.BooleanFilter(
        field_name="device", lookup_expr="isnull", label=_("unknown device")
    )
    qn_rtn = django_filters.TypedChoiceFilter(choices=qn_rtn_choices, coerce=int, label=_("QnRtn"))
    gateway = django_filters.CharFilter(label=_("gateway"))

    class Meta:
        model = RejectedPacket
        fields = ["q", "since", "until", "mn", "device", "unknown", "qn_rtn", "gateway"]
