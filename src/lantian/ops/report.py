"""The monthly and quarterly work reports (月度/季度运维工作报告) as Word documents (python-docx):
attendance, incidents and service requests, inspections, backups, security records and the assessment,
from the period's records. The quarter states each section's figures (``figures``) and the three
months' assessment scores and grades."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document

from lantian.ops import models as m
from lantian.ops.assessment import month_bounds, warnings_and_penalty

MAX_ROWS = 500  # per table: a month of one contract stays far below


def _table(document, headers, rows, empty):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
    for row in rows[:MAX_ROWS]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    if not rows:
        document.add_paragraph(empty)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


@dataclass
class Figures:
    """The period's counts the report states (also read by the tests against independent counts)."""

    attendance: Counter = field(default_factory=Counter)  # status → days
    incidents: int = 0
    requests: int = 0  # service requests and questions
    breached: int = 0
    resolved: int = 0
    runs: Counter = field(default_factory=Counter)  # status → runs
    failed_items: int = 0
    backups: Counter = field(default_factory=Counter)  # result → runs
    security_inspections: int = 0
    security_failed: int = 0
    security_events: int = 0


def figures(contract: m.Contract, start: datetime, end: datetime) -> Figures:
    """Counts of ``contract``'s records from ``start`` (aware, included) to ``end`` (excluded)."""
    first, after = start.date(), end.date()
    out = Figures()
    out.attendance = Counter(
        dict(
            m.Attendance.objects.filter(contract=contract, date__gte=first, date__lt=after)
            .values_list("status")
            .annotate(n=Count("pk"))
        )
    )
    incidents = m.Incident.objects.filter(contract=contract, reported_at__gte=start, reported_at__lt=end)
    counts = incidents.aggregate(
        incidents=Count("pk", filter=Q(kind=m.Incident.Kind.INCIDENT)),
        requests=Count("pk", filter=~Q(kind=m.Incident.Kind.INCIDENT)),
        breached=Count("pk", filter=Q(breached=True)),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
    )
    for name, value in counts.items():
        setattr(out, name, value)
    runs = m.InspectionRun.objects.filter(template__contract=contract, due_on__gte=first, due_on__lt=after)
    out.runs = Counter(dict(runs.values_list("status").annotate(n=Count("pk"))))
    out.failed_items = m.InspectionResult.objects.filter(run__in=runs, passed=False).count()
    backups = m.BackupRun.objects.filter(contract=contract, started_at__gte=start, started_at__lt=end)
    out.backups = Counter(dict(backups.values_list("result").annotate(n=Count("pk"))))
    security = m.SecurityInspection.objects.filter(contract=contract, date__gte=first, date__lt=after)
    out.security_inspections = security.count()
    out.security_failed = security.filter(passed=False).count()
    out.security_events = m.SecurityEvent.objects.filter(
        contract=contract, occurred_at__gte=start, occurred_at__lt=end
    ).count()
    return out


