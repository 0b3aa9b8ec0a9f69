"""Lists to xlsx: the rows a filter selects, with the chosen columns, Chinese headers and real types."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lantian.core.excel.cells import excel_value, number_format

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="206BC4")
CHUNK = 2000


def write_xlsx(title: str, headers: list[str], rows: Iterable[list], on_row=None) -> bytes:
    """One sheet with a styled, frozen header row; ``on_row(n)`` is called every CHUNK rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) * 2 + 4))
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for count, row in enumerate(rows, start=1):
        sheet.append([_cell(sheet, value) for value in row])
        if on_row is not None and count % CHUNK == 0:
            on_row(count)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value):
    value = excel_value(value)
    fmt = number_format(value)
    if fmt is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Sheet1"


def export_table(table, columns, queryset, on_row=None) -> bytes:
    """The queryset's rows under ``columns`` of ``table`` as an xlsx file."""
    headers = [column.header(table.model) for column in columns]
    rows = ([column.value(obj) for column in columns] for obj in queryset.iterator(chunk_size=CHUNK))
    return write_xlsx(table.model._meta.verbose_name_plural, headers, rows, on_row=on_row)
