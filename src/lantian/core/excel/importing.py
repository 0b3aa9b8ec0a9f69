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
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.diff import get_field_value, get_mask_function, is_primitive, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import prefetch_related_objects
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantian.core.excel.reading import ReadError, Sheet, read_sheet
from lantian.core.excel.report import RowError, marked_workbook
from lantian.core.excel.spec import DELETE_COLUMN, CellError, normalize_header
from lantian.core.models import User
from lantian.core.registry import registration_for
from lantian.core.review import locked_reason
from lantian.core.scope import permission_name, scope_for

CHUNK = 900  # values per IN (...) query: below SQLite's 999 parameters
PROGRESS_EVERY = 2000  # rows


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
            return (
                _(
                    "Dry run, nothing written: %(created)d to create, %(updated)d to update, "
                    "%(deleted)d to delete, %(unchanged)d unchanged."
                )
                % counts
            )
        return (
            _(
                "Imported: %(created)d created, %(updated)d updated, %(deleted)d deleted, "
                "%(unchanged)d unchanged."
            )
            % counts
        )


class Row:
    """One data row on its way in: its cells, parsed values, the object it creates or changes, errors."""

    __slots__ = (
        "action",
        "before",
        "cells",
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

    def add_error(self, name: str | None, message) -> None:
        if name not in self.errors:  # one message per cell: the first problem found
            self.errors[name] = str(message)


class Importer:
    """Imports sheets into one registered model as ``user`` (None: a system import without scope)."""

    def __init__(
        self,
        model: type[models.Model],
        user=None,
        *,
        dry_run: bool = False,
        cid: str | None = None,
        remote_addr: str | None = None,
        on_progress: Callable[[int, str], None] | None = None,
    ):
        self.model = model
        self.spec = registration_for(model).importer
        self.user = user
        self.dry_run = dry_run
        self.cid, self.remote_addr = cid, remote_addr
        self.on_progress = on_progress or (lambda percent, message: None)
        self.columns = {column.name: column for column in self.spec.columns(model)}
        self.scope = scope_for(user) if user is not None else None
        self.permitted: dict[str, bool] = {}

    # --- the public entry ---

    def run(self, sheet: Sheet) -> ImportResult:
        self.sheet = sheet
        self.result = ImportResult(self.model, self.dry_run)
        self.header_errors: list[RowError] = []
        self.rows: list[Row] = []
        self.bind_headers()
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
        if not self.dry_run:
            try:
                with transaction.atomic(), disable_auditlog():
                    self.write()
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
        self.spec.prepare(self)
        self.prefetch()
        self.seen_keys: dict[tuple, dict[tuple, Row]] = defaultdict(dict)
        self.row_of: dict[Any, Row] = {}  # pk → the row that changes or deletes the stored object
        self.in_file: dict[str, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
        self.final: dict[Any, models.Model] = {}  # pk → a stored object as a row above changed it
        for done, row in enumerate(rows, start=1):
            self.build(row)
            if done % PROGRESS_EVERY == 0:
                self.on_progress(done * 80 // len(rows), _("Checking row %(n)d") % {"n": done})
        self.check_missing_columns()
        self.check_unique()
        self.check_deletions()

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
        if not self.header_errors and not any(set(key) <= self.bound.keys() for key in self.spec.keys):
            keys = _(" or ").join("+".join(self.columns[n].header for n in key) for key in self.spec.keys)
            self.header_error(None, _("The file needs the key columns %(keys)s.") % {"keys": keys})
        scalar = {n for n in self.bound if not self.columns[n].is_relation and not self.columns[n].spec.extra}
        self.unchecked = [f.name for f in self.model._meta.fields if f.name not in scalar]  # by full_clean
        self.self_references = [
            n
            for n in self.bound
            if self.columns[n].is_relation and self.columns[n].field.related_model is self.model
        ]

    def header_error(self, index: int | None, message) -> None:
        header = "" if index is None else str(self.sheet.headers[index])
        self.header_errors.append(RowError(self.sheet.header_row, header, "", str(message), index))

    def check_missing_columns(self) -> None:
        if not any(row.action == "add" and not row.errors for row in self.rows):
            return
        for column in self.columns.values():
            if column.required and not column.spec.extra and column.name not in self.bound:
                message = _("This required column is missing: it is needed to add new rows.")
                self.header_errors.append(RowError(self.sheet.header_row, column.header, "", message))

    # --- reading the cells ---

    def parse(self, number: int, cells: list) -> Row:
        row = Row(number, cells)
        for name, index in self.bound.items():
            cell = cells[index] if index < len(cells) else ""
            try:
                row.values[name] = self.columns[name].parse(cell)
            except CellError as error:
                row.add_error(name, error)
        row.delete = bool(row.values.pop(DELETE_COLUMN, False))
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
        for name in self.bound:
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
        self.stored: dict[tuple, dict[tuple, models.Model]] = {}  # key → key values → stored object
        joins = [n for n in self.bound if n in self.columns and self.columns[n].kind == "relation"]
        for key in self.spec.keys:
            if not set(key) <= self.bound.keys():
                continue
            probe = next(n for n in key if not self.columns[n].is_relation)
            values = {row.values[probe] for row in self.rows if row.values.get(probe)}
            index = {}
            for chunk in chunks(sorted(values)):
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
        column = self.columns[name]
        return getattr(obj, column.field.attname) if column.is_relation else getattr(obj, name)

    # --- one row ---

    def build(self, row: Row) -> None:
        self.resolve_relations(row)
        existing = self.match(row)
        if existing is False:
            return  # a duplicate key: reported
        if row.delete:
            self.build_deletion(row, existing)
            return
        obj = copy.copy(existing) if existing is not None else self.model()
        row.obj, row.before = obj, existing
        for name, value in row.values.items():
            column = self.columns[name]
            if column.spec.extra or name in row.errors:
                continue
            if column.kind == "multiple":
                row.many[name] = value
                if not value and column.required:
                    row.add_error(name, _("This value is required."))
                continue
            if value is None:
                if column.required:
                    row.add_error(name, _("This value is required."))
                    continue
                if column.kind == "boolean":
                    continue  # empty: the default for a new row, unchanged for a stored one
                value = "" if column.field.empty_strings_allowed and not column.field.null else None
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

    def find(self, row: Row, name: str, text: str):
        """The one object the user may see whose lookup field is ``text`` (stored, or a row above)."""
        column = self.columns[name]
        for lookup in column.spec.lookup:
            found = {}
            for obj in self.related[name][lookup].get(text, ()):
                found[obj.pk] = self.final.get(obj.pk, obj)
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
                        "text": text,
                    },
                )
                return None
        row.add_error(
            name,
            _("No %(object)s “%(text)s” found among those you may see.")
            % {"object": column.field.related_model._meta.verbose_name, "text": text},
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
        for key in self.spec.keys:
            if not set(key) <= self.bound.keys() or any(n in row.errors for n in key):
                continue
            values = [row.values.get(n) for n in key]
            if any(
                value in (None, "")
                for n, value in zip(key, values, strict=True)
                if not self.columns[n].is_relation
            ):
                continue
            in_file = tuple(
                identity(v) if self.columns[n].is_relation else v for n, v in zip(key, values, strict=True)
            )
            earlier = self.seen_keys[key].get(in_file)
            if earlier is not None:
                return self.duplicate(row, key, earlier)
            self.seen_keys[key][in_file] = row
            if existing is None and all(getattr(v, "pk", True) is not None for v in values):
                stored = tuple(
                    v.pk if self.columns[n].is_relation and v is not None else v
                    for n, v in zip(key, values, strict=True)
                )
                existing = self.stored.get(key, {}).get(stored)
        if existing is not None:
            earlier = self.row_of.get(existing.pk)
            if earlier is not None:
                return self.duplicate(row, self.spec.keys[0], earlier)
            self.row_of[existing.pk] = row
        return existing

    def duplicate(self, row: Row, key: tuple, earlier: Row) -> bool:
        name = next(n for n in key if not self.columns[n].is_relation)
        row.add_error(name, _("Duplicate key: row %(row)d has the same.") % {"row": earlier.number})
        return False

    def build_deletion(self, row: Row, existing) -> None:
        if existing is None:
            bound = [n for key in self.spec.keys for n in key if n in self.bound]
            name = next((n for n in bound if not self.columns[n].is_relation), bound[0])
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
            column = self.columns[name]
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
        """The model's own field and ``clean()`` validation; uniqueness is checked for the whole file."""
        exclude = [*self.unchecked, *(name for name in row.errors if name)]
        try:
            row.obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                row.add_error(
                    None if name == NON_FIELD_ERRORS or name not in self.columns else name,
                    "；".join(messages),
                )

    # --- permissions and data scope ---

    def may(self, action: str) -> bool:
        if action not in self.permitted:
            self.permitted[action] = self.user is None or self.user.has_perm(
                permission_name(self.model, action)
            )
        return self.permitted[action]

    def forbidden(self, action: str) -> str:
        messages = {
            "add": _("You may not add %(objects)s."),
            "change": _("You may not change %(objects)s."),
            "delete": _("You may not delete %(objects)s."),
        }
        return messages[action] % {"objects": self.model._meta.verbose_name_plural}

    def covers(self, obj, action: str) -> bool:
        """Whether ``obj`` lies in the user's scope for ``action`` (by its organisation)."""
        path = self.model.scope_path
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
        if any(n in row.errors for n in self.related):
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
            if frozenset(names) in keys or not set(names) <= self.bound.keys():
                continue
            attnames = [self.model._meta.get_field(n).attname for n in names]
            owners: dict[tuple, Row] = {}
            for row in saved:
                if any(n in row.errors for n in names):
                    continue
                value = tuple(getattr(row.obj, a) for a in attnames)
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
        labels = "+".join(self.columns[n].header for n in names if n in self.columns)
        row.add_error(names[0], f"{labels}：{message}")

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
                header = column.header if column is not None else ""
                value = "" if column is not None and column.spec.secret else self.cell(row, name)
                errors.append(RowError(row.number, header, value, message, index))
        return errors

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
        created = [r for r in self.rows if r.action == "add"]
        for wave in self.creation_waves(created):
            self.model._default_manager.bulk_create([r.obj for r in wave])
        self.on_progress(88, _("Writing"))
        updated = [r for r in self.rows if r.action == "change"]
        self.update_rows(updated)
        self.write_many(created + updated)
        self.spec.written(self)
        self.recheck_scope(created, "add")
        self.recheck_scope(updated, "change")
        self.on_progress(94, _("Writing the change log"))
        for row in created:
            self.log.add(row.obj, LogEntry.Action.CREATE, many=self.many_changes(row))
        for row in updated:
            self.log.add(row.obj, LogEntry.Action.UPDATE, row.before, many=self.many_changes(row))
        self.log.save()

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

    def recheck_scope(self, rows: list[Row], action: str) -> None:
        """Re-read what was written through the scope gate: a row that left the scope undoes everything."""
        if self.scope is None or self.scope.everything or self.model.scope_path is None or not rows:
            return
        allowed = set()
        for chunk in chunks([r.obj.pk for r in rows]):
            allowed.update(
                self.model.objects.restrict(self.user, action)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
        outside = [r for r in rows if r.obj.pk not in allowed]
        if outside:
            message = _("You may not save this row there: it would be outside your scope.")
            raise WriteRefused([RowError(r.number, "", "", message) for r in outside])


class ChangeLog:
    """Change-log entries as django-auditlog writes them on save() (the same fields, masks and JSON
    changes, the actor and request id), built for many objects at once and saved in bulk."""

    ROW_FIELDS = ("content_type", "object_pk", "object_id", "object_repr", "action", "changes")

    def __init__(self, user, cid: str | None, remote_addr: str | None):
        self.user, self.cid, self.remote_addr = user, cid, remote_addr
        self.entries: list[tuple] = []  # the ROW_FIELDS of each entry
        self._fields: dict[type, tuple] = {}

    def add(self, obj, action: int, before=None, many: dict | None = None) -> None:
        """Log ``obj`` created, changed from ``before``, or deleted; ``many``: name → (old, new) text."""
        fields = self.fields(type(obj))
        if fields is None:
            return  # a model the change log does not track
        changes = {}
        tracked, masked, mask = fields
        for field in tracked:
            old = get_field_value(before, field, True) if action != LogEntry.Action.CREATE else None
            new = get_field_value(obj, field, True) if action != LogEntry.Action.DELETE else None
            if old != new:
                if field.name in masked:
                    changes[field.name] = [mask(smart_str(old)), mask(smart_str(new))]
                else:
                    changes[field.name] = [v if is_primitive(v) else smart_str(v) for v in (old, new)]
        changes.update({name: list(values) for name, values in (many or {}).items()})
        if changes:
            content_type = ContentType.objects.get_for_model(obj).pk
            pk = obj.pk if isinstance(obj.pk, int) else None
            self.entries.append((content_type, str(obj.pk), pk, smart_str(obj), action, changes))

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
                self._fields[model] = (tracked, set(options["mask_fields"]), mask)
        return self._fields[model]

    def save(self) -> None:
        """One prepared INSERT for every entry. (bulk_create compiles each value of each row anew,
        which for the change log of a large import costs several times the database's own work.)"""
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
        columns = [meta.get_field(n).column for n in (*shared, *self.ROW_FIELDS)]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            connection.ops.quote_name(meta.db_table),
            ", ".join(connection.ops.quote_name(c) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )
        with connection.cursor() as cursor:
            for chunk in chunks(self.entries, 5000):
                cursor.executemany(
                    sql,
                    [
                        [
                            *constants,
                            *(f.get_db_prep_save(v, connection) for f, v in zip(per_row, entry, strict=True)),
                        ]
                        for entry in chunk
                    ],
                )


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


def import_job(run, *, model: str, path: str, filename: str, dry_run: bool, cid=None, remote_addr=None):
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
