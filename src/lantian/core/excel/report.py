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

from lantian.core.excel.cells import clean_text, write_cell
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
    return [[e.row or "", e.column, e.value if e.value is not None else "", e.message] for e in errors]


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
        text = clean_text("\n".join(messages))  # messages quote the cells' values
        cell.comment = Comment(text, "Lantian", width=320, height=40 + 20 * len(messages))
    listing = workbook.create_sheet(_("Errors"), 0 if not errors else 1)
    headers = [_("Row"), _("Column"), _("Value"), _("Error")]
    for number, row in enumerate([headers, *as_table(errors)], start=1):
        for index, value in enumerate(row, start=1):
            write_cell(listing, number, index, value)
    for cell in listing[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for index, width in enumerate((8, 20, 30, 60), start=1):
        listing.column_dimensions[get_column_letter(index)].width = width
    listing.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _copy_of(sheet: Sheet) -> Workbook:
    """The upload as a workbook of values: formulas give way to the values they had (calamine read
    those too), text is written through the cell helper, so the report runs nothing."""
    if sheet.kind == "xlsx":
        try:
            workbook = load_workbook(io.BytesIO(sheet.content), data_only=True)
        except Exception:  # calamine read it where openpyxl cannot: rebuild the copy from its values
            pass
        else:
            for worksheet in workbook.worksheets:
                for row in worksheet.iter_rows():
                    for cell in row:
                        if isinstance(cell.value, str):
                            write_cell(worksheet, cell.row, cell.column, cell.value)
            return workbook
    workbook = Workbook()
    data = workbook.active
    data.title = _("Data")
    for index, header in enumerate(sheet.headers, start=1):
        write_cell(data, sheet.header_row, index, header)
    for number, cells in sheet.rows:
        for index, value in enumerate(cells, start=1):
            write_cell(data, number, index, value)
    return workbook
