"""The error report of an import: every error as (row, column, value, message), and a copy of the
uploaded workbook with the bad cells filled red and commented, plus a sheet listing every error."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lantian.core.excel.cells import excel_value
from lantian.core.excel.export import HEADER_FILL, HEADER_FONT

if TYPE_CHECKING:
    from lantian.core.excel.reading import Sheet

ERROR_FILL = PatternFill("solid", fgColor="F8D7DA")
ERROR_FONT = Font(color="9C0006")


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number as Excel shows it; None for the file as a whole
    column: str  # the column's header; "" for the row as a whole
    value: Any
    message: str
    index: int | None = None  # 0-based position of the column in the sheet, to mark the cell

    def __str__(self):
        where = _("row %(row)d") % {"row": self.row} if self.row else _("file")
        parts = [where, self.column, "" if self.value in (None, "") else f"“{self.value}”"]
        return f"{' · '.join(p for p in parts if p)}：{self.message}"


def as_table(errors: list[RowError]) -> list[list]:
    return [
        [e.row or "", e.column, excel_value(e.value) if e.value is not None else "", e.message]
        for e in errors
    ]


def marked_workbook(sheet: Sheet, errors: list[RowError], hidden: Iterable[int] = ()) -> bytes:
    """A copy of the upload (an xlsx copy of a CSV upload) with the bad cells marked, and an errors
    sheet. The columns at the ``hidden`` positions (passwords) are emptied: the copy is kept."""
    workbook = _copy_of(sheet)
    data = workbook.worksheets[0]
    for index in hidden:
        for number, _cells in sheet.rows:
            data.cell(row=number, column=index + 1).value = None
    by_cell = defaultdict(list)
    for error in errors:
        if error.row:
            by_cell[(error.row, (error.index or 0) + 1)].append(error.message)
    for (row, column), messages in by_cell.items():
        cell = data.cell(row=row, column=column)
        cell.fill, cell.font = ERROR_FILL, ERROR_FONT
        cell.comment = Comment("\n".join(messages), "Lantian", width=320, height=40 + 20 * len(messages))
    listing = workbook.create_sheet(_("Errors"), 0 if not errors else 1)
    headers = [_("Row"), _("Column"), _("Value"), _("Error")]
    listing.append(headers)
    for cell in listing[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in as_table(errors):
        listing.append(row)
    for index, width in enumerate((8, 20, 30, 60), start=1):
        listing.column_dimensions[get_column_letter(index)].width = width
    listing.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _copy_of(sheet: Sheet) -> Workbook:
    if sheet.kind == "xlsx":
        try:
            return load_workbook(io.BytesIO(sheet.content))
        except Exception:  # calamine read it where openpyxl cannot: rebuild the copy from its values
            pass
    workbook = Workbook()
    data = workbook.active
    data.title = _("Data")
    for _number in range(1, sheet.header_row):
        data.append([])
    data.append(sheet.headers)
    expected = sheet.header_row + 1
    for number, cells in sheet.rows:
        for _blank in range(expected, number):
            data.append([])
        data.append(cells)
        expected = number + 1
    return workbook
