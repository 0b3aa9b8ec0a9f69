"""Columns of the detection-process lists and their exports."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class LeakRuleSetTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("rule_set"),
        Column("volatile_threshold"),
        Column("other_threshold"),
        Column("remark", sortable=False, visible=False),
        Column("updated_at", visible=False),
    )
    default_order = ("enterprise__path",)


class DetectionCycleTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("year", linkify=True),
        Column("round", linkify=True),
        Column("agency__name", _("testing agency")),
        Column("accounting_start"),
        Column("accounting_end"),
        Column("covers_dynamic"),
        Column("covers_static"),
        Column("remark", sortable=False, visible=False),
    )
    default_order = ("enterprise_id", "-year", "-round")


class WorkPlanTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("cycle__year", _("year")),
        Column("cycle__round", _("round")),
        Column("unit__name", _("unit")),
        Column("area__name", _("area"), linkify=True),
        Column("points_planned"),
        Column("start_date"),
        Column("collection_end_date"),
        Column("agency__name", _("testing agency"), visible=False),
    )
    default_order = ("-start_date", "pk")


class WorkOrderTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("cycle__year", _("year")),
        Column("cycle__round", _("round")),
        Column("plan__area__name", _("area"), linkify=True),
        Column("agency__name", _("testing agency")),
        Column("inspectors", sortable=False),
        Column("issued_on"),
        Column("state"),
    )
    default_order = ("-issued_on", "-pk")


class DetectionRecordTable(Table):
    columns = (
        Column("tag", linkify=True),
        Column("enterprise__name", _("enterprise"), visible=False),
        Column("cycle__year", _("year"), visible=False),
        Column("cycle__round", _("round"), visible=False),
        Column("unit__name", _("unit")),
        Column("area__name", _("area")),
        Column("equipment__code", _("equipment code"), visible=False),
        Column("group__code", _("group code"), visible=False),
        Column("seal_type__name", _("seal-point type")),
        Column("material_state", visible=False),
        Column("is_dynamic", visible=False),
        Column("background"),
        Column("reading"),
        Column("net_value"),
        Column("threshold", visible=False),
        Column("is_leak"),
        Column("operator"),
        Column("agency__name", _("testing agency"), visible=False),
        Column("started_at"),
        Column("ended_at", visible=False),
    )
    default_order = ("-started_at", "-pk")


class RetestRecordTable(Table):
    columns = (
        Column("seal_point__tag", _("tag"), linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("background"),
        Column("reading"),
        Column("net_value"),
        Column("is_leak"),
        Column("operator", visible=False),
        Column("tested_at"),
    )
    default_order = ("-tested_at", "-pk")


class BackgroundRecordTable(Table):
    columns = (
        Column("measured_at", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("area__name", _("area")),
        Column("instrument__serial_number", _("instrument")),
        Column("readings", sortable=False),
        Column("value"),
        Column("wind_direction", visible=False),
        Column("operator", visible=False),
    )
    default_order = ("-measured_at", "-pk")


class CalibrationRecordTable(Table):
    columns = (
        Column("calibrated_at", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("instrument__serial_number", _("instrument")),
        Column("zero_gas_reading", visible=False),
        Column("span_gas"),
        Column("span_reading", visible=False),
        Column("indication_error"),
        Column("drift"),
        Column("response_time"),
        Column("passed"),
        Column("cylinder_expiry", visible=False),
        Column("operator", visible=False),
    )
    default_order = ("-calibrated_at", "-pk")


class InaccessiblePointTable(Table):
    columns = (
        Column("seal_point__tag", _("tag"), linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("recorded_on"),
        Column("reason", sortable=False),
        Column("operator", visible=False),
    )
    default_order = ("-recorded_on", "-pk")
