"""Lists to xlsx: the rows a filter selects, with Chinese headers and real types.

The export of a model with an import spec is a workbook its import reads back: first the import's
columns under the template's headers (relations by their natural keys, parents by their codes,
choices by their labels; secret columns left out) — all of them, or those the chosen list columns
show and those of the keys — then the chosen list columns the import does not read, marked
read-only, which the import passes over. A model without an import exports the list's columns.

Rows are read in a constant number of queries: as value tuples when every column is a field path,
else as objects with the relations every column follows joined or prefetched.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lantian.core.excel.cells import excel_value, needs_text_type, number_format, safe_text
from lantian.core.excel.spec import DELETE_COLUMN, ImportSpec, read_only_header
from lantian.core.tables import Column, relations_read

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="206BC4")
READ_ONLY_FILL = PatternFill("solid", fgColor="667382")
CHUNK = 2000


def identity(value):
    return value


def first_filled(*values):
    """The first value that is not empty: the natural key a related object is named by."""
    return next((value for value in values if value not in (None, "")), None)


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export: its header and how a row's cell is read.

    A cell is ``convert(*values at paths)`` where every path is a field path ("parent__code"), read
    from value tuples or by following the attributes of an object; or ``read(obj)`` for what no field
    path gives (properties, many-to-many, columns that compute their text)."""

    header: str
    paths: tuple[str, ...] = ()
    convert: Callable[..., Any] = identity
    read: Callable[[models.Model], Any] | None = None
    joins: frozenset[str] = frozenset()
    prefetches: frozenset[str] = frozenset()
    read_only: bool = False


def export_columns(registration, table_columns: Iterable[Column], every: bool = False) -> list[ExportColumn]:
    """The columns the export of ``registration`` writes, given the list's chosen ``table_columns``.

    An importable model writes the import's columns that the chosen ones show, and always those of
    its keys (so that each row finds itself again); ``every`` writes all of them. The chosen columns
    the import does not read follow, marked read-only."""
    model, spec = registration.model, registration.importer
    if spec is None:
        return [table_column(model, column, column.header(model)) for column in table_columns]
    written_by = import_sources(model, spec)
    chosen = list(table_columns)
    wanted = key_columns(spec) | {
        name for column in chosen for name in written_by.get(column.accessor.split("__")[0], ())
    }
    columns = import_columns(model, spec, None if every else wanted)
    columns += [
        table_column(model, column, read_only_header(column.header(model)), read_only=True)
        for column in chosen
        if column.accessor.split("__")[0] not in written_by
    ]
    return columns


def import_sources(model: type[models.Model], spec: ImportSpec) -> dict[str, set[str]]:
    """Field of the model → the import columns that write it: a field column writes itself, the code
    and name columns of a parent chain's level write every relation to that level's model (a seal
    point's unit, area, equipment and group)."""
    sources = {column.name: {column.name} for column in spec.columns(model) if not column.spec.extra}
    for level in spec.chain.levels if spec.chain is not None else ():
        names = {level.code.name} | ({level.name.name} if level.name is not None else set())
        level_model = level.level_model()
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is level_model and field.concrete:
                sources[field.name] = names
    return sources


def key_columns(spec: ImportSpec) -> set[str]:
    """The columns a row needs to find its stored row: those of every key; a key with a field of the
    parent chain needs the chain's root and codes."""
    names = set()
    chained = set(spec.chain.fields) if spec.chain is not None else set()
    for key in spec.keys:
        for name in key:
            if name in chained:
                names |= {spec.chain.root, *(level.code.name for level in spec.chain.levels)}
            else:
                names.add(name)
    return names


def import_columns(
    model: type[models.Model], spec: ImportSpec, wanted: set[str] | None = None
) -> list[ExportColumn]:
    """The import's columns (those named in ``wanted``, default all), each written as the import reads
    it back; secret columns and extra ones that only the spec's hooks read (the delete column, initial
    passwords) are left out, which the import takes as "unchanged"."""
    chained = chain_columns(spec)
    columns = []
    for column in spec.columns(model):
        header = column.marked_header
        if (
            column.spec.secret
            or column.name == DELETE_COLUMN
            or (wanted is not None and column.name not in wanted)
        ):
            continue
        if column.name in chained:
            columns.append(ExportColumn(header, paths=(chained[column.name],)))
        elif column.spec.extra:
            continue
        elif column.kind == "multiple":
            columns.append(
                ExportColumn(
                    header,
                    read=related_keys(column.name, column.spec.lookup),
                    prefetches=frozenset({column.name}),
                )
            )
        elif column.kind == "relation":
            paths = tuple(f"{column.name}__{lookup}" for lookup in column.spec.lookup)
            columns.append(ExportColumn(header, paths=paths, convert=first_filled))
        else:
            columns.append(ExportColumn(header, paths=(column.name,), convert=field_converter(column.field)))
    return columns


