"""The command centre's models registered with the generic machinery (docs/developing.md)."""

from lantian.cases import views
from lantian.cases.filtersets import CaseFilterSet, CategoryFilterSet, GridFilterSet, WorkflowFilterSet
from lantian.cases.forms import CategoryForm, GridForm, WorkflowForm
from lantian.cases.models import Case, Category, Grid, Workflow
from lantian.cases.tables import CaseTable, CategoryTable, GridTable, WorkflowTable
from lantian.core import registry

registry.register(
    Case,
    table=CaseTable,
    filterset=CaseFilterSet,
    detail_fields=(
        "number", "category", "channel", "step_name", "state", "clock", "due_at", "department", "address",
        "grid", "reporter_name", "field_worker", "created_at", "closed_at",
    ),
    detail_template="cases/case_detail.html",
    views={"detail": views.CaseDetailView},
)  # fmt: skip
registry.register(
    Category,
    table=CategoryTable,
    filterset=CategoryFilterSet,
    form=CategoryForm,
    detail_fields=(
        "code",
        "name",
        "kind",
        "parent",
        "workflow",
        "closing_condition",
        "is_active",
    ),
    detail_template="cases/category_detail.html",
    views={"detail": views.CategoryDetailView},
)
registry.register(
    Workflow,
    table=WorkflowTable,
    filterset=WorkflowFilterSet,
    form=WorkflowForm,
    detail_fields=("code", "name", "description", "published", "updated_at"),
    detail_template="cases/workflow_detail.html",
    views={"detail": views.WorkflowDetailView},
)
registry.register(
    Grid,
    table=GridTable,
    filterset=GridFilterSet,
    form=GridForm,
    detail_fields=("code", "name", "organization", "worker", "south", "west", "north", "east"),
)
