"""Uploaded spreadsheets as rows of cells: xlsx through python-calamine, CSV in UTF-8 (with or without
a byte-order mark) or GBK. The type is told by the content, not by the file name.

Every resource is bounded before it is spent, by the ``LANTIAN_IMPORT_*`` settings: the file's size;
the rows, columns and characters per cell of its sheet; for a workbook also the unpacked size and
compression ratio of its parts and the size its sheet declares. A workbook is parsed in a child process
(``xlsx_child.py``) under a memory and a time limit, so that a file the native parser chokes on costs
that process, never the web or worker process. Every refusal says why, in the user's language.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import os
import pickle
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from lantian.core.excel.xlsx_child import column_letters

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
CSV_DELIMITERS = ",\t;"
CHILD = Path(__file__).with_name("xlsx_child.py")
MB = 1024 * 1024

log = logging.getLogger(__name__)


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
    name: str = ""  # the sheet's name in its workbook (read_workbook)


@dataclass(frozen=True)
class Limits:
    """What an uploaded file may hold and what reading it may cost (the LANTIAN_IMPORT_* settings)."""

    bytes: int  # the file as uploaded
    rows: int  # rows of the sheet, the header row and blank rows included
    columns: int
    cell: int  # characters in one cell
    unpacked: int  # bytes of a workbook's parts once unpacked, all together
    ratio: int  # unpacked size over packed size of any large part
    memory: int  # bytes of address space of the process that parses a workbook
    seconds: int  # of that process, wall clock and CPU

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            bytes=settings.LANTIAN_IMPORT_MAX_BYTES,
            rows=settings.LANTIAN_IMPORT_MAX_ROWS,
            columns=settings.LANTIAN_IMPORT_MAX_COLUMNS,
            cell=settings.LANTIAN_IMPORT_MAX_CELL_CHARS,
            unpacked=settings.LANTIAN_IMPORT_MAX_UNPACKED_BYTES,
            ratio=settings.LANTIAN_IMPORT_MAX_RATIO,
            memory=settings.LANTIAN_IMPORT_READ_MEMORY,
            seconds=settings.LANTIAN_IMPORT_READ_SECONDS,
        )


def read_sheet(filename: str, content: bytes) -> Sheet:
    """The first sheet of an xlsx file, or a CSV file, as headers and rows."""
    limits = Limits.from_settings()
    if len(content) > limits.bytes:
        raise ReadError(too_large(limits))
    if content.startswith(ZIP_MAGIC):
        kind, table = "xlsx", _xlsx_rows(content, limits)
    elif content.startswith(OLE_MAGIC):
        raise ReadError(_("This is an old .xls workbook: save it as .xlsx and upload it again."))
    else:
        kind, table = "csv", _csv_rows(content, limits)
    sheet = _as_sheet(filename, kind, content, table)
    if not sheet.rows:  # a header row alone imports nothing: say so rather than report success
        raise ReadError(_("The file has no rows."))
    return sheet


def read_workbook(filename: str, content: bytes) -> list[Sheet]:
    """Every sheet of an xlsx workbook, in its order, each with its ``name``; under the same limits as
    ``read_sheet``, the rows of all sheets counting together. A sheet may have no rows (or no headers):
    what that means is the caller's to say."""
    limits = Limits.from_settings()
    if len(content) > limits.bytes:
        raise ReadError(too_large(limits))
    if content.startswith(OLE_MAGIC):
        raise ReadError(_("This is an old .xls workbook: save it as .xlsx and upload it again."))
    if not content.startswith(ZIP_MAGIC):
        raise ReadError(_("This file is not an xlsx workbook: its sheets are read from an xlsx file only."))
    sheets = _xlsx_child(content, limits, every=True)
    return [replace(_as_sheet(filename, "xlsx", content, table), name=str(name)) for name, table in sheets]


def _as_sheet(filename: str, kind: str, content: bytes, table: list[list]) -> Sheet:
    """The first filled row as the headers, the filled rows below it as the data."""
    numbered = [(number, cells) for number, cells in enumerate(table, start=1) if any(map(_filled, cells))]
    if not numbered:
        return Sheet(filename, kind, content, 1, [], [])
    (header_row, headers), rows = numbered[0], numbered[1:]
    while headers and not _filled(headers[-1]):
        headers = headers[:-1]
    return Sheet(filename, kind, content, header_row, list(headers), rows)


