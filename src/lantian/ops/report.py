"""The monthly work report (月度运维工作报告) as a Word document (python-docx): attendance, incidents,
inspections, backups, security records and the assessment, from the month's records."""

from __future__ import annotations

import io
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document

from lantian.ops import models as m
from lantian.ops.assessment import month_bounds, warnings_and_penalty

MAX_ROWS = 500  # per table: a month of one contract stays far below


def _table(document, headers, rows):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
    for row in rows[:MAX_ROWS]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    if not rows:
        document.add_paragraph(_("None this month."))


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def monthly_report(assessment: m.Assessment) -> bytes:
    contract, month = assessment.contract, assessment.month
    start, end = month_bounds(month)
    document = Document()
    document.add_heading(_("Monthly operations work report"), level=0)
    document.add_paragraph(
        _("%(contract)s (%(number)s), %(month)s; vendor: %(vendor)s; client: %(client)s")
        % {
            "contract": contract.name,
            "number": contract.number,
            "month": month.strftime("%Y-%m"),
            "vendor": contract.vendor.name,
            "client": contract.client.name,
        }
    )

    document.add_heading(_("Attendance"), level=1)
    attendance = m.Attendance.objects.filter(contract=contract, date__gte=start.date(), date__lt=end.date())
    counts = Counter((row.person, row.status) for row in attendance)
    people = sorted({person for person, _status in counts})
    statuses = m.Attendance.Status
    _table(
        document,
        [_("person"), *[label for _value, label in statuses.choices]],
        [[person, *[counts[(person, value)] for value, _label in statuses.choices]] for person in people],
    )

    document.add_heading(_("Incidents and service requests"), level=1)
    incidents = m.Incident.objects.filter(contract=contract, reported_at__gte=start, reported_at__lt=end)
    _table(
        document,
        [
            _("number"),
            _("title"),
            _("severity"),
            _("reported at"),
            _("resolved at"),
            _("SLA"),
            _("root cause"),
        ],
        [
            [
                i.number,
                i.title,
                i.severity.name,
                _when(i.reported_at),
                _when(i.resolved_at),
                _("breached") if i.breached else _("met"),
                i.root_cause,
            ]
            for i in incidents.select_related("severity")
        ],
    )

    document.add_heading(_("Inspections"), level=1)
    runs = m.InspectionRun.objects.filter(
        template__contract=contract, due_on__gte=start.date(), due_on__lt=end.date()
    ).select_related("template")
    by_status = Counter(run.status for run in runs)
    document.add_paragraph(
        _("%(done)d done, %(missed)d missed, %(due)d due.")
        % {"done": by_status["done"], "missed": by_status["missed"], "due": by_status["due"]}
    )
    failed = m.InspectionResult.objects.filter(run__in=runs, passed=False).select_related("run__template")
    _table(
        document,
        [_("inspection"), _("due on"), _("item"), _("note")],
        [[r.run.template.name, r.run.due_on, r.item, r.note] for r in failed],
    )

    document.add_heading(_("Backups"), level=1)
    backups = m.BackupRun.objects.filter(contract=contract, started_at__gte=start, started_at__lt=end)
    _table(
        document,
        [_("system"), _("started at"), _("result"), _("size (bytes)"), _("SHA-256")],
        [[b.system, _when(b.started_at), b.get_result_display(), b.size, b.checksum] for b in backups],
    )

    document.add_heading(_("Information security"), level=1)
    inspections = m.SecurityInspection.objects.filter(
        contract=contract, date__gte=start.date(), date__lt=end.date()
    )
    _table(
        document,
        [_("date"), _("what was inspected"), _("passed"), _("findings")],
        [[s.date, s.scope, _("yes") if s.passed else _("no"), s.findings] for s in inspections],
    )
    events = m.SecurityEvent.objects.filter(contract=contract, occurred_at__gte=start, occurred_at__lt=end)
    _table(
        document,
        [_("occurred at"), _("kind"), _("description"), _("handling")],
        [[_when(e.occurred_at), e.get_kind_display(), e.description, e.handling] for e in events],
    )

    document.add_heading(_("Assessment"), level=1)
    breaches, warnings, fine = warnings_and_penalty(assessment)
    document.add_paragraph(
        _(
            "Score %(score)s, grade %(grade)s (%(status)s). SLA breaches: %(breaches)d, "
            "warnings: %(warnings)d, penalty: %(penalty)s yuan."
        )
        % {
            "score": assessment.score,
            "grade": assessment.grade,
            "status": assessment.get_status_display(),
            "breaches": breaches,
            "warnings": warnings,
            "penalty": fine,
        }
    )
    deductions = assessment.deductions.select_related("rule")
    _table(
        document,
        [_("category"), _("evidence"), _("points"), _("status"), _("reason")],
        [[d.rule.category, d.source, d.points, d.get_status_display(), d.reason] for d in deductions],
    )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
