"""The error report of an import: every error as (row, column, value, message), and a copy of the
uploaded sheet's values with the bad cells filled red and commented, plus a sheet listing every error."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lantian.core.excel.cells import clean_text, excel_value
from lantian.core.excel.export import HEADER_FILL, HEADER_FONT, value_cell

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
    """A copy of the upload's values (an xlsx copy of a CSV upload) with the bad cells marked, and an
    errors sheet. The copy is built from the values the reader returned, never by parsing the upload
    again (that is bounded and isolated in the reader only), in write-only mode, so its memory does not
    grow with the cells; formulas give way to the values they had. The columns at the ``hidden``
    positions (passwords) are emptied."""
    marks = defaultdict(list)
    for error in errors:
        if error.row:
            marks[(error.row, error.index or 0)].append(error.message)
    workbook = Workbook(write_only=True)
    if not errors:
        _write_listing(workbook, errors)
    data = workbook.create_sheet(_("Data"))
    hidden, written = set(hidden), 0
    for number, cells in [(sheet.header_row, sheet.headers), *sheet.rows]:
        emptied = hidden if number != sheet.header_row else set()
        while written < number - 1:  # rows the reader left out as blank keep their place
            data.append([])
            written += 1
        width = max([len(cells), *(index + 1 for row, index in marks if row == number)])
        data.append([_copied_cell(data, number, index, cells, emptied, marks) for index in range(width)])
        written += 1
    if errors:
        _write_listing(workbook, errors)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _copied_cell(data, number: int, index: int, cells: list, emptied: set[int], marks: dict):
    value = None if index in emptied or index >= len(cells) else cells[index]
    messages = marks.get((number, index))
    if not messages:
        return value_cell(data, value)
    cell = WriteOnlyCell(data, value=excel_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    cell.fill, cell.font = ERROR_FILL, ERROR_FONT
    text = clean_text("\n".join(messages))  # messages quote the cells' values
    cell.comment = Comment(text, "Lantian", width=320, height=40 + 20 * len(messages))
    return cell


def _write_listing(workbook: Workbook, errors: list[RowError]) -> None:
    listing = workbook.create_sheet(_("Errors"))
    for index, width in enumerate((8, 20, 30, 60), start=1):
        listing.column_dimensions[get_column_letter(index)].width = width
    listing.freeze_panes = "A2"
    headers = []
    for header in (_("Row"), _("Column"), _("Value"), _("Error")):
        cell = WriteOnlyCell(listing, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        headers.append(cell)
    listing.append(headers)
    for row in as_table(errors):
        listing.append([value_cell(listing, value) for value in row])
