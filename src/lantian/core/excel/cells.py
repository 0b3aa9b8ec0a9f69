"""Python values as Excel cells: dates as dates, numbers as numbers, choices by their label, and text
as text that neither spreadsheet program nor XML parser can take for anything else.

Every workbook the platform writes (exports, import templates, error reports) puts its values through
``excel_value`` (or ``write_cell``), so that what users stored is written safely whatever it holds:

- characters XML 1.0 forbids (C0 controls but tab, line feed and carriage return; lone surrogates,
  U+FFFE/U+FFFF), the other control characters and the bidirectional overrides that make text read
  differently from what it is (U+202A–U+202E, U+2066–U+2069) are removed;
- text that a spreadsheet would run as a formula (``= + - @``, tab or carriage return first, the
  full-width ``＝ ＋ － ＠``, also after leading blanks) gets a single quote in front, as OWASP
  recommends for CSV injection; the import takes that quote off again (``restore_text``), so an
  export re-imports to the same text;
- a carriage return is written as Excel escapes it (``_x000D_``): XML would read it as a line feed.

Text goes through them once: ``safe_text`` of safe text escapes its escapes again.
"""

import datetime
import re
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
NEUTRALIZER = "'"
UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
ESCAPE_LIKE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def clean_text(text: str) -> str:
    """``text`` without the characters a workbook must not hold."""
    return UNSAFE_CHARACTERS.sub("", text)


def neutralize(text: str) -> str:
    """``text`` with a single quote in front if a spreadsheet would take it for a formula."""
    if text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return NEUTRALIZER + text
    return text


def escape_xml_text(text: str) -> str:
    """A carriage return as ``_x000D_`` (XML would read it back as a line feed), and text that reads
    like such an escape escaped itself, as Excel writes them; Excel and calamine decode both."""
    if "_x" in text:
        text = ESCAPE_LIKE.sub(r"_x005F\1", text)
    return text.replace("\r", "_x000D_") if "\r" in text else text


def safe_text(text: str) -> str:
    """``text`` as a cell may hold it: unsafe characters removed, a would-be formula quoted."""
    return escape_xml_text(neutralize(clean_text(text)))


def restore_text(text: str) -> str:
    """The text ``safe_text`` quoted, as it was (the reader has decoded the escapes): an import reads
    back what an export wrote."""
    if text[:1] == NEUTRALIZER and neutralize(clean_text(text[1:])) == text:
        return text[1:]
    return text


def excel_value(value):
    """A value openpyxl writes with the right type; Excel has no time zones, so local time."""
    if type(value) is str:
        return safe_text(value)
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return value
    if isinstance(value, models.Model):
        return safe_text(str(value))
    if isinstance(value, list | tuple | set):
        return safe_text("、".join(str(item) for item in value))
    return safe_text(str(value))


def number_format(value) -> str | None:
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    return None


def needs_text_type(value) -> bool:
    """Whether openpyxl would take this (safe) text for something else: an error code such as #N/A."""
    return type(value) is str and value in ERROR_CODES


def write_cell(sheet, row: int, column: int, value):
    """Write ``value`` into a cell of an ordinary (not write-only) sheet through ``excel_value``: text
    is always a text cell, never a formula or an error code."""
    value = excel_value(value)
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif (fmt := number_format(value)) is not None:
        cell.number_format = fmt
    return cell
