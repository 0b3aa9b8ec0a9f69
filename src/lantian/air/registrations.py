"""The air models' registrations with the generic machinery (docs/developing.md)."""

from lantian.core.registry import register

from . import filtersets, forms, imports, tables, views
from .models import Anomaly, AnomalyRule, AuditMark, BenchmarkFigure, Station

register(
    Station,
    table=tables.StationTable,
    filterset=filtersets.StationFilterSet,
    form=forms.StationForm,
    importer=imports.STATIONS,
    detail_fields=(
        "code",
        "name",
        "kind",
        "organization",
        "latitude",
        "longitude",
        "device",
        "parameters",
        "reference_station",
        "active_from",
        "active_until",
        "remark",
    ),
    detail_template="air/station_detail.html",
    views={"detail": views.StationDetailView},
)
register(
    AuditMark,
    table=tables.AuditMarkTable,
    filterset=filtersets.AuditMarkFilterSet,
    form=forms.AuditMarkForm,
    detail_fields=(
        "station",
        "parameter",
        "start",
        "end",
        "reason",
        "note",
        "created_by",
        "created_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    ),
    detail_template="air/auditmark_detail.html",
    views={"add": views.AuditMarkCreateView, "detail": views.AuditMarkDetailView},
    actions=frozenset({"list", "detail", "export", "add"}),
)
register(
    Anomaly,
    table=tables.AnomalyTable,
    filterset=filtersets.AnomalyFilterSet,
    form=forms.AnomalyForm,
    detail_fields=(
        "station",
        "rule",
        "parameter",
        "start",
        "end",
        "detail",
        "status",
        "explanation",
        "audit_mark",
        "field_check",
        "found_at",
        "handled_by",
        "handled_at",
    ),
    views={"edit": views.AnomalyEditView},
    actions=frozenset({"list", "detail", "export", "edit"}),
)
register(
    AnomalyRule,
    table=tables.AnomalyRuleTable,
    filterset=filtersets.AnomalyRuleFilterSet,
    form=forms.AnomalyRuleForm,
    detail_fields=("code", "enabled", "hours", "threshold", "description"),
    actions=frozenset({"list", "detail", "export", "edit"}),
)
register(
    BenchmarkFigure,
    table=tables.BenchmarkFigureTable,
    filterset=filtersets.BenchmarkFigureFilterSet,
    form=forms.BenchmarkFigureForm,
    importer=imports.BENCHMARKS,
    detail_fields=(
        "county",
        "year",
        "month",
        "composite_index",
        "pm25",
        "pm10",
        "good_ratio",
        "organization",
    ),
)
