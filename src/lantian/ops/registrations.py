"""The ops models' registrations with the generic machinery (docs/developing.md)."""

from django.utils.translation import gettext_lazy as _

from lantian.core.registry import register
from lantian.core.tables import Column, Table
from lantian.ops import forms, views, views_reports
from lantian.ops import models as m
from lantian.ops.filtersets import ContractFilterSet, filterset_for

CONTRACT = _("contract")


def table_for(model, columns, order):
    return type(
        f"{model.__name__}Table", (Table,), {"columns": tuple(columns), "default_order": tuple(order)}
    )


def contract_column(path="contract__name"):
    return Column(path, CONTRACT)


register(
    m.Contract,
    table=table_for(
        m.Contract,
        [
            Column("name", linkify=True),
            Column("number"),
            Column("client__name", _("client")),
            Column("vendor__name", _("operations vendor")),
            Column("starts_on"),
            Column("ends_on"),
            Column("calendar"),
        ],
        ["-starts_on"],
    ),
    filterset=ContractFilterSet,
    form=forms.ContractForm,
    detail_fields=(
        "number",
        "client",
        "vendor",
        "systems",
        "on_site_staff",
        "contacts",
        "starts_on",
        "ends_on",
        "amount",
        "calendar",
        "scheme",
    ),
    detail_template="ops/contract_detail.html",
    views={"detail": views.ContractDetailView},
)
register(
    m.ContractContact,
    table=table_for(
        m.ContractContact,
        [
            Column("name", linkify=True),
            contract_column(),
            Column("role"),
            Column("phone"),
            Column("email"),
            Column("escalate"),
        ],
        ["contract__name", "name"],
    ),
    filterset=filterset_for(
        m.ContractContact, search=("name", "role", "phone", "email"), fields=("escalate",)
    ),
    form=forms.ContractContactForm,
    detail_fields=("contract", "name", "role", "phone", "email", "escalate"),
)
register(
    m.SeverityLevel,
    table=table_for(
        m.SeverityLevel,
        [
            Column("name", linkify=True),
            contract_column(),
            Column("rank"),
            Column("own_minutes"),
            Column("restore_minutes"),
            Column("resolve_minutes"),
        ],
        ["contract__name", "rank"],
    ),
    filterset=filterset_for(m.SeverityLevel, search=("name", "contract__name"), fields=("rank",)),
    form=forms.SeverityLevelForm,
    detail_fields=(
        "contract",
        "rank",
        "name",
        "own_minutes",
        "restore_minutes",
        "resolve_minutes",
        "description",
    ),
)
register(
    m.Incident,
    table=table_for(
        m.Incident,
        [
            Column("number", linkify=True),
            Column("title"),
            contract_column(),
            Column("severity__name", _("severity")),
            Column("kind"),
            Column("status"),
            Column("reported_at"),
            Column("own_state"),
            Column("resolve_state"),
            Column("breached"),
            Column("next_due_at"),
        ],
        ["-reported_at"],
    ),
    filterset=filterset_for(
        m.Incident,
        search=("number", "title", "system", "severity__name", "description"),
        fields=(
            "kind",
            "channel",
            "status",
            "own_state",
            "resolve_state",
            "breached",
            "next_due_at",
            "reported_at",
        ),
    ),
    form=forms.IncidentForm,
    detail_fields=(
        "contract",
        "kind",
        "channel",
        "severity",
        "system",
        "hardware",
        "reported_by",
        "description",
        "root_cause",
        "report_due_at",
        "report_submitted_at",
    ),
    detail_template="ops/incident_detail.html",
    views={"detail": views.IncidentDetailView},
)
register(
    m.BackupRun,
    table=table_for(
        m.BackupRun,
        [
            Column("system", linkify=True),
            contract_column(),
            Column("started_at"),
            Column("result"),
            Column("size"),
            Column("checksum", visible=False),
            Column("deleted_at", visible=False),
        ],
        ["-started_at"],
    ),
    filterset=filterset_for(
        m.BackupRun,
        search=("system", "checksum", "file_name"),
        fields=("result", "started_at", "deleted_at", "size"),
    ),
    form=forms.BackupRunForm,
    detail_fields=(
        "contract",
        "system",
        "started_at",
        "finished_at",
        "result",
        "file_name",
        "size",
        "checksum",
        "message",
        "deleted_at",
    ),
)
register(
    m.RestoreDrill,
    table=table_for(
        m.RestoreDrill,
        [
            Column("backup__system", _("system"), linkify=True),
            Column("performed_at"),
            Column("succeeded"),
            Column("duration_seconds"),
        ],
        ["-performed_at"],
    ),
    filterset=filterset_for(
        m.RestoreDrill,
        search=("backup__system", "notes"),
        fields=("succeeded", "performed_at", "duration_seconds"),
        contract="backup__contract",
    ),
    form=forms.RestoreDrillForm,
    detail_fields=("backup", "performed_at", "succeeded", "duration_seconds", "notes"),
)
register(
    m.MonitoredService,
    table=table_for(
        m.MonitoredService,
        [
            Column("name", linkify=True),
            contract_column(),
            Column("kind"),
            Column("target"),
            Column("active"),
            Column("last_ok"),
            Column("last_checked_at"),
        ],
        ["contract__name", "name"],
    ),
    filterset=filterset_for(
        m.MonitoredService,
        search=("name", "target", "last_message"),
        fields=("kind", "active", "last_ok", "last_checked_at"),
    ),
    form=forms.MonitoredServiceForm,
    detail_fields=(
        "contract",
        "kind",
        "target",
        "threshold",
        "severity",
        "active",
        "last_ok",
        "last_checked_at",
        "last_message",
    ),
    detail_template="ops/service_detail.html",
    views={"detail": views.ServiceDetailView},
)
register(
    m.MaintenanceWindow,
    table=table_for(
        m.MaintenanceWindow,
        [
            Column("service__name", _("service"), linkify=True),
            Column("starts_at"),
            Column("ends_at"),
            Column("reason"),
            Column("approved"),
        ],
        ["-starts_at"],
    ),
    filterset=filterset_for(
        m.MaintenanceWindow,
        search=("service__name", "reason"),
        fields=("approved", "starts_at", "ends_at"),
        contract="service__contract",
    ),
    form=forms.MaintenanceWindowForm,
    detail_fields=("service", "starts_at", "ends_at", "reason", "approved"),
)
register(
    m.AssessmentScheme,
    table=table_for(
        m.AssessmentScheme,
        [
            Column("name", linkify=True),
            Column("excellent"),
            Column("good"),
            Column("passing"),
            Column("penalty_percent"),
        ],
        ["name"],
    ),
    filterset=filterset_for(
        m.AssessmentScheme,
        search=("name",),
        contract=None,
        fields=("excellent", "good", "passing", "penalty_percent"),
    ),
    form=forms.AssessmentSchemeForm,
    detail_fields=("name", "excellent", "good", "passing", "warnings_before_penalty", "penalty_percent"),
    detail_template="ops/scheme_detail.html",
)
register(
    m.AssessmentRule,
    table=table_for(
        m.AssessmentRule,
        [
            Column("category", linkify=True),
            Column("scheme__name", _("scheme")),
            Column("points"),
            Column("event"),
            Column("deduction"),
            Column("zeroes_month"),
        ],
        ["scheme__name", "order"],
    ),
    filterset=filterset_for(
        m.AssessmentRule,
        search=("category", "scheme__name"),
        contract=None,
        fields=("scheme", "event", "zeroes_month", "points", "deduction"),
    ),
    form=forms.AssessmentRuleForm,
    detail_fields=("scheme", "order", "category", "points", "event", "deduction", "zeroes_month"),
)
register(
    m.Assessment,
    table=table_for(
        m.Assessment,
        [
            Column("month", linkify=True),
            contract_column(),
            Column("status"),
            Column("score"),
            Column("grade"),
            Column("zeroed"),
        ],
        ["-month", "contract__name"],
    ),
    filterset=filterset_for(
        m.Assessment, search=("grade", "contract__name"), fields=("status", "month", "score", "zeroed")
    ),
    detail_fields=(
        "contract",
        "month",
        "status",
        "score",
        "grade",
        "zeroed",
        "proposed_at",
        "confirmed_at",
        "confirmed_by",
    ),
    detail_template="ops/assessment_detail.html",
    views={"detail": views.AssessmentDetailView},
)
register(
    m.InspectionTemplate,
    table=table_for(
        m.InspectionTemplate,
        [
            Column("name", linkify=True),
            contract_column(),
            Column("kind"),
            Column("frequency"),
            Column("due_time"),
            Column("active"),
        ],
        ["contract__name", "name"],
    ),
    filterset=filterset_for(
        m.InspectionTemplate, search=("name", "items"), fields=("kind", "frequency", "due_time", "active")
    ),
    form=forms.InspectionTemplateForm,
    detail_fields=("contract", "name", "kind", "frequency", "weekday", "due_time", "items", "active"),
)
register(
    m.InspectionRun,
    table=table_for(
        m.InspectionRun,
        [
            Column("template__name", _("template"), linkify=True),
            Column("template__contract__name", CONTRACT),
            Column("due_on"),
            Column("status"),
            Column("performed_at"),
        ],
        ["-due_on"],
    ),
    filterset=filterset_for(
        m.InspectionRun,
        search=("template__name", "template__contract__name", "notes"),
        fields=("status", "due_on", "performed_at"),
        contract="template__contract",
    ),
    detail_fields=("template", "due_on", "status", "performed_at", "performed_by", "notes"),
    detail_template="ops/run_detail.html",
    views={"detail": views.InspectionRunDetailView, "list": views_reports.InspectionRunListView},
)


