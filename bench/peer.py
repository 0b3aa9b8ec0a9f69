"""The peer of the import benchmarks: django-import-export (pinned in bench/requirements.txt) importing
the same rows into the same model, in its default mode: the file read with tablib, each row's instance
looked up, its related objects found by key, validated with ``full_clean()`` and saved one by one in a
transaction (so django-auditlog writes each row's change-log entry, as Lantian's engine does in bulk).

Both imports run inside one transaction that is rolled back, on the same stored data, so that the
figures compare like with like and the benchmark's own database is left as the main run made it.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from importlib.metadata import version

from import_export import widgets

PEER = f"django-import-export {version('django-import-export')}"


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run the block in a transaction and undo all it wrote."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


class LabelWidget(widgets.Widget):
    """A choice by its label (as the template writes it) or by its value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.values = {str(label): value for value, label in choices} | {value: value for value, _ in choices}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        try:
            return self.values[str(value).strip()]
        except KeyError:
            raise ValueError(f"not a choice: {value!r}") from None


class YesNoWidget(widgets.BooleanWidget):
    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "是"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "否"]


class TextWidget(widgets.CharWidget):
    """Text, with the codes Excel stores as numbers (12.0) written as whole numbers."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()


def peer_import(resource, content: bytes) -> tuple[float, int]:
    """(seconds, rows written) of django-import-export importing an xlsx file, from the bytes."""
    import tablib

    started = time.perf_counter()
    dataset = tablib.Dataset().load(content, format="xlsx")
    result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        problems = [str(e.error) for row in result.row_errors()[:5] for e in row[1]]
        problems += [str(row.error_dict) for row in result.invalid_rows[:5]]
        raise SystemExit(f"the peer's import failed: {problems}")
    return seconds, result.totals["new"] + result.totals["update"]


def division_side_by_side(user, headers: list[str], rows: list[list[str]]) -> None:
    """Rows of bench/import_export.py imported by this engine and by django-import-export on the divisions
    stored before the main run (the rows it imported removed again), each rolled back."""
    from bench.import_export import write_workbook

    from lantian.core.excel.importing import Importer, chunks
    from lantian.core.excel.reading import read_sheet
    from lantian.core.models import Division

    content = write_workbook(headers, rows)  # a prefix of the file: it names its own parents
    with rolled_back():
        for chunk in chunks([row[0] for row in rows]):
            Division.objects.filter(code__in=chunk)._raw_delete(Division.objects.db)
        with rolled_back():
            started = time.perf_counter()
            result = Importer(Division, user, cid="bench-side").run(read_sheet("divisions.xlsx", content))
            ours = time.perf_counter() - started
            assert result.ok and result.created == len(rows), [str(e) for e in result.errors[:5]]
        with rolled_back():
            peer, written = peer_import(division_resource(headers), content)
            assert written == len(rows)
    print_comparison(len(rows), ours, peer, PEER)


def division_resource(headers: list[str]):
    """django-import-export's declaration of the division columns, with the same GB/T 2260 checks."""
    from bench.peer import LabelWidget, TextWidget

    from import_export import fields, resources, widgets
    from lantian.core.forms import division_errors
    from lantian.core.models import Division

    code_header, name_header, level_header, parent_header = headers

    class DivisionImportResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name=code_header, widget=TextWidget())
        name = fields.Field(attribute="name", column_name=name_header, widget=TextWidget())
        level = fields.Field(
            attribute="level", column_name=level_header, widget=LabelWidget(Division.Level.choices)
        )
        parent = fields.Field(
            attribute="parent", column_name=parent_header, widget=widgets.ForeignKeyWidget(Division, "code")
        )

        class Meta:
            model = Division
            fields = ("code", "name", "level", "parent")
            import_id_fields = ("code",)
            clean_model_instances = True  # full_clean() on every row
            skip_diff = True  # its faster mode: no before/after comparison of each row

        def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
            errors = dict(import_validation_errors or {})
            for field, message in division_errors(instance.code, instance.level, instance.parent).items():
                errors.setdefault(field, []).append(message)
            super().validate_instance(instance, errors, validate_unique)

    return DivisionImportResource()


def print_comparison(rows: int, ours: float, peer: float, peer_name: str) -> None:
    print(
        f"same rows, same stored data:  Lantian {ours:6.1f} s  {peer_name} {peer:6.1f} s  "
        f"({rows:,} rows; the peer takes {peer / ours:.1f}× as long)"
    )
