"""Filters of the command centre's lists; every dropdown offers only what the user may see."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantian.cases.models import Case, Category, Channel, Clock, Grid, Kind, State, Workflow
from lantian.core.filtersets import SearchFilterSet, visible
from lantian.core.models import Organization


def minor_classes(request):
    return Category.objects.restrict(request.user, "view").exclude(parent=None).select_related("parent")


def major_classes(request):
    return Category.objects.restrict(request.user, "view").filter(parent=None)


def command_centres(request):
    return Organization.objects.restrict(request.user, "view").filter(
        pk__in=Case.objects.restrict(request.user, "view").values("organization")
    )


def departments(request):
    return Organization.objects.filter(
        pk__in=Case.objects.restrict(request.user, "view").exclude(department=None).values("department")
    )


def grids(request):
    return Grid.objects.filter(pk__in=Case.objects.restrict(request.user, "view").values("grid"))


def step_names(request=None):
    names = Case.objects.order_by().values_list("step_name", flat=True).distinct()
    return [(name, name) for name in sorted(set(names))]


class CaseFilterSet(SearchFilterSet):
    search_fields = ("number", "description", "address", "reporter_name", "category__name")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, field_name="category__kind", label=_("kind"))
    major = django_filters.ModelChoiceFilter(
        queryset=major_classes, field_name="category__parent", label=_("major class")
    )
    category = django_filters.ModelChoiceFilter(queryset=minor_classes, label=_("minor class"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    state = django_filters.ChoiceFilter(choices=State.choices, label=_("state"))
    step_name = django_filters.ChoiceFilter(choices=step_names, label=_("step"))
    clock = django_filters.ChoiceFilter(choices=Clock.choices, label=_("time limit"))
    organization = django_filters.ModelChoiceFilter(queryset=command_centres, label=_("command centre"))
    department = django_filters.ModelChoiceFilter(queryset=departments, label=_("handling department"))
    grid = django_filters.ModelChoiceFilter(queryset=grids, label=_("unit grid"))
    workflow = django_filters.ModelChoiceFilter(
        queryset=visible(Workflow), field_name="workflow_version__workflow", label=_("workflow")
    )
    supervised = django_filters.BooleanFilter(label=_("supervised"))
    reworked = django_filters.BooleanFilter(label=_("reworked"), method="filter_reworked")
    extended = django_filters.BooleanFilter(label=_("extended"), method="filter_extended")
    duplicate = django_filters.BooleanFilter(label=_("duplicate report"), method="filter_duplicate")
    photo_reused = django_filters.BooleanFilter(label=_("photo used before"))
    feedback_fixed = django_filters.BooleanFilter(label=_("reporter says fixed"))
    reported_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("reported from")
    )
    reported_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("reported to")
    )
    due_before = django_filters.DateFilter(
        field_name="due_at", lookup_expr="date__lte", label=_("step due by")
    )
    closed_from = django_filters.DateFilter(
        field_name="closed_at", lookup_expr="date__gte", label=_("closed from")
    )
    closed_to = django_filters.DateFilter(
        field_name="closed_at", lookup_expr="date__lte", label=_("closed to")
    )

    class Meta:
        model = Case
        fields = [
            "q", "kind", "major", "category", "channel", "state", "step_name", "clock", "organization",
            "department", "grid", "workflow", "supervised", "reworked", "extended", "duplicate",
            "photo_reused", "feedback_fixed", "reported_from", "reported_to", "due_before", "closed_from",
            "closed_to",
        ]  # fmt: skip

    def filter_reworked(self, queryset, name, value):
        return (
            queryset
            if value is None
            else queryset.filter(Q(rework_count__gt=0) if value else Q(rework_count=0))
        )

    def filter_extended(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(extension_count__gt=0) if value else Q(extension_count=0))

    def filter_duplicate(self, queryset, name, value):
        return queryset if value is None else queryset.filter(duplicate_of__isnull=not value)


class CategoryFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "closing_condition")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("kind"))
    parent = django_filters.ModelChoiceFilter(queryset=major_classes, label=_("major class"))
    workflow = django_filters.ModelChoiceFilter(queryset=visible(Workflow), label=_("workflow"))
    level = django_filters.ChoiceFilter(
        choices=(("major", _("major classes")), ("minor", _("minor classes"))),
        label=_("level"),
        method="filter_level",
    )
    is_active = django_filters.BooleanFilter(label=_("in use"))

    class Meta:
        model = Category
        fields = ["q", "kind", "level", "parent", "workflow", "is_active"]

    def filter_level(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(parent__isnull=value == "major")


class WorkflowFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")

    class Meta:
        model = Workflow
        fields = ["q"]


class GridFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "worker__name")
    organization = django_filters.ModelChoiceFilter(queryset=visible(Organization), label=_("command centre"))

    class Meta:
        model = Grid
        fields = ["q", "organization"]
