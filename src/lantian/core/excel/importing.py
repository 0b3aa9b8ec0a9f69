"""The import engine (ARCHITECTURE rule 3): a sheet of rows into a registered model, all or nothing.

Every row and every column is checked and every error is collected as (row, column, value,
message): unreadable cells, missing required values, unknown or ambiguous related keys, duplicate
keys within the file, uniqueness against the database, the model's own validation and the user's
data scope for the action. Related objects are found by natural key among what the user may see,
including rows further up the same file (a county bureau, then its enterprises). A dry run stops
there. A real run writes in one transaction and in bulk: a few queries to look everything up,
bulk_create / bulk_update, and change-log entries written in bulk with actor and request id.
"""

from __future__ import annotations

import copy
import datetime
import gc
import inspect
import json
import math
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.diff import get_field_value, get_mask_function, is_primitive, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, connections, models, router, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import prefetch_related_objects, signals
from django.db.models.base import ModelState
from django.db.models.deletion import Collector, ProtectedError
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantian.core.excel.reading import ReadError, Sheet, read_sheet
from lantian.core.excel.report import RowError, marked_workbook
from lantian.core.excel.spec import (
    DELETE_COLUMN,
    CellError,
    ImportSpec,
    is_read_only_header,
    normalize_header,
)
from lantian.core.models import User
from lantian.core.registry import registration_for
from lantian.core.review import locked_reason
from lantian.core.scope import permission_name, scope_for, scope_path_for

CHUNK = 900  # values per IN (...) query: below SQLite's 999 parameters
PRIMITIVES = frozenset({str, int, bool, float})
# Fields whose database value is the Python value itself when it already has this type.
DIRECT_TYPES = {
    "CharField": str, "TextField": str, "IntegerField": int, "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int, "SmallIntegerField": int, "BigIntegerField": int,
    "PositiveBigIntegerField": int, "BooleanField": bool, "ForeignKey": int, "OneToOneField": int,
}  # fmt: skip
INSERT_DIRECT_TYPES = {**DIRECT_TYPES, "FloatField": float}  # a float is its own database value too
PROGRESS_EVERY = 2000  # rows
# Values that equal values prepare alike for the database (with their type: 1 and True do not).
IMMUTABLE = frozenset(
    {str, int, float, bool, Decimal, datetime.date, datetime.datetime, datetime.time, uuid.UUID}
)
# Cell types whose equal values read alike (not 0.0 and -0.0, which are equal floats), and how many
# distinct cells of a column are remembered (a column of unique values stops adding to it).
MEMO_CELLS = frozenset({str, int, float, bool})
MEMO_LIMIT = 4096
# Values whose equal values a change log writes alike (a Decimal is not one: 1.5 and 1.50 are equal).
SAME_TEXT = frozenset({str, int, float, bool, datetime.date, datetime.datetime, uuid.UUID})
ECHO_CHARS = 200  # of a cell's text repeated in an error message or the error report
MESSAGE_CHARS = 500  # of an error message (the model's validation may repeat a value in its own words)


def echo(value, limit: int = ECHO_CHARS):
    """A cell's value as an error repeats it: a long text cut short."""
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


@dataclass
class ImportResult:
    model: type[models.Model]
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    errors: list[RowError] = dataclass_field(default_factory=list)
    hidden_columns: list[int] = dataclass_field(default_factory=list)  # positions of secret columns
    parents: list[tuple[str, int]] = dataclass_field(default_factory=list)  # (parents' name, number created)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        counts = {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
        }
        if not self.ok:
            return ngettext(
                "%(count)d error: nothing was written.",
                "%(count)d errors: nothing was written.",
                len(self.errors),
            ) % {"count": len(self.errors)}
        if self.dry_run:
            summary = (
                _(
                    "Dry run, nothing written: %(created)d to create, %(updated)d to update, "
                    "%(deleted)d to delete, %(unchanged)d unchanged."
                )
                % counts
            )
            if self.parents:
                summary += " " + _("Parents to create: %(parents)s.") % {"parents": self.parents_text()}
            return summary
        summary = (
            _(
                "Imported: %(created)d created, %(updated)d updated, %(deleted)d deleted, "
                "%(unchanged)d unchanged."
            )
            % counts
        )
        if self.parents:
            summary += " " + _("Parents created: %(parents)s.") % {"parents": self.parents_text()}
        return summary

    def parents_text(self) -> str:
        return "、".join(
            _("%(count)d %(objects)s") % {"count": count, "objects": objects}
            for objects, count in self.parents
        )


class Row:
    """One data row on its way in: its cells, parsed values, the object it creates or changes, errors."""

    __slots__ = (
        "action",
        "before",
        "cells",
        "chain_failed",
        "changed",
        "delete",
        "errors",
        "many",
        "number",
        "obj",
        "values",
    )

    def __init__(self, number: int, cells: list):
        self.number, self.cells = number, cells
        self.values: dict[str, Any] = {}  # field name → parsed value (related objects once resolved)
        self.many: dict[str, list] = {}  # many-to-many field → related objects
        self.errors: dict[str | None, str] = {}  # field name (None: the row) → message
        self.delete = False
        self.obj = None  # the object as it will be written
        self.before = None  # the stored object before this row, for updates and deletes
        self.action: str | None = None  # "add", "change", "delete" or "unchanged"
        self.changed: set[str] = set()
        self.chain_failed = False  # a parent named by the row's chain of codes is missing or wrong

    def add_error(self, name: str | None, message) -> None:
        if name not in self.errors:  # one message per cell: the first problem found
            self.errors[name] = str(message)


