"""Columns of the report lists and their exports."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class StatisticsReportTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("kind", linkify=True),
        Column("year"),
        Column("status"),
        Column("generated_at"),
        Column("submitted_at", visible=False),
    )
    default_order = ("-created_at",)


class ReportLineTable(Table):
    columns = (
        Column("label", linkify=True),
        Column("report__enterprise__name", _("enterprise"), visible=False),
        Column("controlled"),
        Column("inaccessible"),
        Column("detected"),
        Column("leaking"),
        Column("over_1000"),
        Column("leak_times"),
    )
    default_order = ("report", "position")


class ThirdPartyReportTable(Table):
    columns = (
        Column("enterprise__name", _("enterprise"), linkify=True),
        Column("agency__name", _("testing agency")),
        Column("start", linkify=True),
        Column("end"),
        Column("detected"),
        Column("leaking"),
        Column("repaired"),
        Column("delayed"),
        Column("status"),
        Column("submitted_at", visible=False),
    )
    default_order = ("-end",)
