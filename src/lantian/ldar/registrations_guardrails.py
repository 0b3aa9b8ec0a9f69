"""The guard rails' registrations: the rules the bureau edits (no adding or deleting: they are the
kernel's), and the flags, which only the checks write."""

from lantian.core.registry import register
from lantian.ldar import filtersets_guardrails as filtersets
from lantian.ldar import forms_guardrails as forms
from lantian.ldar import tables_guardrails as tables
from lantian.ldar import views_guardrails as views
from lantian.ldar.models import GuardRailFlag, GuardRailRule

register(
    GuardRailRule,
    table=tables.GuardRailRuleTable,
    filterset=filtersets.GuardRailRuleFilterSet,
    form=forms.GuardRailRuleForm,
    detail_fields=("code", "enabled", "updated_at"),
    detail_template="ldar/guardrails/rule_detail.html",
    actions=frozenset({"list", "detail", "export", "edit"}),
    views={"detail": views.GuardRailRuleDetailView},
)
register(
    GuardRailFlag,
    table=tables.GuardRailFlagTable,
    filterset=filtersets.GuardRailFlagFilterSet,
    detail_fields=(
        "rule",
        "enterprise",
        "agency",
        "cycle",
        "work_order",
        "record",
        "other_record",
        "record_count",
        "found_at",
    ),
    detail_template="ldar/guardrails/flag_detail.html",
    views={"detail": views.GuardRailFlagDetailView},
)