class Importer:
    """Imports sheets into one registered model as ``user`` (None: a system import without scope).

    ``spec`` replaces the model's registered import spec, for a sheet of a workbook that imports several
    models at once (e.g. an enterprise's whole power archive) and reads the model in its own way."""

    def __init__(
        self,
        model: type[models.Model],
        user=None,
        *,
        dry_run: bool = False,
        cid: str | None = None,
        remote_addr: str | None = None,
        on_progress: Callable[[int, str], None] | None = None,
        create_parents: bool = False,
        delete_listed: bool = False,
        spec: ImportSpec | None = None,
    ):
        self.model = model
        self.spec = spec if spec is not None else registration_for(model).importer
        self.user = user
        self.dry_run = dry_run
        self.create_parents = create_parents  # parents missing from a ParentChain are created, not reported
        self.delete_listed = delete_listed  # every row deletes the stored row its key finds
        self.chain = self.spec.chain
        self.chain_fields = set(self.chain.fields) if self.chain is not None else set()
        self.cid, self.remote_addr = cid, remote_addr
        self.on_progress = on_progress or (lambda percent, message: None)
        self.columns = {column.name: column for column in self.spec.columns(model)}
        self.scope = scope_for(user) if user is not None else None
        self.permitted: dict[str, bool] = {}
        self._relate_plans: dict[str, tuple] = {}  # foreign key → (attname, target attname, model) or ()
        self._relations_allowed: dict[tuple, bool] = {}  # (related model, database) → the routers' answer

    # --- the public entry ---

    def run(self, sheet: Sheet) -> ImportResult:
        """Check every row and write them all, or report every error. The cyclic garbage collector is
        paused meanwhile: the import builds hundreds of thousands of objects that all stay alive until
        it ends, which the collector would otherwise traverse again and again (several times the
        import's own work), finding nothing to free."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run(sheet)
        finally:
            if collecting:
                gc.enable()

    def phase(self, name: str) -> None:
        """The end of a phase of the run: its wall and CPU seconds go to ``timings`` (for benchmarks and
        the logs; a phase reached twice adds up)."""
        wall, cpu = time.perf_counter(), time.process_time()
        spent = self.timings.setdefault(name, [0.0, 0.0])
        spent[0] += wall - self._clock[0]
        spent[1] += cpu - self._clock[1]
        self._clock = (wall, cpu)

    def _run(self, sheet: Sheet) -> ImportResult:
        self.timings: dict[str, list[float]] = {}  # phase → [wall seconds, CPU seconds]
        self._clock = (time.perf_counter(), time.process_time())
        self.sheet = sheet
        self.result = ImportResult(self.model, self.dry_run)
        self.header_errors: list[RowError] = []
        self.rows: list[Row] = []
        self.bind_headers()
        self.defaulted = [n for n, c in self.columns.items() if c.spec.default is not None]
        self.defaults = {n: self.columns[n].spec.default(self) for n in self.defaulted}
        self.readers = [
            (name, index, column, {} if column.kind != "multiple" else None)
            for name, index in self.bound.items()
            for column in (self.columns[name],)
        ]
        if not self.header_errors:
            self.check([self.parse(number, cells) for number, cells in sheet.rows])
        self.result.errors = self.collect_errors()
        if self.result.errors:
            return self.result
        counts = defaultdict(int)
        for row in self.rows:
            counts[row.action] += 1
        self.result.created, self.result.updated = counts["add"], counts["change"]
        self.result.deleted, self.result.unchanged = counts["delete"], counts["unchanged"]
        self.result.parents = [
            (str(level.level_model()._meta.verbose_name_plural), len(self.new_parents[level.model]))
            for level in self.chain_levels
            if self.new_parents[level.model]
        ]
        if not self.dry_run:
            try:
                with transaction.atomic(), disable_auditlog():
                    self.write()
                self.phase("commit and followers")  # what runs on commit (e.g. checks of the rows)
            except WriteRefused as refused:
                self.result.errors = refused.errors
            except DatabaseError as error:
                message = _("The database refused the import: %(error)s") % {"error": error}
                self.result.errors = [RowError(None, "", "", message)]
        self.on_progress(100, self.result.summary())
        return self.result

    def check(self, rows: list[Row]) -> None:
        """Every row and every column, then what concerns several rows at once."""
        self.rows = rows
        self.result.rows = len(rows)
        self.phase("parse")
        self.spec.prepare(self)
        self.chain_stored: dict[str, dict[tuple, models.Model]] = {}  # level → (parent id, code) → stored
        self.new_parents: dict[str, dict[tuple, models.Model]] = defaultdict(dict)  # level → key → new
        self.parent_rows: dict[int, Row] = {}  # id() of a new parent → the row that creates it
        self.prefetch()
        self.phase("look up")
        self.seen_keys: dict[tuple, dict[tuple, Row]] = defaultdict(dict)
        # the keys the file has: (key, its (name, is a relation, is filled by the chain), the key values
        # of the rows above, the stored objects by key values)
        self.key_plans = [
            (
                key,
                [(name, self.is_relation(name), name in self.chain_fields) for name in key],
                self.seen_keys[key],
                self.stored.get(key, {}),
            )
            for key in self.spec.keys
            if set(key) <= self.available
        ]
        self.row_of: dict[Any, Row] = {}  # pk → the row that changes or deletes the stored object
        self.in_file: dict[str, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
        self.final: dict[Any, models.Model] = {}  # pk → a stored object as a row above changed it
        for done, row in enumerate(rows, start=1):
            self.build(row)
            if done % PROGRESS_EVERY == 0:
                self.on_progress(done * 80 // len(rows), _("Checking row %(n)d") % {"n": done})
        self.phase("check rows")
        self.check_missing_columns()
        self.check_unique()
        self.check_deletions()
        self.phase("check across rows")

    # --- headers ---

    def bind_headers(self) -> None:
        aliases = {}
        for column in self.columns.values():
            for alias in column.header_aliases():
                aliases[alias] = column.name
        self.bound: dict[str, int] = {}  # field name → index of its column in the sheet
        headers = self.sheet.headers
        for index, header in enumerate(headers):
            if header is None or not str(header).strip():
                continue
            name = aliases.get(normalize_header(header))
            if name is None and is_read_only_header(header):
                continue  # a list column an export wrote for reading only (docs/developing.md)
            if name is None:
                known = "、".join(c.header for c in self.columns.values())
                message = _("Unknown column. The columns of this import are: %(columns)s.") % {
                    "columns": known
                }
                self.header_error(index, message)
            elif name in self.bound:
                self.header_error(index, _("This column appears twice."))
            else:
                self.bound[name] = index
                if self.columns[name].spec.secret:
                    self.result.hidden_columns.append(index)
        defaulted = {n for n, c in self.columns.items() if c.spec.default is not None}
        self.available: set[str] = set(self.bound) | defaulted  # columns every row has a value for
        self.chain_levels: list = []  # the ParentChain's levels whose code column is in the file
        if self.chain is not None:
            self.bind_chain()
        if not self.header_errors and not any(set(key) <= self.available for key in self.spec.keys):
            keys = _(" or ").join("+".join(self.header_of(n) for n in key) for key in self.spec.keys)
            self.header_error(None, _("The file needs the key columns %(keys)s.") % {"keys": keys})
        scalar = {n for n in self.bound if not self.columns[n].is_relation and not self.columns[n].spec.extra}
        self.unchecked = [f.name for f in self.model._meta.fields if f.name not in scalar]  # by full_clean
        # The checked fields whose checks are Django's own (to_python, validate, validators): a function of
        # the value alone. (field name, attribute, the values of a known type the field has accepted)
        self.accepted = [
            (f.name, f.attname, set())
            for f in self.model._meta.fields
            if f.name in scalar
            and type(f).clean is models.Field.clean
            and type(f).validate is models.Field.validate
        ]
        self.self_references = [
            n
            for n in self.bound
            if self.columns[n].is_relation and self.columns[n].field.related_model is self.model
        ]

    def bind_chain(self) -> None:
        """The chain is read when its root and the code column of its first level are in the file;
        then every required level needs its code column."""
        levels = self.chain.levels
        if self.chain.root not in self.available or levels[0].code.name not in self.bound:
            return
        for level in levels:
            if level.code.name in self.bound:
                self.chain_levels.append(level)
            elif level.required:
                message = _("This required column is missing: it names the parents of the rows.")
                self.header_errors.append(
                    RowError(self.sheet.header_row, self.header_of(level.code.name), "", message)
                )
                return
            else:
                break  # an optional level left out: the levels below it cannot be named either
        self.available |= {level.field for level in self.chain_levels if level.field}

    def header_of(self, name: str) -> str:
        """The header of a column, or for a field the parent chain fills, the header of its code column."""
        if name in self.columns:
            return self.columns[name].header
        level = next(level for level in self.chain.levels if level.field == name)
        return self.columns[level.code.name].header

    def is_relation(self, name: str) -> bool:
        return name not in self.columns or self.columns[name].is_relation

    def header_error(self, index: int | None, message) -> None:
        header = "" if index is None else echo(str(self.sheet.headers[index]))
        self.header_errors.append(RowError(self.sheet.header_row, header, "", str(message), index))

    def check_missing_columns(self) -> None:
        if not any(row.action == "add" and not row.errors for row in self.rows):
            return
        for column in self.columns.values():
            if column.required and not column.spec.extra and column.name not in self.available:
                message = _("This required column is missing: it is needed to add new rows.")
                self.header_errors.append(RowError(self.sheet.header_row, column.header, "", message))

    # --- reading the cells ---

    def parse(self, number: int, cells: list) -> Row:
        row = Row(number, cells)
        values, width = row.values, len(cells)
        for name, index, column, memo in self.readers:
            cell = cells[index] if index < width else None
            if cell is None or cell == "":
                values[name] = [] if column.kind == "multiple" else None
                continue
            # A column's cells repeat (the enterprise, the instrument, yes and no): a cell equal to one
            # read above, of a type whose equal values are the same value, reads the same.
            kind = type(cell)
            memorable = memo is not None and kind in MEMO_CELLS and (cell or kind is not float)
            key = (kind, cell) if memorable else None
            if key is not None and key in memo:
                value, error = memo[key]
            else:
                try:
                    value, error = column.parse(cell), None
                except CellError as raised:
                    value, error = None, raised
                if key is not None and len(memo) < MEMO_LIMIT:
                    memo[key] = (value, error)
            if error is None:
                values[name] = value
            else:
                row.add_error(name, error)
        for name in self.defaulted:
            if row.values.get(name) in (None, []) and name not in row.errors:
                text = self.defaults[name]
                row.values[name] = self.columns[name].parse(text) if text is not None else None
        row.delete = self.delete_listed or bool(row.values.pop(DELETE_COLUMN, False))
        return row

    # --- looking up stored objects: a few queries for the whole file ---

    def visible(self, model: type[models.Model]) -> models.QuerySet:
        """What the user may see of ``model``: related keys are looked up only there."""
        manager = model._default_manager
        if self.user is None or not hasattr(manager, "restrict"):
            return manager.all()
        return manager.restrict(self.user, "view")

    def prefetch(self) -> None:
        self.instances: dict[Any, models.Model] = {}  # pk → the one stored instance of self.model
        self.related: dict[str, dict[str, dict[str, list]]] = {}  # column → lookup field → text → objects
        for name in self.available:
            column = self.columns.get(name)
            if column is None or not column.is_relation:
                continue
            texts = set()
            for row in self.rows:
                value = row.values.get(name)
                texts.update(value if isinstance(value, list) else [value] if value else [])
            model = column.field.related_model
            self.related[name] = {}
            for lookup in column.spec.lookup:
                index = defaultdict(list)
                for chunk in chunks(sorted(texts)):
                    for obj in self.visible(model).filter(**{f"{lookup}__in": chunk}):
                        if model is self.model:
                            obj = self.instances.setdefault(obj.pk, obj)
                        index[str(getattr(obj, lookup))].append(obj)
                self.related[name][lookup] = index
        if self.chain_levels:
            self.prefetch_chain()
        chained = {level.field: level.model for level in self.chain_levels if level.field}
        self.stored: dict[tuple, dict[tuple, models.Model]] = {}  # key → key values → stored object
        joins = [n for n in self.available if n in self.columns and self.columns[n].kind == "relation"]
        for key in self.spec.keys:
            if not set(key) <= self.available:
                continue
            parent = next((n for n in key if n in chained), None)
            if parent is not None:  # only under the stored parents the file's chains name
                probe = f"{self.model._meta.get_field(parent).attname}"
                values = {obj.pk for obj in self.chain_stored[chained[parent]].values()}
            else:
                probe = next(n for n in key if not self.is_relation(n))
                values = {row.values[probe] for row in self.rows if row.values.get(probe)}
            index = {}
            for chunk in chunks(sorted(values, key=str)):
                for obj in self.model._default_manager.filter(**{f"{probe}__in": chunk}).select_related(
                    *joins
                ):
                    obj = self.instances.setdefault(obj.pk, obj)
                    index[tuple(self._stored_value(obj, n) for n in key)] = obj
            self.stored[key] = index
        many = [n for n in self.bound if n in self.columns and self.columns[n].kind == "multiple"]
        if many and self.instances:
            prefetch_related_objects(list(self.instances.values()), *many)

    def _stored_value(self, obj, name: str):
        if self.is_relation(name):
            return getattr(obj, self.model._meta.get_field(name).attname)
        return getattr(obj, name)

    def prefetch_chain(self) -> None:
        """The stored rows of every level of the parent chain under the roots the file can name, level
        by level (a few queries per level), indexed by (parent id, code)."""
        self.level_models = {level.model: level.level_model() for level in self.chain_levels}
        roots = self.related.get(self.chain.root, {})
        parents = {obj.pk for index in roots.values() for objects in index.values() for obj in objects}
        for level in self.chain_levels:
            model = self.level_models[level.model]
            parent_attname = model._meta.get_field(level.parent).attname
            columns = self.chain_columns(level)
            index = {}
            for chunk in chunks(sorted(parents)):
                stored = self.visible(model).filter(**{f"{parent_attname}__in": chunk})
                for obj in stored if columns is None else partial_objects(stored, columns):
                    index[(getattr(obj, parent_attname), str(getattr(obj, level.code_field)))] = obj
            self.chain_stored[level.model] = index
            parents = {obj.pk for obj in index.values()}

    def chain_columns(self, level) -> list[str] | None:
        """The columns to read of a level's stored parents: all (None), or those the spec's optional
        ``chain_columns(level)`` names (what its rows read of their parents: a large archive is read
        faster without the rest) together with those the chain itself reads. A column left out is
        still read when a row needs it, one query per object: the spec must name all it uses."""
        named = getattr(self.spec, "chain_columns", None)
        columns = named(level) if named is not None else None
        if columns is None:
            return None
        meta = self.level_models[level.model]._meta
        own = [meta.pk.name, level.parent, level.code_field]
        if level.name is not None:
            own.append(level.name_field)
        return list(dict.fromkeys([*own, *columns]))

    # --- one row ---

    def build(self, row: Row) -> None:
        self.resolve_relations(row)
        if self.chain_levels:
            self.resolve_chain(row)
        existing = self.match(row)
        if existing is False:
            return  # a duplicate key: reported
        if row.delete:
            self.build_deletion(row, existing)
            return
        obj = copy.copy(existing) if existing is not None else self.new_object()
        row.obj, row.before = obj, existing
        for name, value in row.values.items():
            column = self.columns.get(name)
            if column is None:  # a field the parent chain fills
                self.relate(obj, name, value)
                continue
            if column.spec.extra or name in row.errors:
                continue
            if column.kind == "multiple":
                row.many[name] = value
                if not value and column.value_required:
                    row.add_error(name, _("This value is required."))
                continue
            if value is None:
                if column.value_required:
                    row.add_error(name, _("This value is required."))
                    continue
                if column.kind == "boolean":
                    continue  # empty: the default for a new row, unchanged for a stored one
                value = "" if column.field.empty_strings_allowed and not column.field.null else None
            if column.kind == "relation":
                self.relate(obj, name, value)
            else:
                setattr(obj, name, value)
        self.register_in_file(row)
        if existing is not None:
            row.changed = self.changes(row)
            if not row.changed:
                row.action = "unchanged"
                return
        row.action = "change" if existing is not None else "add"
        self.spec.fill(row, self)
        self.validate(row)
        self.spec.clean_row(row, self)
        self.check_scope(row)

    def relate(self, obj, name: str, value) -> None:
        """``setattr(obj, name, value)`` for a foreign key, without the descriptor's checks on every row
        where they cannot fail: ``value`` is a stored object of the related model read from the row's
        database, and the routers allowed a relation between the two models there once (routers decide
        by model and database, as Django's default and the project's do). The descriptor does the rest:
        a one-to-one field, no database yet, a new parent, None."""
        plan = self._relate_plans.get(name)
        if plan is None:
            field = self.model._meta.get_field(name)
            simple = (
                isinstance(field, models.ForeignKey)
                and not field.one_to_one
                and len(field.related_fields) == 1
            )
            plan = (
                (field.attname, field.related_fields[0][1].attname, field.related_model._meta.concrete_model)
                if simple
                else ()
            )
            self._relate_plans[name] = plan
        state = obj._state
        if not plan or value is None or value._state.db is None or not isinstance(value, plan[2]):
            setattr(obj, name, value)
            return
        if state.db is None:  # a new row takes the database its first relation names, as the descriptor
            state.db = router.db_for_write(type(obj), instance=value)
        if value._state.db != state.db:
            setattr(obj, name, value)
            return
        key = (type(value), state.db)
        allowed = self._relations_allowed.get(key)
        if allowed is None:
            allowed = self._relations_allowed[key] = bool(router.allow_relation(value, obj))
        if not allowed:
            setattr(obj, name, value)  # refused as Django refuses it
            return
        obj.__dict__[plan[0]] = getattr(value, plan[1])
        state.fields_cache[name] = value

    def new_object(self) -> models.Model:
        """A new instance with the model's defaults: the field values of one made once (a fraction of the
        cost of ``Model()``), with the defaults computed for each instance (``default=dict``, ``uuid4``),
        which copies would share, computed again. (A field without a default has ``NOT_PROVIDED``, a
        class, as its default: ``has_default()`` tells them apart.)"""
        if not hasattr(self, "_blank"):
            blank = self.model()
            self._blank = {k: v for k, v in blank.__dict__.items() if k != "_state"}
            self._computed = [
                f for f in self.model._meta.concrete_fields if f.has_default() and callable(f.default)
            ]
        obj = self.model.__new__(self.model)
        obj.__dict__.update(self._blank)
        obj._state = ModelState()  # adding, no database yet, nothing cached: as Model() leaves it
        for field in self._computed:
            setattr(obj, field.attname, field.get_default())
        return obj

    def resolve_relations(self, row: Row) -> None:
        for name in self.related:
            if name in row.errors:
                continue
            value = row.values.get(name)
            if self.columns[name].kind == "multiple":
                found = []
                for text in value:
                    obj = self.find(row, name, text)
                    if obj is None:
                        break
                    found.append(obj)
                row.values[name] = found
            elif value:
                row.values[name] = self.find(row, name, value)

    def resolve_chain(self, row: Row) -> None:
        """Find (or, if the user chose so, create) each parent the row names by code, level by level."""
        parent = row.values.get(self.chain.root)
        if parent is None or self.chain.root in row.errors:
            row.chain_failed = True
            return  # the root's own cell says what is wrong
        create = self.create_parents and not row.delete
        for level in self.chain_levels:
            code = row.values.get(level.code.name)
            if level.code.name in row.errors:
                row.chain_failed = True
                return
            if not code:
                if level.required:
                    row.add_error(level.code.name, _("This value is required."))
                    row.chain_failed = True
                elif level.field:
                    row.values[level.field] = None
                return
            obj = self.chain_level_object(row, level, parent, str(code), create)
            if obj is None:
                row.chain_failed = True
                return
            if level.field:
                row.values[level.field] = obj
            parent = obj

    def chain_level_object(self, row: Row, level, parent, code: str, create: bool):
        name = row.values.get(level.name.name) if level.name is not None else None
        key = (parent.pk if parent.pk is not None else id(parent), code)
        obj = self.chain_stored[level.model].get(key) if parent.pk is not None else None
        if obj is None:
            obj = self.new_parents[level.model].get(key)
        if obj is not None:
            if (
                name
                and getattr(obj, level.name_field) != name
                and str(getattr(obj, level.name_field)) != str(name)
            ):
                meta = obj._meta
                creator = self.parent_rows.get(id(obj))
                named = {
                    "object": meta.verbose_name,
                    "code": echo(code),
                    "name": getattr(obj, level.name_field),
                }
                if creator is not None:
                    message = _("Row %(row)d names %(object)s “%(code)s” “%(name)s”: use one name.") % {
                        **named,
                        "row": creator.number,
                    }
                else:
                    named["object"] = capfirst(named["object"])
                    message = (
                        _("%(object)s “%(code)s” is named “%(name)s”: correct the name or the code.") % named
                    )
                row.add_error(level.name.name, message)
                return None
            return obj
        meta = self.level_models[level.model]._meta
        if not create:
            row.add_error(
                level.code.name,
                _(
                    "No %(object)s “%(code)s” under %(parent)s. "
                    "Add it first, or choose to create missing parents."
                )
                % {"object": meta.verbose_name, "code": echo(code), "parent": parent},
            )
            return None
        return self.new_parent(row, level, self.level_models[level.model], parent, code, name)

    def new_parent(self, row: Row, level, model, parent, code: str, name):
        """A missing parent, made from the row's code and name, validated and checked like a row."""
        meta = model._meta
        if not self.may("add", model):
            row.add_error(
                level.code.name, _("You may not add %(objects)s.") % {"objects": meta.verbose_name_plural}
            )
            return None
        obj = model(**{level.parent: parent, level.code_field: code})
        if name:
            setattr(obj, level.name_field, name)
        columns = {level.code_field: level.code.name, level.name_field: getattr(level.name, "name", None)}
        relations = [f.name for f in meta.concrete_fields if f.is_relation]
        try:
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                text = "；".join(messages)
                column = columns.get(field)
                if column is None or column not in self.bound:
                    label = meta.get_field(field).verbose_name if field != NON_FIELD_ERRORS else ""
                    text = _("A new %(object)s “%(code)s”: %(error)s") % {
                        "object": meta.verbose_name,
                        "code": echo(code),
                        "error": f"{capfirst(label)}：{text}" if label else text,
                    }
                    column = level.code.name
                row.add_error(column, text)
            return None
        if self.scope is not None and not self.scope.everything and model.scope_path is not None:
            owner = obj
            for part in model.scope_path.split("__") if model.scope_path else ():
                owner = getattr(owner, part, None)
            if owner is None or not self.scope.covers(owner, "add"):
                row.add_error(
                    level.code.name, _("You may not save this row there: it would be outside your scope.")
                )
                return None
        self.new_parents[level.model][(identity(parent), code)] = obj
        self.parent_rows[id(obj)] = row
        return obj

    def find(self, row: Row, name: str, text: str):
        """The one object the user may see whose lookup field is ``text`` (stored, or a row above)."""
        column = self.columns[name]
        own = column.field.related_model is self.model  # a row above may have changed a stored one
        for lookup in column.spec.lookup:
            found = {}
            for obj in self.related[name][lookup].get(text, ()):
                found[obj.pk] = self.final.get(obj.pk, obj) if own else obj
            for obj in self.in_file[name].get((lookup, text), ()):
                found[obj.pk if obj.pk is not None else id(obj)] = obj
            if len(found) == 1:
                return next(iter(found.values()))
            if found:
                row.add_error(
                    name,
                    _("%(count)d %(objects)s match “%(text)s”: use a unique key.")
                    % {
                        "count": len(found),
                        "objects": column.field.related_model._meta.verbose_name_plural,
                        "text": echo(text),
                    },
                )
                return None
        row.add_error(
            name,
            _("No %(object)s “%(text)s” found among those you may see.")
            % {"object": column.field.related_model._meta.verbose_name, "text": echo(text)},
        )
        return None

    def register_in_file(self, row: Row) -> None:
        """Make the row's object findable by later rows that refer to it (a parent above its children)."""
        for name in self.self_references:
            for lookup in self.columns[name].spec.lookup:
                value = getattr(row.obj, lookup, None)
                if value not in (None, ""):
                    bucket = self.in_file[name][(lookup, str(value))]
                    if row.obj.pk is not None:
                        bucket[:] = [o for o in bucket if o.pk != row.obj.pk]
                    bucket.append(row.obj)
        if row.obj.pk is not None:
            self.final[row.obj.pk] = row.obj

    def match(self, row: Row):
        """The stored object the row's key finds (None: a new row; False: a duplicate, reported)."""
        existing = None
        errors, row_values = row.errors, row.values
        for key, parts, seen, stored_index in self.key_plans:
            if errors and any(name in errors for name, _relation, _chained in parts):
                continue
            values = [row_values.get(name) for name, _relation, _chained in parts]
            if any(
                (value is None and chained) if relation else value in (None, "")
                for (_name, relation, chained), value in zip(parts, values, strict=True)
            ):
                continue  # a part of the key is missing (a chained parent that was not found: reported)
            in_file = tuple(
                identity(value) if relation else value
                for (_name, relation, _chained), value in zip(parts, values, strict=True)
            )
            earlier = seen.get(in_file)
            if earlier is not None:
                return self.duplicate(row, key, earlier)
            seen[in_file] = row
            if existing is None and all(getattr(value, "pk", True) is not None for value in values):
                stored = tuple(
                    value.pk if relation and value is not None else value
                    for (_name, relation, _chained), value in zip(parts, values, strict=True)
                )
                existing = stored_index.get(stored)
        if existing is not None:
            earlier = self.row_of.get(existing.pk)
            if earlier is not None:
                return self.duplicate(row, self.spec.keys[0], earlier)
            self.row_of[existing.pk] = row
        return existing

    def duplicate(self, row: Row, key: tuple, earlier: Row) -> bool:
        name = next(n for n in key if not self.is_relation(n))
        row.add_error(name, _("Duplicate key: row %(row)d has the same.") % {"row": earlier.number})
        return False

    def build_deletion(self, row: Row, existing) -> None:
        if existing is None and row.chain_failed:
            return  # the missing parent is reported
        if existing is None:
            bound = [n for key in self.spec.keys for n in key if n in self.bound]
            name = next((n for n in bound if not self.is_relation(n)), bound[0])
            row.add_error(name, _("Nothing to delete: no stored row has this key."))
            return
        row.obj = row.before = existing
        row.action = "delete"
        if reason := locked_reason(existing):
            row.add_error(None, reason)
        elif not self.may("delete"):
            row.add_error(None, self.forbidden("delete"))
        elif not self.covers(existing, "delete"):
            row.add_error(None, _("You may not delete this row: it is outside your scope."))

    def changes(self, row: Row) -> set[str]:
        changed = set()
        for name in row.values:
            column = self.columns.get(name)
            if column is None:  # a field the parent chain fills
                if identity(getattr(row.obj, name)) != identity(getattr(row.before, name)):
                    changed.add(name)
                continue
            if column.spec.extra:
                continue
            if column.kind == "multiple":
                stored = {o.pk for o in getattr(row.before, name).all()}
                if {o.pk for o in row.many.get(name, ())} != stored:
                    changed.add(name)
            elif column.is_relation:
                if identity(getattr(row.obj, name)) != identity(getattr(row.before, name)):
                    changed.add(name)
            elif getattr(row.obj, name) != getattr(row.before, name):
                changed.add(name)
        return changed

    def validate(self, row: Row) -> None:
        """The model's own field and ``clean()`` validation; uniqueness is checked for the whole file.

        A field is not checked again for a value it accepted unchanged in a row above: the columns of a
        large file repeat a few values (types, materials, yes and no), and the checks of the fields in
        ``accepted`` depend on the value alone. ``clean()`` runs for every row."""
        values = row.obj.__dict__
        known, new = [], []
        for name, attname, accepted in self.accepted:
            value = values.get(attname)
            if type(value) in IMMUTABLE and name not in row.errors:
                key = (type(value), value)
                (known if key in accepted else new).append((name, attname, key, accepted))
        exclude = [
            *self.unchecked,
            *(name for name in row.errors if name),
            *(known_name for known_name, *_rest in known),
        ]
        try:
            row.obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                row.add_error(
                    None if name == NON_FIELD_ERRORS or name not in self.columns else name,
                    "；".join(messages),
                )
        for name, attname, key, accepted in new:
            value = values.get(attname)
            if name not in row.errors and (type(value), value) == key:
                accepted.add(key)

    # --- permissions and data scope ---

    def may(self, action: str, model=None) -> bool:
        permission = permission_name(model or self.model, action)
        if permission not in self.permitted:
            self.permitted[permission] = self.user is None or self.user.has_perm(permission)
        return self.permitted[permission]

    def forbidden(self, action: str) -> str:
        messages = {
            "add": _("You may not add %(objects)s."),
            "change": _("You may not change %(objects)s."),
            "delete": _("You may not delete %(objects)s."),
        }
        return messages[action] % {"objects": self.model._meta.verbose_name_plural}

    def covers(self, obj, action: str) -> bool:
        """Whether ``obj`` lies in the user's scope for ``action`` (by its organisation)."""
        path = scope_path_for(self.model, action)
        if self.scope is None or self.scope.everything or path is None:
            return True
        for part in path.split("__") if path else ():
            obj = getattr(obj, part, None)
            if obj is None:
                return False
        return self.scope.covers(obj, action)

    def check_scope(self, row: Row) -> None:
        if not self.may(row.action):
            row.add_error(None, self.forbidden(row.action))
            return
        if row.chain_failed or any(n in row.errors for n in self.related):
            return  # where the row belongs is unknown until its relations are right
        if row.before is not None and (reason := locked_reason(row.before)):
            row.add_error(None, reason)  # bulk writes bypass the model's own check
        elif row.before is not None and not self.covers(row.before, "change"):
            row.add_error(None, _("You may not change this row: it is outside your scope."))
        elif not self.covers(row.obj, row.action):
            row.add_error(None, _("You may not save this row there: it would be outside your scope."))

    # --- checks across the rows ---

    def check_unique(self) -> None:
        """Unique fields and constraints that are not keys (keys were checked row by row)."""
        keys = {frozenset(key) for key in self.spec.keys}
        sets = [(f.name,) for f in self.model._meta.fields if f.unique and not f.primary_key]
        sets += [
            tuple(c.fields)
            for c in self.model._meta.constraints
            if isinstance(c, models.UniqueConstraint) and c.fields
        ]
        saved = [r for r in self.rows if r.action in ("add", "change")]
        moving = {r.before.pk for r in self.rows if r.before is not None and r.action in ("change", "delete")}
        for names in sets:
            if frozenset(names) in keys or not set(names) <= self.available:
                continue
            attnames = [self.model._meta.get_field(n).attname for n in names]
            owners: dict[tuple, Row] = {}
            for row in saved:
                if row.chain_failed or any(n in row.errors for n in names):
                    continue
                value = tuple(
                    identity(getattr(row.obj, n)) if self.is_relation(n) else getattr(row.obj, a)
                    for n, a in zip(names, attnames, strict=True)
                )
                if any(v in (None, "") for v in value):
                    continue
                if value in owners:
                    self._unique_error(
                        row, names, _("Row %(row)d has the same value.") % {"row": owners[value].number}
                    )
                else:
                    owners[value] = row
            probe = attnames[0]
            taken = {}
            for chunk in chunks(sorted({v[0] for v in owners}, key=str)):
                for pk, *value in self.model._default_manager.filter(**{f"{probe}__in": chunk}).values_list(
                    "pk", *attnames
                ):
                    taken[tuple(value)] = pk
            for value, row in owners.items():
                pk = taken.get(value)
                if pk is not None and pk != row.obj.pk and pk not in moving:
                    self._unique_error(row, names, _("This value is already taken by a stored row."))

    def _unique_error(self, row: Row, names: tuple, message) -> None:
        labels = "+".join(self.header_of(n) for n in names)
        column = next((n for n in names if n in self.columns), names[0])
        row.add_error(column, f"{labels}：{message}")

    def check_deletions(self) -> None:
        """Rows to delete that other data still uses (PROTECT) cannot be deleted."""
        doomed = {r.obj.pk: r for r in self.rows if r.action == "delete" and not r.errors}
        for wave in self.deletion_waves(doomed):
            try:
                Collector(using=router.db_for_write(self.model)).collect(wave)
            except ProtectedError as error:
                blockers = defaultdict(list)  # pk of an object to delete → what still refers to it
                for blocker in error.protected_objects:
                    if type(blocker) is self.model and blocker.pk in doomed:
                        continue  # deleted in an earlier wave
                    for f in blocker._meta.concrete_fields:
                        if (
                            f.is_relation
                            and f.related_model is self.model
                            and getattr(blocker, f.attname) in doomed
                        ):
                            blockers[getattr(blocker, f.attname)].append(str(blocker))
                for pk, names in blockers.items():
                    shown = "、".join(names[:5]) + ("…" if len(names) > 5 else "")
                    doomed[pk].add_error(
                        None, _("Still in use, cannot be deleted: %(objects)s.") % {"objects": shown}
                    )

    def deletion_waves(self, doomed: dict) -> list[list]:
        """The objects to delete, children before their parents: a parent is protected by its children."""
        parents = [
            f.attname
            for f in self.model._meta.concrete_fields
            if f.is_relation and f.related_model is self.model
        ]
        children = defaultdict(list)
        for pk, row in doomed.items():
            for attname in parents:
                parent = getattr(row.obj, attname)
                if parent in doomed and parent != pk:
                    children[parent].append(pk)
        height: dict[Any, int] = {}

        def height_of(pk) -> int:
            if pk not in height:
                height[pk] = 0  # guards against a cycle
                height[pk] = 1 + max((height_of(child) for child in children[pk]), default=-1)
            return height[pk]

        waves = defaultdict(list)
        for pk, row in doomed.items():
            waves[height_of(pk)].append(row.obj)
        return [waves[h] for h in sorted(waves)]

    def collect_errors(self) -> list[RowError]:
        errors = list(self.header_errors)
        for row in self.rows:
            # the row as a whole first, then its cells from left to right
            for name, message in sorted(row.errors.items(), key=lambda item: self.bound.get(item[0], -1)):
                column = self.columns.get(name)
                index = self.bound.get(name)
                header = self.file_header(index) if index is not None else column.header if column else ""
                value = "" if column is not None and column.spec.secret else echo(self.cell(row, name))
                errors.append(RowError(row.number, header, value, echo(message, MESSAGE_CHARS), index))
        return errors

    def file_header(self, index: int) -> str:
        """A column's header as the uploaded file writes it (without the template's required mark)."""
        return echo(str(self.sheet.headers[index]).strip().rstrip("*＊").strip())

    def cell(self, row: Row, name: str | None):
        index = self.bound.get(name)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index]

    # --- writing: one transaction, in bulk ---

    def write(self) -> None:
        self.spec.before_write(self)
        self.on_progress(82, _("Writing"))
        self.log = ChangeLog(self.user, self.cid, self.remote_addr)
        self.delete_rows()
        self.write_parents()
        created = [r for r in self.rows if r.action == "add"]
        for wave in self.creation_waves(created):
            insert_rows(self.model, [r.obj for r in wave])
        self.on_progress(88, _("Writing"))
        updated = [r for r in self.rows if r.action == "change"]
        self.update_rows(updated)
        self.write_many(created + updated)
        self.spec.written(self)
        self.recheck_scope([(r, r.obj) for r in created], "add")
        self.recheck_scope([(r, r.obj) for r in updated], "change")
        self.phase("write rows")
        self.on_progress(94, _("Writing the change log"))
        for row in created:
            self.log.add(row.obj, LogEntry.Action.CREATE, many=self.many_changes(row))
        for row in updated:
            self.log.add(row.obj, LogEntry.Action.UPDATE, row.before, many=self.many_changes(row))
        self.phase("change log: entries")
        self.log.save()
        self.phase("change log: insert")

    def write_parents(self) -> None:
        """The parents the chain creates, level by level, so that each level's parents exist first."""
        for level in self.chain_levels:
            objects = list(self.new_parents[level.model].values())
            if not objects:
                continue
            model = level.level_model()
            insert_rows(model, objects)
            rows = {id(obj): self.parent_rows[id(obj)] for obj in objects}
            self.recheck_scope([(rows[id(obj)], obj) for obj in objects], "add", model)
            for obj in objects:
                self.log.add(obj, LogEntry.Action.CREATE)

    def many_changes(self, row: Row) -> dict:
        """Many-to-many changes as readable text, in the same change-log entry as the row's fields."""
        changes = {}
        for name, related in row.many.items():
            if row.action == "add" or name in row.changed:
                old = "、".join(str(o) for o in getattr(row.before, name).all()) if row.before else None
                changes[name] = (old, "、".join(str(o) for o in related))
        return changes

    def creation_waves(self, rows: list[Row]) -> list[list[Row]]:
        """New rows grouped so that a row whose parent is also new comes in a later wave."""
        relations = [n for n in self.bound if n in self.columns and self.columns[n].kind == "relation"]
        level: dict[int, int] = {}
        waves = defaultdict(list)
        for row in rows:  # in file order, so a parent's wave is known before its children's
            depth = 0
            for name in relations:
                target = getattr(row.obj, name, None)
                if target is not None and target.pk is None:
                    depth = max(depth, level[id(target)] + 1)
            level[id(row.obj)] = depth
            waves[depth].append(row)
        return [waves[d] for d in sorted(waves)]

    def update_rows(self, rows: list[Row]) -> None:
        if not rows:
            return
        names = set().union(*(r.changed for r in rows))
        concrete = {f.name for f in self.model._meta.concrete_fields}
        touched = {f.name for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)}
        for field_name in touched:
            for row in rows:
                setattr(row.obj, field_name, self.model._meta.get_field(field_name).pre_save(row.obj, False))
        fields = sorted((names & concrete) | touched)
        if fields:
            self.model._default_manager.bulk_update([r.obj for r in rows], fields, batch_size=500)

    def write_many(self, rows: list[Row]) -> None:
        for name in {n for r in rows for n in r.many}:
            relation = self.model._meta.get_field(name)
            through = relation.remote_field.through
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            rewritten = [r for r in rows if name in r.many and (r.action == "add" or name in r.changed)]
            stale = [r.obj.pk for r in rewritten if r.action == "change"]
            for chunk in chunks(stale):
                through._default_manager.filter(**{f"{source}__in": chunk}).delete()
            through._default_manager.bulk_create(
                [
                    through(**{f"{source}_id": r.obj.pk, f"{target}_id": o.pk})
                    for r in rewritten
                    for o in r.many[name]
                ]
            )

    def delete_rows(self) -> None:
        """Delete wave by wave, children first; what the deletion cascades to is logged too."""
        doomed = {r.obj.pk: r for r in self.rows if r.action == "delete"}
        for wave in self.deletion_waves(doomed):
            collector = Collector(using=router.db_for_write(self.model))
            collector.collect(wave)
            for instances in collector.data.values():
                for obj in instances:
                    self.log.add(obj, LogEntry.Action.DELETE, obj)
            collector.delete()

    def recheck_scope(self, written: list[tuple[Row, models.Model]], action: str, model=None) -> None:
        """Re-read what was written through the scope gate: a row that left the scope undoes everything.

        ``written``: (the row, the object it wrote), of ``model`` (default: the imported model)."""
        model = model or self.model
        if self.scope is None or self.scope.everything or model.scope_path is None or not written:
            return
        # One query over the range of the written keys (new rows have consecutive ones) rather than
        # long IN lists; rows of the range that were not written are simply not looked at.
        keys = [obj.pk for _row, obj in written]
        allowed = set(
            model.objects.restrict(self.user, action)
            .filter(pk__range=(min(keys), max(keys)))
            .values_list("pk", flat=True)
        )
        outside = [row for row, obj in written if obj.pk not in allowed]
        if outside:
            message = _("You may not save this row there: it would be outside your scope.")
            raise WriteRefused([RowError(r.number, "", "", message) for r in outside])


