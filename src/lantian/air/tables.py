"""Tables of the air-quality lists."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class StationTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("kind"),
        Column("organization__name", _("township office")),
        Column("latitude", visible=False),
        Column("longitude", visible=False),
        Column("device__mn", _("HJ 212 device")),
        Column("parameters", visible=False),
        Column("reference_station__name", _("reference station"), visible=False),
        Column("active_from", visible=False),
        Column("active_until", visible=False),
    )
    default_order = ("code",)


class AuditMarkTable(Table):
    columns = (
        Column("start", linkify=True),
        Column("end"),
        Column("station__name", _("station")),
        Column("parameter"),
        Column("reason"),
        Column("note", visible=False),
        Column("created_by__name", _("marked by"), visible=False),
        Column("revoked_at"),
    )
    default_order = ("-start",)


class AnomalyTable(Table):
    columns = (
        Column("start", linkify=True),
        Column("end", visible=False),
        Column("station__name", _("station")),
        Column("rule"),
        Column("parameter"),
        Column("detail"),
        Column("status"),
        Column("field_check", visible=False),
        Column("found_at", visible=False),
    )
    default_order = ("-start",)


class AnomalyRuleTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("enabled"),
        Column("hours"),
        Column("threshold"),
        Column("description"),
    )
    default_order = ("code",)


class BenchmarkFigureTable(Table):
    columns = (
        Column("county", linkify=True),
        Column("year"),
        Column("month"),
        Column("composite_index"),
        Column("pm25"),
        Column("pm10", visible=False),
        Column("good_ratio"),
        Column("organization__name", _("entered by"), visible=False),
    )
    default_order = ("-year", "county")
