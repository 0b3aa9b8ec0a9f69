"""Columns of the guard-rail lists and their exports."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class GuardRailRuleTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("per", _("checked per"), sortable=False),
        Column("enabled"),
        Column("parameter_text", _("parameters"), sortable=False),
        Column("updated_at"),
    )
    default_order = ("pk",)


class GuardRailFlagTable(Table):
    columns = (
        Column("rule", linkify=True),
        Column("text", _("finding"), sortable=False),
        Column("enterprise__name", _("enterprise")),
        Column("agency__name", _("testing agency")),
        Column("work_order__number", _("work order")),
        Column("record__tag", _("tag")),
        Column("record_count"),
        Column("found_at"),
    )
    default_order = ("-found_at", "rule")
