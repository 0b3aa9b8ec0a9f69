"""Daily and monthly inspection reports (巡检日报、月报) of one contract: the period's runs with their
status, pass/fail per item, notes and photo counts, the missed runs and a summary per template; as a
printable page and an xlsx workbook (text through ``lantian.core.excel.cells``).

Counts come from the database (one aggregate query for the runs, one for the items); ``runs`` is a
queryset the caller has already scoped (``InspectionRun.objects.restrict(user, action)``).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lantian.core.excel.cells import write_cell
from lantian.ops import models as m

MAX_RUNS = 5000  # a month of one contract: a few hundred runs at most


@dataclass
class RunRow:
    run: m.InspectionRun
    items: int
    passed: int
    failed: int
    unchecked: int
    photos: int


@dataclass
class TemplateRow:
    template: m.InspectionTemplate
    runs: int = 0
    done: int = 0
    missed: int = 0
    due: int = 0
    passed: int = 0
    failed: int = 0
    unchecked: int = 0
    photos: int = 0


@dataclass
class InspectionReport:
    contract: m.Contract
    first: date
    last: date
    monthly: bool
    rows: list[RunRow] = field(default_factory=list)
    results: list[m.InspectionResult] = field(default_factory=list)  # every item of the period's runs
    templates: list[TemplateRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.monthly:
            return _("Monthly inspection report %(month)s") % {"month": self.first.strftime("%Y-%m")}
        return _("Daily inspection report %(day)s") % {"day": self.first.isoformat()}

    @property
    def missed(self) -> list[m.InspectionRun]:
        return [row.run for row in self.rows if row.run.status == m.InspectionRun.Status.MISSED]

    @property
    def failed_items(self) -> list[m.InspectionResult]:
        return [r for r in self.results if r.passed is False]

    @property
    def totals(self) -> dict[str, int]:
        statuses = Counter(row.run.status for row in self.rows)
        return {
            "runs": len(self.rows),
            "done": statuses[m.InspectionRun.Status.DONE],
            "missed": statuses[m.InspectionRun.Status.MISSED],
            "due": statuses[m.InspectionRun.Status.DUE],
            "passed": sum(row.passed for row in self.rows),
            "failed": sum(row.failed for row in self.rows),
            "unchecked": sum(row.unchecked for row in self.rows),
            "photos": sum(row.photos for row in self.rows),
        }


def month_range(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def build(contract: m.Contract, runs: QuerySet, first: date, last: date, monthly: bool) -> InspectionReport:
    """The report of ``contract``'s runs (among ``runs``, already scoped) due from ``first`` to ``last``."""
    report = InspectionReport(contract=contract, first=first, last=last, monthly=monthly)
    selected = (
        runs.filter(template__contract=contract, due_on__range=(first, last))
        .select_related("template", "performed_by")
        .annotate(
            n_results=Count("results"),
            n_passed=Count("results", filter=Q(results__passed=True)),
            n_failed=Count("results", filter=Q(results__passed=False)),
            n_unchecked=Count("results", filter=Q(results__passed__isnull=True)),
            n_photos=Count("results", filter=Q(results__photo__gt="")),
        )
        .order_by("due_on", "template__name", "pk")[:MAX_RUNS]
    )
    templates: dict[int, TemplateRow] = {}
    for run in selected:
        row = RunRow(
            run=run,
            items=run.n_results or len(run.template.item_list),
            passed=run.n_passed,
            failed=run.n_failed,
            unchecked=run.n_unchecked,
            photos=run.n_photos,
        )
        report.rows.append(row)
        summary = templates.setdefault(run.template_id, TemplateRow(run.template))
        summary.runs += 1
        setattr(summary, run.status, getattr(summary, run.status) + 1)
        for name in ("passed", "failed", "unchecked", "photos"):
            setattr(summary, name, getattr(summary, name) + getattr(row, name))
    report.templates = sorted(templates.values(), key=lambda t: t.template.name)
    run_ids = [row.run.pk for row in report.rows]
    order = {pk: index for index, pk in enumerate(run_ids)}
    report.results = sorted(
        m.InspectionResult.objects.filter(run_id__in=run_ids).select_related("run__template"),
        key=lambda r: (order[r.run_id], r.position),
    )
    return report


def verdict(result: m.InspectionResult) -> str:
    if result.passed is None:
        return _("not checked")
    return _("pass") if result.passed else _("fail")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _sheet(workbook, title, heading, headers, rows, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    write_cell(sheet, 1, 1, heading).font = Font(bold=True, size=13)
    for column, header in enumerate(headers, start=1):
        write_cell(sheet, 2, column, str(header)).font = Font(bold=True)
    for index, row in enumerate(rows, start=3):
        for column, value in enumerate(row, start=1):
            write_cell(sheet, index, column, value)
    sheet.freeze_panes = "A3"
    return sheet


def run_values(row: RunRow) -> list:
    run = row.run
    performer = run.performed_by.name if run.performed_by else ""
    return [
        run.due_on,
        run.template.name,
        run.template.get_kind_display(),
        run.get_status_display(),
        _when(run.performed_at),
        performer,
        row.items,
        row.passed,
        row.failed,
        row.unchecked,
        row.photos,
        run.notes,
    ]


def run_headers() -> list[str]:
    return [
        _("due on"),
        _("template"),
        _("kind"),
        _("status"),
        _("performed at"),
        _("performed by"),
        _("items"),
        _("passed"),
        _("failed"),
        _("not checked"),
        _("photos"),
        _("notes"),
    ]


def xlsx(report: InspectionReport) -> bytes:
    contract = report.contract
    heading = f"{contract.name}（{contract.number}）{report.title}"
    workbook = Workbook()
    totals = report.totals
    _sheet(
        workbook,
        _("Summary"),
        heading,
        [
            _("template"),
            _("runs"),
            _("done"),
            _("missed"),
            _("due"),
            _("passed"),
            _("failed"),
            _("not checked"),
            _("photos"),
        ],
        [
            [t.template.name, t.runs, t.done, t.missed, t.due, t.passed, t.failed, t.unchecked, t.photos]
            for t in report.templates
        ]
        + [
            [
                _("Total"),
                totals["runs"],
                totals["done"],
                totals["missed"],
                totals["due"],
                totals["passed"],
                totals["failed"],
                totals["unchecked"],
                totals["photos"],
            ]
        ],
        first=True,
    )
    _sheet(workbook, _("Runs"), heading, run_headers(), [run_values(row) for row in report.rows])
    _sheet(
        workbook,
        _("Items"),
        heading,
        [_("due on"), _("template"), _("item"), _("result"), _("note"), _("photo")],
        [
            [r.run.due_on, r.run.template.name, r.item, verdict(r), r.note, _("yes") if r.photo else _("no")]
            for r in report.results
        ],
    )
    _sheet(
        workbook,
        _("Missed runs"),
        heading,
        [_("due on"), _("template"), _("done by")],
        [[run.due_on, run.template.name, run.template.due_time.strftime("%H:%M")] for run in report.missed],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
