"""Columns of the repair lists and their exports."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class RepairTaskTable(Table):
    columns = (
        Column("tag", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("unit__name", _("unit")),
        Column("area__name", _("area"), visible=False),
        Column("seal_type__name", _("seal-point type")),
        Column("net_value", visible=False),
        Column("detected_on"),
        Column("first_attempt_due", visible=False),
        Column("complete_due", visible=False),
        Column("due_on"),
        Column("state"),
        Column("delayed"),
        Column("overdue"),
        Column("closed_on"),
        Column("late", visible=False),
        Column("repeat_count", visible=False),
        Column("repeated", visible=False),
        Column("agency__name", _("testing agency"), visible=False),
        Column("cycle__year", _("year"), visible=False),
        Column("cycle__round", _("round"), visible=False),
    )
    default_order = ("-detected_on", "-pk")


class DelayedRepairTable(Table):
    columns = (
        Column("task__tag", _("tag"), linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("task__unit__name", _("unit")),
        Column("task__area__name", _("area"), visible=False),
        Column("reason_kind"),
        Column("planned_date"),
        Column("status"),
    )
    default_order = ("-created_at", "-pk")


class RepairOrderTable(Table):
    columns = (
        Column("task__tag", _("tag"), linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("task__unit__name", _("unit")),
        Column("task__area__name", _("area"), visible=False),
        Column("task__seal_type__name", _("seal-point type"), visible=False),
        Column("repaired_on"),
        Column("repaired_by"),
        Column("method"),
        Column("retest_value"),
        Column("result"),
        Column("task__delayed", _("delayed repair"), visible=False),
    )
    default_order = ("-repaired_on", "-pk")


class AvoInspectionTable(Table):
    columns = (
        Column("inspected_on", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("unit__name", _("unit")),
        Column("area__name", _("area")),
        Column("inspector"),
        Column("finding"),
    )
    default_order = ("-inspected_on", "-pk")


class DetectionDueTable(Table):
    columns = (
        Column("tag", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("unit__name", _("unit")),
        Column("area__name", _("area")),
        Column("seal_type__name", _("seal-point type")),
        Column("rule_set", visible=False),
        Column("last_detected_on"),
        Column("next_due"),
        Column("state"),
    )
    default_order = ("next_due", "tag")


class RepairMonthTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("month"),
        Column("detected"),
        Column("leaking"),
        Column("leak_rate"),
        Column("repaired_on_time"),
        Column("repaired_late"),
        Column("delayed"),
        Column("still_open"),
        Column("overdue"),
    )
    default_order = ("-month", "enterprise_id")


class SpotCheckTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("checked_on", linkify=True),
        Column("inspectors", visible=False),
        Column("sampled"),
        Column("leaking"),
        Column("outside_window"),
        Column("violation"),
    )
    default_order = ("-checked_on", "-pk")


class SpotCheckReadingTable(Table):
    columns = (
        Column("tag", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("spot_check__checked_on", _("checked on")),
        Column("background"),
        Column("reading"),
        Column("net_value"),
        Column("is_leak"),
        Column("visible_leak", visible=False),
        Column("in_repair_window"),
    )
    default_order = ("spot_check_id", "tag")
