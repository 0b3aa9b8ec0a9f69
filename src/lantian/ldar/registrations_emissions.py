"""The emissions models' registrations with the generic machinery (docs/developing.md, docs/ldar.md)."""

from lantian.core.registry import register
from lantian.ldar import filtersets_emissions as filtersets
from lantian.ldar import forms_emissions as forms
from lantian.ldar import tables_emissions as tables
from lantian.ldar import views_emissions as views
from lantian.ldar.models import EmissionAccount, EmissionCoefficient, PointEmission

COEFFICIENT_FIELDS = (
    "coefficient_set", "component_type", "material_state", "a", "b", "default_zero", "pegged",
    "average_factor", "source", "note", "updated_at",
)  # fmt: skip
ACCOUNT_FIELDS = (
    "enterprise", "start", "end", "coefficient_set", "points", "detected_points", "average_factor_points",
    "computed_at",
)  # fmt: skip
POINT_FIELDS = (
    "account", "seal_point", "unit", "seal_type", "material_state", "method", "methods", "readings", "hours",
    "initial_kg", "after_repair_kg",
)  # fmt: skip

register(
    EmissionCoefficient,
    table=tables.EmissionCoefficientTable,
    filterset=filtersets.EmissionCoefficientFilterSet,
    form=forms.EmissionCoefficientForm,
    # every cell exists from the seed on: edited, never added or deleted
    actions=frozenset({"list", "detail", "export", "edit", "bulk_edit"}),
    detail_fields=COEFFICIENT_FIELDS,
)
register(
    EmissionAccount,
    table=tables.EmissionAccountTable,
    filterset=filtersets.EmissionAccountFilterSet,
    form=forms.EmissionAccountForm,
    actions=frozenset({"list", "detail", "export", "add", "edit", "delete"}),
    detail_fields=ACCOUNT_FIELDS,
    detail_template="ldar/emissions/account_detail.html",
    views={
        "add": views.EmissionAccountEditView,
        "edit": views.EmissionAccountEditView,
        "detail": views.EmissionAccountDetailView,
    },
)
register(
    PointEmission,
    table=tables.PointEmissionTable,
    filterset=filtersets.PointEmissionFilterSet,
    detail_fields=POINT_FIELDS,
)
