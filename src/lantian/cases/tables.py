"""Table columns of the command centre's lists."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class CaseTable(Table):
    columns = (
        Column("number", linkify=True),
        Column("category__name", _("category")),
        Column("channel"),
        Column("step_name"),
        Column("state"),
        Column("clock"),
        Column("due_at"),
        Column("department"),
        Column("address", visible=False),
        Column("grid", visible=False),
        Column("organization", visible=False),
        Column("reporter_name", visible=False),
        Column("supervised", visible=False),
        Column("rework_count", visible=False),
        Column("extension_count", visible=False),
        Column("urge_count", visible=False),
        Column("created_at"),
        Column("closed_at", visible=False),
    )
    default_order = ("-created_at", "-pk")


class CategoryTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("kind"),
        Column("parent"),
        Column("workflow"),
        Column("closing_condition", visible=False),
        Column("is_active"),
    )
    default_order = ("code",)


class WorkflowTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("published", _("current version"), sortable=False),
        Column("description", visible=False),
        Column("updated_at"),
    )
    default_order = ("code",)


class GridTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("organization"),
        Column("worker"),
    )
    default_order = ("code",)