class ChangeLog:
    """Change-log entries as django-auditlog writes them on save() (the same fields, masks and JSON
    changes, the actor and request id), built for many objects at once and saved in bulk."""

    ROW_FIELDS = ("content_type", "object_pk", "object_id", "object_repr", "action", "changes")
    TEXT = True  # the changes of a new object written as JSON text directly (False: as a dict, dumped)
    COPY = True  # on PostgreSQL the entries are written by COPY (False: the prepared INSERT as elsewhere)

    def __init__(self, user, cid: str | None, remote_addr: str | None):
        self.user, self.cid, self.remote_addr = user, cid, remote_addr
        self.entries: list[tuple] = []  # the ROW_FIELDS of each entry
        self._fields: dict[type, tuple] = {}
        self._content_types: dict[type, int] = {}
        self._times: dict[datetime.datetime, str] = {}
        self._plain: dict[type, tuple[list, list]] = {}  # model → (plain (name, attname), the other fields)
        self._created: dict[type, list[tuple]] = {}  # model → (attname, field, key text, parts seen)

    def add(self, obj, action: int, before=None, many: dict | None = None) -> None:
        """Log ``obj`` created, changed from ``before``, or deleted; ``many``: name → (old, new) text."""
        fields = self.fields(type(obj))
        if fields is None:
            return  # a model the change log does not track
        changes = {}
        tracked, masked, mask = fields
        if action == LogEntry.Action.CREATE and not masked and not many and self.TEXT:
            changes = self.created_text(obj) or {}
            tracked = ()
        elif action == LogEntry.Action.CREATE and not masked and type(obj) in self._plain:
            # the common case of a large import, kept short: the plain values as they are, then the others
            plain, other = self._plain[type(obj)]
            values = obj.__dict__
            changes = {
                name: [None, new] for name, attname in plain if (new := values.get(attname)) is not None
            }
            for field, attname in other:
                new = values[attname] if attname in values else self.read(obj, field, attname)
                if new is not None:  # a float or an id as it is (change_value would return it unchanged)
                    changes[field.name] = [None, new if type(new) in PRIMITIVES else self.change_value(new)]
            tracked = ()
        for field, attname in tracked:
            if attname is None:  # a field auditlog converts (dates and times, JSON): its own way
                old = get_field_value(before, field, True) if action != LogEntry.Action.CREATE else None
                new = get_field_value(obj, field, True) if action != LogEntry.Action.DELETE else None
            else:  # what get_field_value gives for a plain field or a foreign key's id, read directly
                old = getattr(before, attname) if action != LogEntry.Action.CREATE else None
                new = getattr(obj, attname) if action != LogEntry.Action.DELETE else None
            if old != new:
                if field.name in masked:
                    changes[field.name] = [mask(smart_str(old)), mask(smart_str(new))]
                else:
                    changes[field.name] = [change_value(old), change_value(new)]
        if many:
            changes.update({name: list(values) for name, values in many.items()})
        if changes:
            content_type = self.content_type(type(obj))
            pk = obj.pk if isinstance(obj.pk, int) else None
            self.entries.append((content_type, str(obj.pk), pk, smart_str(obj), action, changes))

    def created_text(self, obj) -> JsonText | None:
        """The changes of a new object as the JSON text ``json.dumps`` writes of the dict the other path
        builds (``{"field": [null, value], …}``, the same keys in the same order), written part by part:
        the parts of values seen above are remembered (ids, states, yes and no repeat over a file)."""
        model = type(obj)
        if model not in self._created:
            plain, other = self._plain[model]
            self._created[model] = [
                (attname, field, json.dumps(name) + ": [null, ", {})
                for name, attname, field in (
                    *((name, attname, None) for name, attname in plain),
                    *((field.name, attname, field) for field, attname in other),
                )
            ]
        values = obj.__dict__
        parts = []
        for attname, field, prefix, memo in self._created[model]:
            if field is None:  # a plain value, as it is
                new = values.get(attname)
            else:
                new = values[attname] if attname in values else self.read(obj, field, attname)
            if new is None:
                continue
            kind = type(new)
            if kind in SAME_TEXT and (new or kind is not float):
                key = (kind, new)
            elif kind is Decimal:  # its digits and exponent: 1.5 and 1.50 are equal but written apart
                key = (kind, new.as_tuple())
            else:
                key = None
            if key is not None:
                part = memo.get(key)
                if part is not None:
                    parts.append(part)
                    continue
            if field is not None and kind not in PRIMITIVES:
                new = change_value(new)
            part = prefix + json_value(new) + "]"
            if key is not None and len(memo) < MEMO_LIMIT:
                memo[key] = part
            parts.append(part)
        return JsonText("{" + ", ".join(parts) + "}") if parts else None

    def change_value(self, value):
        """``change_value``, remembered for dates and times (the rows written together share theirs)."""
        if type(value) is not datetime.datetime:
            return change_value(value)
        if value not in self._times:
            self._times[value] = change_value(value)
        return self._times[value]

    @staticmethod
    def read(obj, field, attname):
        return get_field_value(obj, field, True) if attname is None else getattr(obj, attname)

    def content_type(self, model) -> int:
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model).pk
        return self._content_types[model]

    def fields(self, model) -> tuple | None:
        """(the concrete fields auditlog records for ``model``, the masked ones, the mask function)."""
        if model not in self._fields:
            if not auditlog.contains(model):
                self._fields[model] = None
            else:
                options = auditlog.get_model_fields(model)
                tracked = [
                    f
                    for f in model._meta.concrete_fields
                    if track_field(f)
                    and (not options["include_fields"] or f.name in options["include_fields"])
                    and f.name not in options["exclude_fields"]
                ]
                mask = get_mask_function(options["mask_callable"])
                masked = {f.name for f in tracked} & set(options["mask_fields"])
                pairs = [(f, self.direct_attname(f)) for f in tracked]
                self._fields[model] = (pairs, masked, mask)
                simple = [(f, a) for f, a in pairs if a is not None and f.get_internal_type() in DIRECT_TYPES]
                self._plain[model] = (
                    [(f.name, a) for f, a in simple],
                    [(f, a) for f, a in pairs if (f, a) not in simple],
                )
        return self._fields[model]

    @staticmethod
    def direct_attname(field) -> str | None:
        """The attribute whose value auditlog's ``get_field_value`` (with JSON changes) records unchanged
        (a date and time: as ``naive_text``), or None for the fields it converts otherwise."""
        if isinstance(field, models.JSONField):
            return None
        if isinstance(field, models.DateTimeField):
            return field.attname if settings.USE_TZ else None
        if field.is_relation:
            return (
                None if getattr(settings, "AUDITLOG_USE_FK_STRING_REPRESENTATION", False) else field.attname
            )
        return field.attname

    def save(self) -> None:
        """Every entry in one COPY on PostgreSQL, else one prepared INSERT each. (bulk_create compiles
        each value of each row anew, which for the change log of a large import costs several times the
        database's own work.)"""
        if not self.entries:
            return
        connection = connections[router.db_for_write(LogEntry)]
        shared = {
            "actor": getattr(self.user, "pk", None),
            "actor_email": getattr(self.user, "email", None) or None,
            "cid": self.cid,
            "remote_addr": self.remote_addr,
            "timestamp": timezone.now(),
            "changes_text": "",
        }
        meta = LogEntry._meta
        constants = [meta.get_field(n).get_db_prep_save(v, connection) for n, v in shared.items()]
        per_row = [meta.get_field(n) for n in self.ROW_FIELDS]
        direct = [DIRECT_TYPES.get(f.get_internal_type()) for f in per_row]  # all but the JSON changes
        text = json_text_parameter(connection, meta.get_field("changes"))

        def row_values(entry, json_text: Callable) -> list:
            """An entry's column values: shared, then its own, each as the database takes it."""
            return [
                *constants,
                *(
                    v
                    if v is None or type(v) is kind
                    else json_text(v)
                    if type(v) is JsonText
                    else f.get_db_prep_save(v, connection)
                    for f, kind, v in zip(per_row, direct, entry, strict=True)
                ),
            ]

        columns = [meta.get_field(n).column for n in (*shared, *self.ROW_FIELDS)]
        table = connection.ops.quote_name(meta.db_table)
        column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
        if self.COPY and connection.vendor == "postgresql":
            # The server parses each INSERT of executemany anew (10 s per 100,000 entries); COPY streams
            # the rows. The entries need no keys back and the table has no triggers to tell the two apart.
            # COPY's text format has the server read every value as its column's type: the JSON text
            # goes as it is, as jsonb parses it from the INSERT's parameter.
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy,
            ):
                for entry in self.entries:
                    copy.write_row(row_values(entry, str))
            return
        sql = "INSERT INTO {} ({}) VALUES ({})".format(table, column_list, ", ".join(["%s"] * len(columns)))
        with connection.cursor() as cursor:
            for chunk in chunks(self.entries, 5000):
                cursor.executemany(sql, [row_values(entry, text) for entry in chunk])


