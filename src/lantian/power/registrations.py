"""The power models' registrations with the generic machinery (docs/developing.md)."""

from lantian.core.registry import register
from lantian.power import filtersets, forms, imports, tables, views
from lantian.power.models import (
    AlarmEvent,
    AlarmRule,
    CodeMapping,
    Finding,
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
    UnknownCode,
)

register(
    PowerProfile,
    table=tables.PowerProfileTable,
    filterset=filtersets.PowerProfileFilterSet,
    form=forms.PowerProfileForm,
    importer=imports.PROFILES,
    detail_fields=(
        "enterprise",
        "credit_code",
        "industry",
        "industry_small_category",
        "address",
        "longitude",
        "latitude",
        "remark",
        "updated_at",
    ),  # fmt: skip
    detail_template="power/profile_detail.html",
)
register(
    ProductionFacility,
    table=tables.ProductionFacilityTable,
    filterset=filtersets.ProductionFacilityFilterSet,
    form=forms.ProductionFacilityForm,
    importer=imports.PRODUCTION,
    detail_fields=("enterprise", "code", "name", "remark"),
    detail_template="power/facility_detail.html",
)
register(
    TreatmentFacility,
    table=tables.TreatmentFacilityTable,
    filterset=filtersets.TreatmentFacilityFilterSet,
    form=forms.TreatmentFacilityForm,
    importer=imports.TREATMENT,
    detail_fields=("enterprise", "code", "name", "serves", "remark"),
    detail_template="power/facility_detail.html",
)
register(
    MonitoringPoint,
    table=tables.MonitoringPointTable,
    filterset=filtersets.MonitoringPointFilterSet,
    form=forms.MonitoringPointForm,
    importer=imports.POINTS,
    detail_fields=(
        "enterprise",
        "code",
        "name",
        "kind",
        "production_facility",
        "treatment_facility",
        "device",
        "rated_power_kw",
        "ct_ratio",
        "pt_ratio",
        "networked_on",
        "is_active",
    ),  # fmt: skip
    detail_template="power/point_detail.html",
)
register(
    RunningThreshold,
    table=tables.RunningThresholdTable,
    filterset=filtersets.RunningThresholdFilterSet,
    form=forms.RunningThresholdForm,
    importer=imports.THRESHOLDS,
    detail_fields=("point", "valid_from", "valid_until", "threshold_kw", "reason"),
)
register(
    CodeMapping,
    table=tables.CodeMappingTable,
    filterset=filtersets.CodeMappingFilterSet,
    form=forms.CodeMappingForm,
    importer=imports.CODE_MAP,
    detail_fields=("code", "quantity", "factor", "source"),
    views={"add": views.CodeMappingAddView},
)
register(
    UnknownCode,
    table=tables.UnknownCodeTable,
    filterset=filtersets.UnknownCodeFilterSet,
    detail_fields=("code", "first_seen", "last_seen", "values", "example_mn"),
    detail_template="power/unknowncode_detail.html",
)
register(
    AlarmRule,
    table=tables.AlarmRuleTable,
    filterset=filtersets.AlarmRuleFilterSet,
    form=forms.AlarmRuleForm,
    detail_fields=(
        "code",
        "name",
        "kind",
        "minutes",
        "share",
        "night_start",
        "night_end",
        "enabled",
        "description",
    ),
)
register(
    AlarmEvent,
    table=tables.AlarmEventTable,
    filterset=filtersets.AlarmEventFilterSet,
    detail_fields=(
        "enterprise",
        "kind",
        "rule",
        "production_facility",
        "treatment_facility",
        "start",
        "end",
        "ongoing",
        "status",
        "explanation",
        "explained_at",
        "decision",
        "decided_at",
    ),  # fmt: skip
    detail_template="power/event_detail.html",
    views={"detail": views.EventDetailView},
)
register(
    Finding,
    table=tables.FindingTable,
    filterset=filtersets.FindingFilterSet,
    detail_fields=(
        "check_code",
        "day",
        "enterprise",
        "point",
        "production_facility",
        "treatment_facility",
        "detail",
    ),
    detail_template="power/finding_detail.html",
)
