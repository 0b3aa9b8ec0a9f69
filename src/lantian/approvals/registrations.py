"""The approvals models' registrations with the generic machinery (docs/developing.md)."""

from lantian.approvals import filtersets as f
from lantian.approvals import forms, imports, views
from lantian.approvals import models as m
from lantian.approvals import tables as t
from lantian.core.registry import register

READ_ONLY = frozenset({"list", "detail", "export"})

register(
    m.Project,
    table=t.ProjectTable,
    filterset=f.ProjectFilterSet,
    form=forms.ProjectForm,
    importer=imports.PROJECTS,
    detail_fields=(
        "code",
        "works_code",
        "name",
        "organization",
        "location",
        "division",
        "investment",
        "land_area",
        "floor_area",
        "planned_start",
        "planned_completion",
        "builder_name",
        "builder_credit_code",
        "updated_at",
    ),
)
register(
    m.ApprovalProcess,
    table=t.ProcessTable,
    filterset=f.ProcessFilterSet,
    form=forms.ProcessForm,
    detail_fields=("project", "process_type", "version", "current_stage", "started_on"),
)
register(
    m.ProcessStage,
    table=t.StageTable,
    filterset=f.StageFilterSet,
    form=forms.StageForm,
    detail_fields=("process", "kind", "started_on", "completed_on"),
)
register(
    m.ApprovalItem,
    table=t.ItemTable,
    filterset=f.ItemFilterSet,
    form=forms.ItemForm,
    importer=imports.ITEMS,
    detail_fields=(
        "code",
        "version",
        "name",
        "department",
        "stage",
        "time_limit",
        "limit_unit",
        "materials",
        "handlers",
        "is_active",
    ),
    detail_template="approvals/item_detail.html",
    views={"detail": views.ItemDetailView},
)
register(
    m.ItemConfigChange,
    table=t.ConfigChangeTable,
    filterset=f.ConfigChangeFilterSet,
    actions=READ_ONLY,
    detail_fields=("item", "field", "before", "after", "changed_by", "changed_at"),
)
register(
    m.ItemInstance,
    table=t.InstanceTable,
    filterset=f.InstanceFilterSet,
    form=forms.InstanceForm,
    detail_fields=(
        "code",
        "project",
        "stage",
        "item",
        "department",
        "parallel",
        "time_limit",
        "limit_unit",
        "received_at",
        "status",
        "is_open",
        "completed_at",
        "clock_state",
        "remaining",
        "overdue_by",
        "used_workdays",
        "suspended",
        "clock_at",
    ),
    detail_template="approvals/instance_detail.html",
    views={"detail": views.InstanceDetailView},
)
register(
    m.HandlingRecord,
    table=t.RecordTable,
    filterset=f.RecordFilterSet,
    form=forms.HandlingRecordForm,
    actions=frozenset({"list", "detail", "export", "add", "edit"}),
    detail_fields=("instance", "sequence", "status", "handled_at", "handler", "opinion"),
)
register(
    m.ParallelApproval,
    table=t.ParallelTable,
    filterset=f.ParallelFilterSet,
    form=forms.ParallelForm,
    detail_fields=("project", "stage", "lead_department", "started_on", "completed_on"),
)
register(
    m.JointAcceptance,
    table=t.JointAcceptanceTable,
    filterset=f.JointAcceptanceFilterSet,
    form=forms.JointAcceptanceForm,
    detail_fields=("project", "lead_department", "departments", "applied_on", "completed_on", "result"),
)
register(
    m.CodeMap,
    table=t.CodeMapTable,
    filterset=f.CodeMapFilterSet,
    form=forms.CodeMapForm,
    importer=imports.CODE_MAPS,
    detail_fields=("level", "local_code", "target_code", "note"),
)
register(
    m.QualityRun,
    table=t.QualityRunTable,
    filterset=f.QualityRunFilterSet,
    actions=READ_ONLY,
    detail_fields=("organization", "trigger", "started_at", "started_by", "checked", "findings"),
    detail_template="approvals/qualityrun_detail.html",
    views={"detail": views.QualityRunDetailView},
)
register(
    m.QualityFinding,
    table=t.FindingTable,
    filterset=f.FindingFilterSet,
    actions=READ_ONLY,
    detail_fields=("run", "rule", "organization", "table", "record_key", "field", "message"),
)
register(
    m.RectificationTask,
    table=t.TaskTable,
    filterset=f.TaskFilterSet,
    form=forms.RectificationTaskForm,
    actions=frozenset({"list", "detail", "export", "edit"}),
    detail_fields=(
        "department",
        "run",
        "rule",
        "findings",
        "due_on",
        "status",
        "reply",
        "created_at",
        "closed_at",
    ),
)
register(
    m.ExchangeBatch,
    table=t.BatchTable,
    filterset=f.BatchFilterSet,
    actions=READ_ONLY,
    detail_fields=(
        "organization",
        "direction",
        "started_at",
        "started_by",
        "rows",
        "blocked",
        "failed",
        "accepted",
        "message",
    ),
)
register(
    m.ExchangeRow,
    table=t.ExchangeRowTable,
    filterset=f.ExchangeRowFilterSet,
    actions=READ_ONLY,
    detail_fields=(
        "organization",
        "table",
        "local_key",
        "state",
        "reason",
        "uploads",
        "uploaded_at",
        "checked_at",
        "batch",
    ),
)
register(
    m.Correction,
    table=t.CorrectionTable,
    filterset=f.CorrectionFilterSet,
    form=forms.CorrectionForm,
    actions=frozenset({"list", "detail", "export", "add"}),
    detail_fields=(
        "organization",
        "target",
        "object_id",
        "record",
        "changes",
        "before",
        "after",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ),
    detail_template="approvals/correction_detail.html",
    views={"detail": views.CorrectionDetailView},
)