def contract_record(model, columns, search, fields, order, form, detail, **options):
    register(
        model,
        table=table_for(model, [*columns, contract_column()], order),
        filterset=filterset_for(model, search=search, fields=fields),
        form=form,
        detail_fields=("contract", *detail),
        **options,
    )


contract_record(
    m.Attendance,
    [Column("person", linkify=True), Column("date"), Column("status")],
    ("person", "note"),
    ("status", "date"),
    ["-date", "person"],
    forms.AttendanceForm,
    ("person", "date", "status", "note"),
)
contract_record(
    m.StaffChange,
    [
        Column("reason", linkify=True),
        Column("leaving"),
        Column("joining"),
        Column("requested_on"),
        Column("decision"),
    ],
    ("reason", "leaving", "joining"),
    ("decision", "requested_on"),
    ["-requested_on"],
    forms.StaffChangeForm,
    ("leaving", "joining", "reason", "requested_on", "decision", "decided_on"),
    detail_template="ops/staffchange_detail.html",
    views={"detail": views.StaffChangeDetailView},
)
contract_record(
    m.Training,
    [Column("topic", linkify=True), Column("date"), Column("hours")],
    ("topic", "participants"),
    ("date", "hours"),
    ["-date"],
    forms.TrainingForm,
    ("date", "topic", "participants", "hours"),
)
contract_record(
    m.SecurityInspection,
    [Column("scope", linkify=True), Column("date"), Column("passed")],
    ("scope", "findings"),
    ("date", "passed"),
    ["-date"],
    forms.SecurityInspectionForm,
    ("date", "scope", "findings", "passed"),
)
contract_record(
    m.SecurityEvent,
    [Column("kind", linkify=True), Column("occurred_at"), Column("closed")],
    ("description", "handling"),
    ("kind", "occurred_at", "closed"),
    ["-occurred_at"],
    forms.SecurityEventForm,
    ("occurred_at", "kind", "description", "handling", "closed"),
)
