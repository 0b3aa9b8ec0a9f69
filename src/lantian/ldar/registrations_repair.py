"""Leak repair's registrations with the generic machinery, its periodic jobs, to-do items and menu, and
its follower of saved readings (imported from the app's ``ready()``)."""

from lantian.core.registry import READ_ONLY, register
from lantian.ldar import filtersets_repair as filtersets
from lantian.ldar import forms_repair as forms
from lantian.ldar import repair_jobs, repair_navigation, repair_todo  # noqa: F401 (register jobs, menu, to-do)
from lantian.ldar import tables_repair as tables
from lantian.ldar import views_repair as views
from lantian.ldar.actions_repair import follow_readings
from lantian.ldar.models.repair import (
    AvoInspection,
    DelayedRepair,
    DetectionDue,
    RepairMonth,
    RepairOrder,
    RepairTask,
    SpotCheck,
    SpotCheckReading,
)
from lantian.ldar.readings_saved import follow_readings as follow

follow(follow_readings)

register(
    RepairTask,
    table=tables.RepairTaskTable,
    filterset=filtersets.RepairTaskFilterSet,
    form=forms.RepairTaskForm,
    actions=READ_ONLY
    | {"edit", "bulk_edit"},  # opened and closed by the platform, annotated by the enterprise
    detail_fields=(
        "seal_point",
        "enterprise",
        "unit",
        "area",
        "seal_type",
        "detection",
        "cycle",
        "agency",
        "net_value",
        "detected_on",
        "first_attempt_due",
        "complete_due",
        "due_on",
        "state",
        "delayed",
        "overdue",
        "first_attempt_on",
        "closed_on",
        "late",
        "repeat_count",
        "remark",
    ),
    detail_template="ldar/repair/task_detail.html",
    views={"detail": views.RepairTaskDetailView},
)
register(
    DelayedRepair,
    table=tables.DelayedRepairTable,
    filterset=filtersets.DelayedRepairFilterSet,
    form=forms.DelayedRepairForm,
    detail_fields=("task", "enterprise", "reason_kind", "reason", "planned_date", "created_at"),
    views={"add": views.TaskRowEditView},
)
register(
    RepairOrder,
    table=tables.RepairOrderTable,
    filterset=filtersets.RepairOrderFilterSet,
    form=forms.RepairOrderForm,
    detail_fields=(
        "task",
        "enterprise",
        "repaired_on",
        "repaired_by",
        "method",
        "description",
        "retest_value",
        "result",
    ),
    detail_template="ldar/repair/order_detail.html",
    views={"detail": views.RepairOrderDetailView, "add": views.TaskRowEditView},
)
register(
    AvoInspection,
    table=tables.AvoInspectionTable,
    filterset=filtersets.AvoInspectionFilterSet,
    form=forms.AvoInspectionForm,
    detail_fields=(
        "enterprise",
        "unit",
        "area",
        "seal_point",
        "inspected_on",
        "inspector",
        "finding",
        "description",
        "action_taken",
    ),
)
register(
    DetectionDue,
    table=tables.DetectionDueTable,
    filterset=filtersets.DetectionDueFilterSet,
    detail_fields=(
        "seal_point",
        "enterprise",
        "unit",
        "area",
        "seal_type",
        "rule_set",
        "last_detected_on",
        "next_due",
        "state",
        "refreshed_at",
    ),
)
register(
    RepairMonth,
    table=tables.RepairMonthTable,
    filterset=filtersets.RepairMonthFilterSet,
    detail_fields=(
        "enterprise",
        "month",
        "detected",
        "leaking",
        "leak_rate",
        "repaired_on_time",
        "repaired_late",
        "delayed",
        "still_open",
        "overdue",
        "refreshed_at",
    ),
)
register(
    SpotCheck,
    table=tables.SpotCheckTable,
    filterset=filtersets.SpotCheckFilterSet,
    form=forms.SpotCheckForm,
    detail_fields=(
        "enterprise",
        "checked_on",
        "inspectors",
        "remark",
        "sampled",
        "leaking",
        "outside_window",
        "violation",
    ),
    detail_template="ldar/repair/spotcheck_detail.html",
    views={"detail": views.SpotCheckDetailView},
)
register(
    SpotCheckReading,
    table=tables.SpotCheckReadingTable,
    filterset=filtersets.SpotCheckReadingFilterSet,
    form=forms.SpotCheckReadingForm,
    detail_fields=(
        "spot_check",
        "seal_point",
        "enterprise",
        "background",
        "reading",
        "visible_leak",
        "net_value",
        "threshold",
        "is_leak",
        "repair_task",
        "in_repair_window",
    ),
    views={"add": views.SpotCheckReadingEditView},
)