def chain_columns(spec: ImportSpec) -> dict[str, str]:
    """Column name → field path, for the code and name columns of the spec's parent chain: each level
    is reached through its own field, or through the level below it (a seal point's unit is its
    group's equipment's area's unit)."""
    if spec.chain is None:
        return {}
    levels = spec.chain.levels
    paths: list[str | None] = [None] * len(levels)
    for index in range(len(levels) - 1, -1, -1):
        level = levels[index]
        if level.field:
            paths[index] = level.field
        elif index + 1 < len(levels) and paths[index + 1]:
            paths[index] = f"{paths[index + 1]}__{levels[index + 1].parent}"
    chained = {}
    for level, path in zip(levels, paths, strict=True):
        if path is None:
            raise ValueError(f"{level.model}: no field of the imported model leads to this chain level")
        chained[level.code.name] = f"{path}__{level.code_field}"
        if level.name is not None:
            chained[level.name.name] = f"{path}__{level.name_field}"
    return chained


def field_converter(field: models.Field | None) -> Callable[[Any], Any]:
    """Choices by their label (in the active language, looked up once), anything else as it is."""
    if field is None or not field.choices:
        return identity
    labels = {value: str(label) for value, label in field.flatchoices}
    return lambda value: labels.get(value, value)


def related_keys(name: str, lookups: tuple[str, ...]) -> Callable[[models.Model], str]:
    def read(obj) -> str:
        keys = (
            first_filled(*(getattr(related, lookup) for lookup in lookups))
            for related in getattr(obj, name).all()
        )
        return "、".join(str(key) for key in keys if key is not None)

    return read


def table_column(model: type[models.Model], column: Column, header: str, read_only=False) -> ExportColumn:
    """A list column: a field path where it is one, else read as the list page reads it."""
    field = plain_field(model, column.accessor) if type(column).value is Column.value else None
    if field is not None:
        return ExportColumn(
            header, paths=(column.accessor,), convert=field_converter(field), read_only=read_only
        )
    joins, prefetches = relations_read(model, column.accessor)
    return ExportColumn(
        header,
        read=column.value,
        joins=frozenset(joins),
        prefetches=frozenset(prefetches),
        read_only=read_only,
    )


def plain_field(model: type[models.Model], accessor: str) -> models.Field | None:
    """The field at the end of ``accessor`` if the path follows only forward single relations and ends
    at a concrete field that is not a relation, else None."""
    parts = accessor.split("__")
    try:
        for part in parts[:-1]:
            field = model._meta.get_field(part)
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                return None
            model = field.related_model
        field = model._meta.get_field(parts[-1])
    except FieldDoesNotExist:
        return None
    return field if field.concrete and not field.is_relation else None


def export_rows(columns: list[ExportColumn], queryset) -> Iterable[list]:
    """The cells of every row of ``queryset``, in a few queries whatever the number of rows."""
    paths = list(dict.fromkeys(path for column in columns for path in column.paths))
    position = {path: index for index, path in enumerate(paths)}
    if all(column.read is None for column in columns):
        readers = [(column.convert, [position[path] for path in column.paths]) for column in columns]
        for values in queryset.prefetch_related(None).values_list(*paths).iterator(chunk_size=CHUNK):
            yield [convert(*[values[i] for i in where]) for convert, where in readers]
        return
    joins, prefetches = set(), set()
    for column in columns:
        joins |= column.joins
        prefetches |= column.prefetches
    for path in paths:
        joins |= relations_read(queryset.model, path)[0]
    queryset = queryset.select_related(*joins) if joins else queryset
    queryset = queryset.prefetch_related(*prefetches) if prefetches else queryset
    for obj in queryset.iterator(chunk_size=CHUNK):
        yield [
            column.read(obj)
            if column.read is not None
            else column.convert(*(follow(obj, p) for p in column.paths))
            for column in columns
        ]


def follow(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def export_workbook(
    registration, table_columns: Iterable[Column], queryset, on_row=None, every: bool = False
) -> bytes:
    """The rows of ``queryset`` as the export of ``registration`` writes them (see the module)."""
    columns = export_columns(registration, table_columns, every)
    return write_xlsx(
        registration.model._meta.verbose_name_plural,
        [column.header for column in columns],
        export_rows(columns, queryset),
        on_row=on_row,
        read_only=[column.read_only for column in columns],
    )


def write_xlsx(title: str, headers: list[str], rows: Iterable[list], on_row=None, read_only=()) -> bytes:
    """One sheet with a styled, frozen header row (read-only columns in grey); ``on_row(n)`` is called
    every CHUNK rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) * 2 + 4))
    muted = {index for index, flag in enumerate(read_only) if flag}
    header_cells = []
    for index, header in enumerate(headers):
        cell = WriteOnlyCell(sheet, value=safe_text(str(header)))
        cell.font, cell.fill = HEADER_FONT, READ_ONLY_FILL if index in muted else HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for count, row in enumerate(rows, start=1):
        sheet.append([value_cell(sheet, value) for value in row])
        if on_row is not None and count % CHUNK == 0:
            on_row(count)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def value_cell(sheet, value):
    """``value`` for a write-only sheet: a plain value where openpyxl types it right by itself (the
    common case, and the fast one), else a cell with the type or format it needs."""
    value = excel_value(value)
    if type(value) is str:
        if not needs_text_type(value):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    fmt = number_format(value)
    if fmt is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\ (nor what XML cannot hold)
    return "".join(c for c in safe_text(str(title)) if c not in "[]:*?/\\'")[:31] or "Sheet1"
