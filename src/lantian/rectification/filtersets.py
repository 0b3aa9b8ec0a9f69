import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import SearchFilterSet
from lantian.core.models import Organization
from lantian.rectification.models import RectificationNotice, RectificationResponse


def visible_enterprises(request):
    return Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.ENTERPRISE)


def visible_regulators(request):
    return Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.REGULATOR)


class RectificationNoticeFilterSet(SearchFilterSet):
    search_fields = ("number", "enterprise__name", "problems", "requirements")
    enterprise = django_filters.ModelChoiceFilter(queryset=visible_enterprises, label=_("enterprise"))
    deadline_from = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", label=_("deadline from")
    )
    deadline_to = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("deadline to"))
    issued_by = django_filters.ModelChoiceFilter(queryset=visible_regulators, label=_("issuing bureau"))
    checked_from = django_filters.DateFilter(
        field_name="checked_on", lookup_expr="gte", label=_("site check from")
    )
    closed_from = django_filters.DateFilter(
        field_name="closed_at", lookup_expr="date__gte", label=_("closed from")
    )

    class Meta:
        model = RectificationNotice
        fields = [
            "q", "enterprise", "issued_by", "state", "is_overdue", "deadline_from", "deadline_to",
            "checked_from", "closed_from",
        ]  # fmt: skip


class RectificationResponseFilterSet(SearchFilterSet):
    search_fields = ("notice__number", "notice__enterprise__name", "measures", "contact_person")
    enterprise = django_filters.ModelChoiceFilter(
        field_name="notice__enterprise", queryset=visible_enterprises, label=_("enterprise")
    )
    completed_from = django_filters.DateFilter(
        field_name="completed_on", lookup_expr="gte", label=_("completed from")
    )
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("submitted from")
    )
    reviewed_from = django_filters.DateFilter(
        field_name="reviewed_at", lookup_expr="date__gte", label=_("reviewed from")
    )

    class Meta:
        model = RectificationResponse
        fields = ["q", "enterprise", "status", "completed_from", "submitted_from", "reviewed_from"]
