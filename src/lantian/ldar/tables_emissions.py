"""Columns of the emissions lists and their exports."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class EmissionCoefficientTable(Table):
    columns = (
        Column("coefficient_set", linkify=True),
        Column("component_type", linkify=True),
        Column("material_state"),
        Column("a"),
        Column("b"),
        Column("default_zero"),
        Column("pegged"),
        Column("average_factor"),
        Column("source", sortable=False, visible=False),
        Column("note", sortable=False, visible=False),
    )
    default_order = ("coefficient_set", "component_type", "material_state")


class EmissionAccountTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("start", linkify=True),
        Column("end"),
        Column("coefficient_set"),
        Column("points"),
        Column("detected_points"),
        Column("average_factor_points", visible=False),
        Column("initial_kg"),
        Column("after_repair_kg"),
        Column("reduction_kg"),
        Column("computed_at", visible=False),
    )
    default_order = ("-end", "enterprise__name")


class PointEmissionTable(Table):
    columns = (
        Column("tag", linkify=True),
        Column("account__enterprise__name", _("enterprise"), visible=False),
        Column("unit__name", _("unit")),
        Column("seal_type__name", _("seal-point type")),
        Column("material_state"),
        Column("method"),
        Column("methods", visible=False),
        Column("readings"),
        Column("hours", visible=False),
        Column("initial_kg"),
        Column("after_repair_kg"),
    )
    default_order = ("tag",)