class JsonText(str):
    """A JSON field's value already written as JSON text (``json.dumps``' own)."""


def json_value(value) -> str:
    """``json.dumps(value)``, without its dispatch for the plain types."""
    kind = type(value)
    if kind is str:
        return encode_basestring_ascii(value)
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value)


def json_text_parameter(connection, field) -> Callable[[JsonText], Any]:
    """How JSON text goes to the database as ``field.get_db_prep_save`` would send the value it encodes:
    as it is where the backend sends ``json.dumps``' text (SQLite), wrapped as jsonb on PostgreSQL, else
    decoded and prepared by the field."""
    adapt = type(connection.ops).adapt_json_value
    if adapt is BaseDatabaseOperations.adapt_json_value and field.encoder is None:
        return str
    if connection.vendor == "postgresql":
        from django.db.backends.postgresql.psycopg_any import Jsonb

        return lambda text: Jsonb(str(text), dumps=str)
    return lambda text: field.get_db_prep_save(json.loads(text), connection)


def change_value(value):
    """A value as a change-log entry holds it (auditlog: JSON primitives, else text; a date and time
    as naive UTC text)."""
    if is_primitive(value):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return str(value)
    return smart_str(value)


def insert_rows(model: type[models.Model], objects: list) -> None:
    """``bulk_create`` for many new rows, with their primary keys read back, at a fraction of its cost:
    the INSERT statement is written once per batch size instead of compiling every value of every row.

    Like ``bulk_create`` it uses the related objects' keys (parents saved just before), runs the
    fields' ``pre_save`` (``auto_now_add``) and does not call ``save()``. Falls back to ``bulk_create``
    where the database cannot return the keys of a multi-row INSERT or the model is inherited.
    """
    if not objects:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    if not connection.features.can_return_rows_from_bulk_insert or meta.parents or not meta.pk.auto_created:
        model._default_manager.bulk_create(objects)
        return
    fields = [f for f in meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
    direct = [INSERT_DIRECT_TYPES.get(f.get_internal_type()) for f in fields]  # passed as it is, if any
    # the fields whose pre_save only reads the attribute; the others (auto_now, files) run their own
    plain_save = [type(f).pre_save is models.Field.pre_save for f in fields]
    now = timezone.now()
    stamped = [
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objects:  # one time for the rows written together, as their change-log entries have
        for attname in stamped:
            setattr(obj, attname, now)
    relations = [f for f in fields if f.is_relation]
    plain_save = [plain or f.attname in stamped for f, plain in zip(fields, plain_save, strict=True)]
    per_row = len(fields)
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) ".format(quote(meta.db_table), ", ".join(quote(f.column) for f in fields))
    returning = f" RETURNING {quote(meta.pk.column)}"
    array_types = unnest_types(connection, fields)
    if array_types is not None:
        # PostgreSQL: one parameter per column (an array of the batch's values) instead of one per
        # value. A statement of 45,000 placeholders costs psycopg more to parse than the rows to send.
        batch = UNNEST_BATCH
        unnest_sql = head + "SELECT * FROM UNNEST({})".format(", ".join(f"(%s)::{t}[]" for t in array_types))
    else:
        batch = max(1, min(1000, max_parameters(connection) // per_row))
    row_sql = "(" + ", ".join(["%s"] * per_row) + ")"
    statements: dict[int, str] = {}
    # each field's immutable values as the database takes them, prepared once: the rows written together
    # share their times, and their numbers and dates repeat
    prepared: list[dict] = [{} for _field in fields]
    quick = [quick_datetime(connection, field) for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            chunk = objects[start : start + batch]
            params = []
            for obj in chunk:  # the keys of related objects saved since they were set
                values = obj.__dict__
                for field in relations:
                    if values.get(field.attname) is None:
                        related = field.get_cached_value(obj, None)
                        if related is not None:
                            if related.pk is None:
                                obj._prepare_related_fields_for_save(operation_name="bulk_create")  # raises
                            values[field.attname] = related.pk
            if all(plain_save):  # every value read as it is: column by column (a third of the cost)
                dicts = [obj.__dict__ for obj in chunk]
                columns = []
                for field, plain, memo, fast in zip(fields, direct, prepared, quick, strict=True):
                    attname = field.attname
                    column = [
                        values[attname] if attname in values else field.pre_save(obj, True)
                        for obj, values in zip(chunk, dicts, strict=True)
                    ]
                    columns.append(
                        [
                            value
                            if value is None or type(value) is plain
                            else prepare_value(field, value, memo, fast, connection)
                            for value in column
                        ]
                    )
                if array_types is not None:
                    cursor.execute(unnest_sql + returning, columns)
                else:
                    if len(chunk) not in statements:
                        statements[len(chunk)] = (
                            head + "VALUES " + ", ".join([row_sql] * len(chunk)) + returning
                        )
                    cursor.execute(
                        statements[len(chunk)], [value for row in zip(*columns, strict=True) for value in row]
                    )
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = pk
                    obj._state.adding, obj._state.db = False, alias
                continue
            for obj in chunk:
                values = obj.__dict__
                for field, plain, read, memo, fast in zip(
                    fields, direct, plain_save, prepared, quick, strict=True
                ):
                    value = (
                        values[field.attname]
                        if read and field.attname in values
                        else field.pre_save(obj, True)
                    )
                    if not (value is None or type(value) is plain):
                        value = prepare_value(field, value, memo, fast, connection)
                    params.append(value)
            if array_types is not None:
                cursor.execute(unnest_sql + returning, [params[i::per_row] for i in range(per_row)])
            else:
                if len(chunk) not in statements:
                    statements[len(chunk)] = head + "VALUES " + ", ".join([row_sql] * len(chunk)) + returning
                cursor.execute(statements[len(chunk)], params)
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, alias


def prepare_value(field, value, memo: dict, fast, connection):
    """``field.get_db_prep_save(value)``: at once for an aware time on SQLite (``fast``), remembered for
    immutable values (the rows written together share their times, their numbers and dates repeat)."""
    kind = type(value)
    if fast is not None and kind is datetime.datetime and value.utcoffset() is not None:
        return fast(value)
    if kind in IMMUTABLE:
        key = (kind, value)
        if key not in memo:
            memo[key] = field.get_db_prep_save(value, connection)
        return memo[key]
    return field.get_db_prep_save(value, connection)


PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)  # a field's value kept in __dict__


def partial_objects(queryset, columns: list[str]):
    """The objects of ``queryset`` with only ``columns`` read, as ``queryset.only(*columns)`` gives them
    (the others are read when used), made from its values without ``Model.__init__`` where that does
    nothing more than store them: no ``__init__`` or ``from_db`` of the model's own, no receivers of
    its init signals, plain field attributes. A quarter of the cost for a large archive."""
    model = queryset.model
    fields = [model._meta.get_field(name) for name in columns]
    plain = (
        model.__init__ is models.Model.__init__
        and model.from_db.__func__ is models.Model.from_db.__func__
        and not signals.pre_init.has_listeners(model)
        and not signals.post_init.has_listeners(model)
        and all(type(inspect.getattr_static(model, f.attname, None)) in PLAIN_ATTRIBUTES for f in fields)
    )
    if not plain:
        yield from queryset.only(*columns)
        return
    attnames = [f.attname for f in fields]
    database = queryset.db
    for values in queryset.values_list(*attnames):
        obj = model.__new__(model)
        obj._state = state = ModelState()
        state.adding, state.db = False, database
        obj.__dict__.update(zip(attnames, values, strict=True))
        yield obj


def quick_datetime(connection, field) -> Callable | None:
    """For a plain ``DateTimeField`` on SQLite with time zones: what ``field.get_db_prep_save`` makes of an
    aware date and time, in one step (Django converts it to the connection's zone and writes it as
    text, through five calls); else None."""
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return None
    # (imported only where SQLite is in use: the module cannot be imported on its own before its backend)
    from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations

    kind = type(field)
    if not (
        type(connection.ops).adapt_datetimefield_value is SQLiteOperations.adapt_datetimefield_value
        and isinstance(field, models.DateTimeField)
        and kind.get_db_prep_save is models.Field.get_db_prep_save
        and kind.get_db_prep_value is models.DateTimeField.get_db_prep_value
        and kind.get_prep_value is models.DateTimeField.get_prep_value
        and kind.to_python is models.DateTimeField.to_python
    ):
        return None
    zone = connection.timezone
    return lambda value: str(value.astimezone(zone).replace(tzinfo=None))


UNNEST_BATCH = 5000  # rows per INSERT … SELECT FROM UNNEST on PostgreSQL (bounded memory per statement)


def unnest_types(connection, fields) -> list[str] | None:
    """The array types to insert ``fields`` through UNNEST on PostgreSQL, or None where that does not
    apply (another database, or a field whose values need their own placeholder or have no plain type),
    by the rules Django 5.2's own ``bulk_create`` follows (``postgresql.compiler.SQLInsertCompiler``)."""
    if connection.vendor != "postgresql":
        return None
    types = []
    for field in fields:
        target = field.target_field if field.is_relation else field
        if hasattr(field, "get_placeholder") or target.get_internal_type() not in connection.data_types:
            return None
        db_type = field.db_type(connection)
        if not db_type:
            return None
        types.append(db_type.split("(")[0])  # varchar[], not varchar(50)[]: no truncation
    return types


def max_parameters(connection) -> int:
    """How many parameters one statement may have: SQLite's compiled limit (32,766 since 3.32; Django
    assumes 999), PostgreSQL's 65,535."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        try:
            import sqlite3

            return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except (AttributeError, TypeError):
            return 999
    return connection.features.max_query_params or 65_535


class WriteRefused(Exception):
    """Raised inside the write transaction to roll it back, with the errors to report."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def identity(obj):
    """What tells related objects apart before they are saved: the pk, or the object itself."""
    if obj is None:
        return None
    return obj.pk if obj.pk is not None else id(obj)


def chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_sheet(model, sheet: Sheet, user=None, **options) -> ImportResult:
    return Importer(model, user, **options).run(sheet)


def import_job(
    run, *, model: str, path: str, filename: str, dry_run: bool, cid=None, remote_addr=None,
    create_parents: bool = False, delete_listed: bool = False,
):  # fmt: skip
    """The background import: the same engine, with progress, and the error report attached."""
    model_class = apps.get_model(model)
    user = User.objects.get(pk=run.job.owner_id)
    try:
        with default_storage.open(path, "rb") as handle:
            content = handle.read()
        try:
            sheet = read_sheet(filename, content)
        except ReadError as error:
            run.fail(str(error))
        importer = Importer(
            model_class, user, dry_run=dry_run, cid=cid, remote_addr=remote_addr,
            on_progress=lambda percent, message: run.progress(percent, 100, message),
            create_parents=create_parents, delete_listed=delete_listed,
        )  # fmt: skip
        result = importer.run(sheet)
        if not result.ok:
            run.attach(report_name(filename), marked_workbook(sheet, result.errors, result.hidden_columns))
            run.fail(result.summary(), [str(error) for error in result.errors])
        return result.summary()
    finally:
        default_storage.delete(path)


def report_name(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return _("%(name)s-errors.xlsx") % {"name": stem}
