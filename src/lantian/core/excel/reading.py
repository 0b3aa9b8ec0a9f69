"""Uploaded spreadsheets as rows of cells: xlsx through python-calamine, CSV in UTF-8 (with or without
a byte-order mark) or GBK. The type is told by the content, not by the file name."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

MAX_BYTES = 50 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
CSV_DELIMITERS = ",\t;"


class ReadError(ValueError):
    """The file is not a spreadsheet this import reads; the message says why."""


@dataclass
class Sheet:
    filename: str
    kind: str  # "xlsx" or "csv"
    content: bytes
    header_row: int  # the row number of the headers as Excel shows it
    headers: list
    rows: list[tuple[int, list]]  # (row number as Excel shows it, cells), blank rows left out


def read_sheet(filename: str, content: bytes) -> Sheet:
    """The first sheet of an xlsx file, or a CSV file, as headers and rows."""
    if len(content) > MAX_BYTES:
        raise ReadError(_("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // 1024 // 1024})
    if content.startswith(ZIP_MAGIC):
        kind, table = "xlsx", _xlsx_rows(content)
    elif content.startswith(OLE_MAGIC):
        raise ReadError(_("This is an old .xls workbook: save it as .xlsx and upload it again."))
    else:
        kind, table = "csv", _csv_rows(content)
    numbered = [
        (number, cells) for number, cells in enumerate(table, start=1) if any(_filled(c) for c in cells)
    ]
    if len(numbered) < 2:  # a header row alone imports nothing: say so rather than report success
        raise ReadError(_("The file has no rows."))
    (header_row, headers), rows = numbered[0], numbered[1:]
    while headers and not _filled(headers[-1]):
        headers = headers[:-1]
    return Sheet(filename, kind, content, header_row, list(headers), rows)


def _filled(cell) -> bool:
    return not (cell is None or (isinstance(cell, str) and not cell.strip()))


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as error:
        raise ReadError(_("The workbook cannot be read: %(error)s") % {"error": error}) from error


def _csv_rows(content: bytes) -> list[list]:
    text = decode_csv(content)
    if "\x00" in text:
        raise ReadError(_("This is not a CSV or xlsx file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def decode_csv(content: bytes) -> str:
    """UTF-8 with a byte-order mark, plain UTF-8, or else GBK (as Excel saves CSV on Chinese Windows)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")  # a superset of GBK and GB 2312
    except UnicodeDecodeError:
        raise ReadError(_("The CSV file is neither UTF-8 nor GBK text.")) from None