def _records(document, contract: m.Contract, start: datetime, end: datetime, empty: str, summary: bool):
    """The sections of the period's records; with ``summary`` each opens with its figures."""
    numbers = figures(contract, start, end) if summary else None
    statuses = m.Attendance.Status

    document.add_heading(_("Attendance"), level=1)
    if numbers:
        document.add_paragraph(
            "; ".join(f"{label} {numbers.attendance[value]}" for value, label in statuses.choices)
        )
    attendance = m.Attendance.objects.filter(contract=contract, date__gte=start.date(), date__lt=end.date())
    counts = Counter(attendance.values_list("person", "status"))
    people = sorted({person for person, _status in counts})
    _table(
        document,
        [_("person"), *[label for _value, label in statuses.choices]],
        [[person, *[counts[(person, value)] for value, _label in statuses.choices]] for person in people],
        empty,
    )

    document.add_heading(_("Incidents and service requests"), level=1)
    if numbers:
        document.add_paragraph(
            _(
                "%(incidents)d incidents, %(requests)d service requests and questions; "
                "%(breached)d breached their SLA, %(resolved)d resolved."
            )
            % {
                "incidents": numbers.incidents,
                "requests": numbers.requests,
                "breached": numbers.breached,
                "resolved": numbers.resolved,
            }
        )
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
            for i in incidents.select_related("severity").order_by("reported_at")
        ],
        empty,
    )

    document.add_heading(_("Inspections"), level=1)
    runs = m.InspectionRun.objects.filter(
        template__contract=contract, due_on__gte=start.date(), due_on__lt=end.date()
    )
    by_status = Counter(dict(runs.values_list("status").annotate(n=Count("pk"))))
    document.add_paragraph(
        _("%(done)d done, %(missed)d missed, %(due)d due.")
        % {"done": by_status["done"], "missed": by_status["missed"], "due": by_status["due"]}
    )
    failed = (
        m.InspectionResult.objects.filter(run__in=runs, passed=False)
        .select_related("run__template")
        .order_by("run__due_on", "run__template__name", "position")
    )
    _table(
        document,
        [_("inspection"), _("due on"), _("item"), _("note")],
        [[r.run.template.name, r.run.due_on, r.item, r.note] for r in failed],
        empty,
    )

    document.add_heading(_("Backups"), level=1)
    if numbers:
        document.add_paragraph(
            _("%(succeeded)d succeeded, %(failed)d failed.")
            % {
                "succeeded": numbers.backups[m.BackupRun.Result.SUCCEEDED],
                "failed": numbers.backups[m.BackupRun.Result.FAILED],
            }
        )
    backups = m.BackupRun.objects.filter(
        contract=contract, started_at__gte=start, started_at__lt=end
    ).order_by("started_at")
    _table(
        document,
        [_("system"), _("started at"), _("result"), _("size (bytes)"), _("SHA-256")],
        [[b.system, _when(b.started_at), b.get_result_display(), b.size, b.checksum] for b in backups],
        empty,
    )

    document.add_heading(_("Information security"), level=1)
    if numbers:
        document.add_paragraph(
            _(
                "%(inspections)d security inspections (%(failed)d not passed), "
                "%(events)d data-security events."
            )
            % {
                "inspections": numbers.security_inspections,
                "failed": numbers.security_failed,
                "events": numbers.security_events,
            }
        )
    inspections = m.SecurityInspection.objects.filter(
        contract=contract, date__gte=start.date(), date__lt=end.date()
    ).order_by("date")
    _table(
        document,
        [_("date"), _("what was inspected"), _("passed"), _("findings")],
        [[s.date, s.scope, _("yes") if s.passed else _("no"), s.findings] for s in inspections],
        empty,
    )
    events = m.SecurityEvent.objects.filter(
        contract=contract, occurred_at__gte=start, occurred_at__lt=end
    ).order_by("occurred_at")
    _table(
        document,
        [_("occurred at"), _("kind"), _("description"), _("handling")],
        [[_when(e.occurred_at), e.get_kind_display(), e.description, e.handling] for e in events],
        empty,
    )


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _heading(document, title: str, contract: m.Contract, period: str) -> None:
    document.add_heading(title, level=0)
    document.add_paragraph(
        _("%(contract)s (%(number)s), %(month)s; vendor: %(vendor)s; client: %(client)s")
        % {
            "contract": contract.name,
            "number": contract.number,
            "month": period,
            "vendor": contract.vendor.name,
            "client": contract.client.name,
        }
    )


def monthly_report(assessment: m.Assessment) -> bytes:
    contract, month = assessment.contract, assessment.month
    start, end = month_bounds(month)
    document = Document()
    _heading(document, _("Monthly operations work report"), contract, month.strftime("%Y-%m"))
    _records(document, contract, start, end, _("None this month."), summary=False)

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
        _("None this month."),
    )
    return _save(document)


def quarter_months(year: int, quarter: int) -> list[date]:
    """The first days of the quarter's three months; ValueError for a quarter not 1–4."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"a quarter is 1 to 4, got {quarter}")
    return [date(year, 3 * (quarter - 1) + offset, 1) for offset in (1, 2, 3)]


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarterly_report(contract: m.Contract, year: int, quarter: int) -> bytes:
    """The quarterly work report (季度运维工作报告): the monthly report's records over the quarter, each
    section with its figures, and the three months' assessments (score, grade, breaches, penalty)."""
    months = quarter_months(year, quarter)
    start, end = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    period = _("%(year)d Q%(quarter)d (%(first)s to %(last)s)") % {
        "year": year,
        "quarter": quarter,
        "first": months[0].strftime("%Y-%m"),
        "last": months[-1].strftime("%Y-%m"),
    }
    document = Document()
    _heading(document, _("Quarterly operations work report"), contract, period)
    _records(document, contract, start, end, _("None this quarter."), summary=True)

    document.add_heading(_("Monthly assessments"), level=1)
    assessments = {
        a.month: a
        for a in m.Assessment.objects.filter(contract=contract, month__in=months).select_related(
            "contract__scheme"
        )
    }
    rows, scores = [], []
    for month in months:
        record = assessments.get(month)
        if record is None:
            rows.append([month.strftime("%Y-%m"), "—", "—", _("not assessed"), "—", "—", "—"])
            continue
        breaches, warnings, fine = warnings_and_penalty(record)
        scores.append(record.score)
        rows.append(
            [
                month.strftime("%Y-%m"),
                record.score,
                record.grade,
                record.get_status_display(),
                breaches,
                warnings,
                fine,
            ]
        )
    _table(
        document,
        [
            _("month"),
            _("score"),
            _("grade"),
            _("status"),
            _("SLA breaches"),
            _("warnings"),
            _("penalty (yuan)"),
        ],
        rows,
        _("None this quarter."),
    )
    if scores:
        average = (sum(scores) / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        document.add_paragraph(
            _("Average score of the %(count)d assessed months: %(average)s.")
            % {"count": len(scores), "average": average}
        )
    return _save(document)
