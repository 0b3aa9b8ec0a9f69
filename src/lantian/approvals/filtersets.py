"""Filters of the approvals lists; every dropdown offers only what the user may see."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.approvals import models as m
from lantian.core.filtersets import SearchFilterSet
from lantian.core.models import Division, Organization


def departments(request):
    return Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.DEPARTMENT)


def divisions(request):
    return Division.objects.filter(approval_projects__isnull=False).distinct()


def projects(request):
    return m.Project.objects.restrict(request.user, "view")


def items(request):
    return m.ApprovalItem.objects.restrict(request.user, "view")


def instances(request):
    return m.ItemInstance.objects.restrict(request.user, "view")


def runs(request):
    return m.QualityRun.objects.restrict(request.user, "view")


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("code", "works_code", "name", "builder_name", "builder_credit_code", "location")
    division = django_filters.ModelChoiceFilter(queryset=divisions, label=_("division"))
    stage = django_filters.ChoiceFilter(
        field_name="process__current_stage", choices=m.StageKind.choices, label=_("current stage")
    )
    planned_start_from = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="gte", label=_("planned start from")
    )

    class Meta:
        model = m.Project
        fields = ["q", "division", "stage", "planned_start_from"]


class ProcessFilterSet(SearchFilterSet):
    search_fields = ("project__code", "project__name")

    class Meta:
        model = m.ApprovalProcess
        fields = ["q", "process_type", "current_stage"]


class StageFilterSet(SearchFilterSet):
    search_fields = ("process__project__code", "process__project__name")

    class Meta:
        model = m.ProcessStage
        fields = ["q", "kind"]


class ItemFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "handlers")
    department = django_filters.ModelChoiceFilter(queryset=departments, label=_("department"))

    class Meta:
        model = m.ApprovalItem
        fields = ["q", "department", "stage", "limit_unit", "is_active"]


class ConfigChangeFilterSet(SearchFilterSet):
    search_fields = ("item__code", "item__name", "field", "before", "after")
    item = django_filters.ModelChoiceFilter(queryset=items, label=_("approval item"))

    class Meta:
        model = m.ItemConfigChange
        fields = ["q", "item"]


class InstanceFilterSet(SearchFilterSet):
    search_fields = ("code", "project__code", "project__name", "item__name", "item__code")
    department = django_filters.ModelChoiceFilter(queryset=departments, label=_("department"))
    project = django_filters.ModelChoiceFilter(queryset=projects, label=_("construction project"))
    division = django_filters.ModelChoiceFilter(
        field_name="project__division", queryset=divisions, label=_("division")
    )
    is_parallel = django_filters.BooleanFilter(
        field_name="parallel", lookup_expr="isnull", exclude=True, label=_("parallel approval")
    )
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("received from")
    )

    class Meta:
        model = m.ItemInstance
        fields = [
            "q",
            "department",
            "project",
            "division",
            "status",
            "clock_state",
            "is_open",
            "suspended",
            "is_parallel",
            "received_from",
        ]


class RecordFilterSet(SearchFilterSet):
    search_fields = ("instance__code", "handler", "opinion")
    instance = django_filters.ModelChoiceFilter(queryset=instances, label=_("item instance"))
    handled_from = django_filters.DateFilter(
        field_name="handled_at", lookup_expr="date__gte", label=_("handled from")
    )

    class Meta:
        model = m.HandlingRecord
        fields = ["q", "instance", "status", "handled_from"]


class ParallelFilterSet(SearchFilterSet):
    search_fields = ("project__code", "project__name")
    lead_department = django_filters.ModelChoiceFilter(queryset=departments, label=_("lead department"))

    class Meta:
        model = m.ParallelApproval
        fields = ["q", "stage", "lead_department"]


class JointAcceptanceFilterSet(SearchFilterSet):
    search_fields = ("project__code", "project__name", "departments")
    lead_department = django_filters.ModelChoiceFilter(queryset=departments, label=_("lead department"))

    class Meta:
        model = m.JointAcceptance
        fields = ["q", "result", "lead_department"]


class CodeMapFilterSet(SearchFilterSet):
    search_fields = ("level", "target_code", "note")

    class Meta:
        model = m.CodeMap
        fields = ["q", "local_code"]


class QualityRunFilterSet(SearchFilterSet):
    search_fields = ("organization__name",)

    class Meta:
        model = m.QualityRun
        fields = ["q", "trigger"]


class FindingFilterSet(SearchFilterSet):
    search_fields = ("record_key", "message", "rule", "table")
    run = django_filters.ModelChoiceFilter(queryset=runs, label=_("data-quality run"))
    organization = django_filters.ModelChoiceFilter(
        queryset=lambda request: Organization.objects.restrict(request.user, "view"),
        label=_("responsible organization"),
    )

    class Meta:
        model = m.QualityFinding
        fields = ["q", "run", "rule", "organization"]


class TaskFilterSet(SearchFilterSet):
    search_fields = ("rule", "reply", "department__name")
    department = django_filters.ModelChoiceFilter(queryset=departments, label=_("department"))

    class Meta:
        model = m.RectificationTask
        fields = ["q", "department", "status", "rule"]


class BatchFilterSet(SearchFilterSet):
    search_fields = ("message",)

    class Meta:
        model = m.ExchangeBatch
        fields = ["q", "direction"]


class ExchangeRowFilterSet(SearchFilterSet):
    search_fields = ("local_key", "reason", "table")

    class Meta:
        model = m.ExchangeRow
        fields = ["q", "state", "table"]


class CorrectionFilterSet(SearchFilterSet):
    search_fields = ("record", "reason")

    class Meta:
        model = m.Correction
        fields = ["q", "status", "target"]
