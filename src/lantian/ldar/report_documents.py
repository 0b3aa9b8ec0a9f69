"""The reports as documents a bureau files: Word (python-docx, with the chart as an image) and xlsx."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from lantian.core.charts import bar_chart
from lantian.core.excel.cells import clean_text, write_cell
from lantian.ldar.models.reports import FIRST_ROUND_KINDS, ReportKind, StatisticsReport, ThirdPartyReport

COLUMNS = {
    ReportKind.FIRST_ROUND_SUMMARY: ("controlled", "inaccessible", "detected", "leaking", "over_1000"),
    ReportKind.FIRST_ROUND_BY_TYPE: ("controlled", "inaccessible", "detected", "leaking", "over_1000"),
    ReportKind.ANNUAL_BY_UNIT: ("controlled", "detected", "leak_times"),
}


def statistics_table(report: StatisticsReport) -> tuple[list[str], list[list]]:
    """Headers and rows of the report, with its leak rate and a total row."""
    from lantian.ldar.models.reports import ReportLine

    names = COLUMNS[report.kind]
    fields = {name: ReportLine._meta.get_field(name).verbose_name for name in names}
    first = _("Seal-point type") if report.kind == ReportKind.FIRST_ROUND_BY_TYPE else _("Unit")
    headers = [first, *(str(fields[name]) for name in names)]
    with_rate = "leaking" in names
    if with_rate:
        headers.append(_("Leak rate"))
    rows, totals = [], dict.fromkeys(names, 0)
    for line in report.lines.all():
        values = [getattr(line, name) for name in names]
        for name, value in zip(names, values, strict=True):
            totals[name] += value
        rows.append([line.label, *values, *([percent(line.leaking, line.detected)] if with_rate else [])])
    total = [totals[name] for name in names]
    rows.append(
        [_("Total"), *total, *([percent(totals["leaking"], totals["detected"])] if with_rate else [])]
    )
    return headers, rows


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.2%}" if whole else "—"


def chart_of(report: StatisticsReport, headers: list[str], rows: list[list]) -> bytes:
    names = COLUMNS[report.kind]
    lines = rows[:-1]  # without the total
    wanted = [name for name in ("detected", "leaking", "leak_times") if name in names]
    series = [
        (headers[1 + names.index(name)], [row[1 + names.index(name)] for row in lines]) for name in wanted
    ]
    return bar_chart(report.get_kind_display(), [row[0] for row in lines], series)


def subtitle(report: StatisticsReport) -> str:
    if report.kind in FIRST_ROUND_KINDS:
        cycle = report.cycle
        return _("%(enterprise)s · %(cycle)s (accounting period %(start)s to %(end)s)") % {
            "enterprise": report.enterprise.name,
            "cycle": cycle,
            "start": cycle.accounting_start,
            "end": cycle.accounting_end,
        }
    return _("%(enterprise)s · year %(year)s") % {"enterprise": report.enterprise.name, "year": report.year}


def statistics_docx(report: StatisticsReport) -> bytes:
    headers, rows = statistics_table(report)
    document = new_document(report.get_kind_display(), subtitle(report))
    add_table(document, headers, rows)
    document.add_paragraph()
    document.add_picture(io.BytesIO(chart_of(report, headers, rows)), width=Cm(16))
    if report.remark:
        document.add_paragraph(_("Remark: %(remark)s") % {"remark": report.remark})
    add_footer(document, report)
    return saved(document)


def statistics_xlsx(report: StatisticsReport) -> bytes:
    headers, rows = statistics_table(report)
    return workbook(report.get_kind_display(), subtitle(report), headers, rows)


def third_party_rows(report: ThirdPartyReport) -> list[list]:
    emissions = "—" if report.emissions_t is None else f"{report.emissions_t:.3f}"
    return [
        [_("Detection cycle"), str(report.cycle)],
        [_("Enterprise"), report.enterprise.name],
        [_("Testing agency"), report.agency.name],
        [_("Period"), f"{report.start:%Y-%m-%d} — {report.end:%Y-%m-%d}"],
        [_("Units detected"), report.units or "—"],
        [_("Controlled points"), report.controlled],
        [_("Detected points"), report.detected],
        [_("Leaking points"), report.leaking],
        [_("Repaired points"), report.repaired],
        [_("Delayed-repair points"), report.delayed],
        [_("Average leak rate"), percent(report.leaking, report.detected)],
        [_("Emissions (t)"), emissions],
    ]


def third_party_docx(report: ThirdPartyReport) -> bytes:
    document = new_document(_("LDAR third-party detection report"), str(report.cycle))
    add_table(document, [_("Item"), _("Value")], third_party_rows(report))
    document.add_paragraph()
    chart = bar_chart(
        _("Points"),
        [
            _("Controlled points"),
            _("Detected points"),
            _("Leaking points"),
            _("Repaired points"),
            _("Delayed-repair points"),
        ],
        [
            (
                _("Points"),
                [report.controlled, report.detected, report.leaking, report.repaired, report.delayed],
            )
        ],
    )
    document.add_picture(io.BytesIO(chart), width=Cm(16))
    if report.remark:
        document.add_paragraph(_("Remark: %(remark)s") % {"remark": report.remark})
    add_footer(document, report)
    return saved(document)


def third_party_xlsx(report: ThirdPartyReport) -> bytes:
    return workbook(
        _("LDAR third-party detection report"),
        str(report.cycle),
        [_("Item"), _("Value")],
        third_party_rows(report),
    )


# --- document plumbing ---


def new_document(title: str, subtitle_text: str) -> Document:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    heading = document.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph = document.add_paragraph(subtitle_text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def add_table(document: Document, headers: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(header)
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = printable(value)


def printable(value) -> str:
    """Text for a Word cell, without the characters XML forbids (stored text may hold them)."""
    return "" if value is None else clean_text(str(value))


def add_footer(document: Document, report) -> None:
    status = report.get_status_display()
    document.add_paragraph(
        _("Generated by Lantian on %(date)s; review status: %(status)s.")
        % {"date": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "status": status}
    )


def saved(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def workbook(title: str, subtitle_text: str, headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    write_cell(sheet, 1, 1, title).font = Font(bold=True, size=13)
    write_cell(sheet, 2, 1, subtitle_text)
    for column, header in enumerate(headers, start=1):
        write_cell(sheet, 3, column, str(header)).font = Font(bold=True)
    for row_index, row in enumerate(rows, start=4):
        for column, value in enumerate(row, start=1):
            write_cell(sheet, row_index, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
