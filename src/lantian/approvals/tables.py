"""List columns of the approvals pages."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class ProjectTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("works_code", visible=False),
        Column("division__name", _("division")),
        Column("process__current_stage", _("current stage")),
        Column("investment"),
        Column("planned_start"),
        Column("planned_completion", visible=False),
        Column("builder_name"),
        Column("updated_at", visible=False),
    )
    default_order = ("-code",)


class ProcessTable(Table):
    columns = (
        Column("project__code", _("project code"), linkify=True),
        Column("project__name", _("project name")),
        Column("process_type"),
        Column("current_stage"),
        Column("version", visible=False),
        Column("started_on"),
    )
    default_order = ("-started_on", "-pk")


class StageTable(Table):
    columns = (
        Column("process__project__code", _("project code"), linkify=True),
        Column("kind"),
        Column("started_on"),
        Column("completed_on"),
    )
    default_order = ("process", "kind")


class ItemTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("version"),
        Column("department__name", _("department")),
        Column("stage"),
        Column("time_limit"),
        Column("limit_unit"),
        Column("is_active"),
    )
    default_order = ("code", "version")


class ConfigChangeTable(Table):
    columns = (
        Column("item__code", _("item code"), linkify=True),
        Column("field"),
        Column("before"),
        Column("after"),
        Column("changed_by__name", _("changed by")),
        Column("changed_at"),
    )
    default_order = ("-changed_at", "-pk")


class InstanceTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("item__name", _("approval item")),
        Column("project__code", _("project code")),
        Column("department__name", _("department")),
        Column("received_at"),
        Column("status"),
        Column("clock_state"),
        Column("remaining_display", _("time left"), sortable=False),
        Column("overdue_by"),
        Column("suspended", visible=False),
        Column("is_open", visible=False),
    )
    default_order = ("-received_at", "-pk")


class RecordTable(Table):
    columns = (
        Column("instance__code", _("item instance code"), linkify=True),
        Column("sequence"),
        Column("status"),
        Column("handled_at"),
        Column("handler"),
        Column("opinion", sortable=False),
    )
    default_order = ("instance", "sequence")


class ParallelTable(Table):
    columns = (
        Column("project__code", _("project code"), linkify=True),
        Column("stage"),
        Column("lead_department__name", _("lead department")),
        Column("started_on"),
        Column("completed_on"),
    )
    default_order = ("-started_on", "-pk")


class JointAcceptanceTable(Table):
    columns = (
        Column("project__code", _("project code"), linkify=True),
        Column("lead_department__name", _("lead department")),
        Column("departments", sortable=False),
        Column("applied_on"),
        Column("completed_on"),
        Column("result"),
    )
    default_order = ("-applied_on", "-pk")


class CodeMapTable(Table):
    columns = (
        Column("level", linkify=True),
        Column("local_code"),
        Column("target_code"),
        Column("note", sortable=False),
    )
    default_order = ("level", "local_code")


class QualityRunTable(Table):
    columns = (
        Column("started_at", linkify=True),
        Column("organization__name", _("approval bureau")),
        Column("trigger"),
        Column("checked"),
        Column("findings"),
    )
    default_order = ("-started_at", "-pk")


class FindingTable(Table):
    columns = (
        Column("rule", linkify=True),
        Column("table"),
        Column("record_key"),
        Column("field"),
        Column("message", sortable=False),
        Column("organization__name", _("responsible organization")),
    )
    default_order = ("rule", "record_key")


class TaskTable(Table):
    columns = (
        Column("department__name", _("department"), linkify=True),
        Column("rule"),
        Column("findings"),
        Column("due_on"),
        Column("status"),
        Column("created_at", visible=False),
    )
    default_order = ("status", "due_on", "-pk")


class BatchTable(Table):
    columns = (
        Column("started_at", linkify=True),
        Column("direction"),
        Column("rows"),
        Column("blocked"),
        Column("failed"),
        Column("accepted"),
        Column("message", sortable=False),
    )
    default_order = ("-started_at", "-pk")


class ExchangeRowTable(Table):
    columns = (
        Column("table", linkify=True),
        Column("local_key"),
        Column("state"),
        Column("reason", sortable=False),
        Column("uploads"),
        Column("uploaded_at"),
        Column("checked_at", visible=False),
    )
    default_order = ("state", "table", "local_key")


class CorrectionTable(Table):
    columns = (
        Column("record", linkify=True),
        Column("target"),
        Column("status"),
        Column("requested_by__name", _("requested by")),
        Column("requested_at"),
        Column("decided_by__name", _("approved by")),
    )
    default_order = ("-requested_at", "-pk")
