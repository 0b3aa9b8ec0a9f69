"""Columns of the power lists and their exports."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table

ENTERPRISE = _("enterprise")


class PowerProfileTable(Table):
    columns = (
        Column("enterprise__name", ENTERPRISE, linkify=True),
        Column("credit_code"),
        Column("industry"),
        Column("industry_small_category"),
        Column("enterprise__division__name", _("district")),
        Column("address", visible=False),
        Column("updated_at", visible=False),
    )
    default_order = ("enterprise__name",)


class ProductionFacilityTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("enterprise__name", ENTERPRISE),
        Column("remark", sortable=False, visible=False),
    )
    default_order = ("enterprise__name", "code")


class TreatmentFacilityTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("enterprise__name", ENTERPRISE),
        Column("remark", sortable=False, visible=False),
    )
    default_order = ("enterprise__name", "code")


class MonitoringPointTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("enterprise__name", ENTERPRISE),
        Column("kind"),
        Column("production_facility__name", _("production facility")),
        Column("treatment_facility__name", _("treatment facility")),
        Column("device__mn", _("meter MN")),
        Column("rated_power_kw"),
        Column("ct_ratio", visible=False),
        Column("pt_ratio", visible=False),
        Column("networked_on"),
        Column("is_active", visible=False),
    )
    default_order = ("enterprise__name", "code")


class RunningThresholdTable(Table):
    columns = (
        Column("point__code", _("point code"), linkify=True),
        Column("point__name", _("monitoring point")),
        Column("point__enterprise__name", ENTERPRISE),
        Column("threshold_kw"),
        Column("valid_from"),
        Column("valid_until"),
        Column("reason", sortable=False),
    )
    default_order = ("point__enterprise__name", "point__code", "-valid_from")


class CodeMappingTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("quantity"),
        Column("factor"),
        Column("source", sortable=False),
    )
    default_order = ("code",)


class UnknownCodeTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("first_seen"),
        Column("last_seen"),
        Column("values"),
        Column("example_mn"),
    )
    default_order = ("-last_seen",)


class AlarmRuleTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("kind"),
        Column("minutes"),
        Column("share"),
        Column("night_start", visible=False),
        Column("night_end", visible=False),
        Column("enabled"),
    )
    default_order = ("code",)


class AlarmEventTable(Table):
    columns = (
        Column("start", linkify=True),
        Column("end"),
        Column("enterprise__name", ENTERPRISE),
        Column("enterprise__division__name", _("district")),
        Column("kind"),
        Column("production_facility__name", _("production facility")),
        Column("treatment_facility__name", _("treatment facility")),
        Column("ongoing"),
        Column("status"),
        Column("rule__name", _("rule"), visible=False),
    )
    default_order = ("-start", "pk")


class FindingTable(Table):
    columns = (
        Column("day", linkify=True),
        Column("check_code"),
        Column("enterprise__name", ENTERPRISE),
        Column("point__name", _("monitoring point")),
        Column("production_facility__name", _("production facility")),
        Column("treatment_facility__name", _("treatment facility")),
        Column("detail", sortable=False),
    )
    default_order = ("-day", "check_code", "enterprise__name")