def too_large(limits: Limits | None = None) -> str:
    limits = limits or Limits.from_settings()
    return _("The file is larger than %(size)d MB.") % {"size": limits.bytes // MB}


def _filled(cell) -> bool:
    return not (cell is None or (cell.__class__ is str and not cell.strip()))


# --- xlsx, in a child process ---


def child_command(limits: Limits) -> list[str]:
    """The command line of the child process that parses a workbook (``-I``: no user site, no
    PYTHON* variables, not the working directory on its path)."""
    return [sys.executable, "-I", str(CHILD), json.dumps(asdict(limits))]


def _xlsx_rows(content: bytes, limits: Limits) -> list[list]:
    return _xlsx_child(content, limits)


def _xlsx_child(content: bytes, limits: Limits, every: bool = False) -> list:
    """The child's answer: the first sheet's rows, or with ``every`` (sheet name, rows) of each sheet."""
    try:
        child = subprocess.run(
            child_command(limits) + (["every"] if every else []),  # every: all its sheets
            input=content,
            capture_output=True,
            timeout=limits.seconds,
            check=False,
            env={**os.environ, "RUST_BACKTRACE": "0"},  # a panic in one line, not a page of frames
        )
    except subprocess.TimeoutExpired:
        raise ReadError(_too_slow(limits)) from None
    except OSError:
        log.exception("the xlsx reader could not be started")
        raise ReadError(
            _("The workbook cannot be read now: the server could not start its reader. Try again later.")
        ) from None
    try:
        answer = _CellsUnpickler(io.BytesIO(child.stdout)).load()
    except Exception:
        answer = None
    if (
        isinstance(answer, tuple)
        and len(answer) == 2
        and answer[0] == ("sheets" if every else "rows")
        and isinstance(answer[1], list)
    ):
        return answer[1]
    if isinstance(answer, tuple) and len(answer) == 3 and answer[0] == "refused":
        try:
            message = _refusal(answer[1], answer[2], limits)
        except (KeyError, TypeError, ValueError):  # details that do not fit the message
            message = _refusal("damaged", {}, limits)
        raise ReadError(message)
    # The child ended without an answer: killed at its time limit, aborted by an allocation its memory
    # limit refused, or crashed. The web or worker process carries on.
    log.warning("the xlsx reader ended with %s: %s", child.returncode, child.stderr[-2000:])
    if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise ReadError(_too_slow(limits))
    if b"memory allocation" in child.stderr or b"MemoryError" in child.stderr:
        raise ReadError(_refusal("memory", {}, limits))
    raise ReadError(_refusal("damaged", {}, limits))


class _CellsUnpickler(pickle.Unpickler):
    """Cells come back as plain values and dates: no other class is loaded from the child's answer."""

    def find_class(self, module, name):
        if module == "datetime" and name in ("date", "datetime", "time", "timedelta"):
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def _too_slow(limits: Limits) -> str:
    return _("Reading the workbook took longer than the %(seconds)d seconds allowed.") % {
        "seconds": limits.seconds
    }


def _refusal(reason: str, details: dict, limits: Limits) -> str:
    """The child's reason for refusing a workbook, as a message."""
    details = details if isinstance(details, dict) else {}
    shape = {"max_rows": limits.rows, "max_columns": limits.columns}
    if reason == "not_xlsx":
        return _("The file is a zip archive but not an xlsx workbook.")
    if reason == "no_sheet":
        return _("The workbook has no sheet.")
    if reason == "members":
        return _("The workbook has too many parts (%(count)d; at most %(limit)d).") % details
    if reason == "unpacked":
        return _("The workbook unpacks to more than %(size)d MB.") % {"size": limits.unpacked // MB}
    if reason == "ratio":
        return (
            _(
                "The workbook's part %(part)s unpacks to %(ratio)d times its size (at most %(limit)d): "
                "it is refused as a possible zip bomb."
            )
            % details
        )
    if reason == "dimension":
        return _(
            "The sheet declares %(rows)d rows and %(columns)d columns; at most %(max_rows)d rows and "
            "%(max_columns)d columns are accepted."
        ) % {**details, **shape}
    if reason == "cell":
        return _(
            "The sheet has a cell at %(cell)s, beyond the limit of %(max_rows)d rows and %(max_columns)d "
            "columns."
        ) % {**details, **shape}
    if reason == "row_number":
        return _("The sheet has a row numbered %(row)d, beyond the limit of %(max_rows)d rows.") % {
            **details,
            **shape,
        }
    if reason == "rows":
        return _too_many_rows(limits)
    if reason == "rows_total":
        return _("The workbook's sheets have more than %(limit)d rows together: split the file.") % {
            "limit": limits.rows
        }
    if reason == "columns":
        return _too_many_columns(details.get("columns", 0), 1, limits)
    if reason == "cell_length":
        return _too_long(details.get("cell", ""), details.get("length", 0), limits)
    if reason == "memory":
        return _("Reading the workbook needs more than the %(size)d MB of memory allowed.") % {
            "size": limits.memory // MB
        }
    return _(
        "The workbook is damaged or incomplete (was the upload cut short?): open it in Excel, save it "
        "again and upload it again."
    )


def _too_many_rows(limits: Limits) -> str:
    return _("The sheet has more than %(limit)d rows: split the file.") % {"limit": limits.rows}


def _too_many_columns(columns: int, row: int, limits: Limits) -> str:
    return _("Row %(row)d has %(columns)d columns; at most %(limit)d are accepted.") % {
        "row": row,
        "columns": columns,
        "limit": limits.columns,
    }


def _too_long(cell: str, length: int, limits: Limits) -> str:
    return _(
        "Cell %(cell)s holds %(length)d characters; a cell may hold at most %(limit)d (as in Excel)."
    ) % {"cell": cell, "length": length, "limit": limits.cell}


# --- CSV ---


def _csv_rows(content: bytes, limits: Limits) -> list[list]:
    text = decode_csv(content)
    if "\x00" in text:
        raise ReadError(_("This is not a CSV or xlsx file."))
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list] = []
    try:
        for cells in reader:
            number = len(rows) + 1
            if number > limits.rows:
                raise ReadError(_too_many_rows(limits))
            if len(cells) > limits.columns:
                raise ReadError(_too_many_columns(len(cells), number, limits))
            if cells and max(map(len, cells)) > limits.cell:
                column = next(i for i, cell in enumerate(cells) if len(cell) > limits.cell)
                raise ReadError(
                    _too_long(f"{column_letters(column + 1)}{number}", len(cells[column]), limits)
                )
            rows.append(cells)
    except csv.Error as error:
        number = len(rows) + 1
        if str(error).startswith("field larger than field limit"):
            # csv's own limit (131,072 characters) is far above a cell's: refused as a cell too long
            message = _("Row %(row)d has a cell longer than %(limit)d characters, the most a cell may hold.")
            raise ReadError(message % {"row": number, "limit": limits.cell}) from None
        raise ReadError(_("The CSV file cannot be read at row %(row)d.") % {"row": number}) from None
    return rows


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
