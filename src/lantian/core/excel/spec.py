"""What a model imports from Excel (ARCHITECTURE rule 3): a small declaration per model.

An ``ImportSpec`` names the columns (model fields, in order), the natural keys that find an existing
row, and how each relation is looked up by natural key. ``ImportSpec.columns(model)`` binds it to
the model: each ``Column`` knows its Chinese header and how to read a cell (text, number, date,
yes/no, a choice by label or value, a related object by key). A model whose rows need more than
that (user accounts, the organisation tree) subclasses ImportSpec and overrides its hooks.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantian.core.excel.cells import restore_text

if TYPE_CHECKING:
    from lantian.core.excel.importing import Importer, Row

LANGUAGES = ("zh-hans", "en")  # headers and choice labels are recognised in either language
TRUE_WORDS = frozenset({"是", "true", "1", "yes", "y", "对", "√"})
FALSE_WORDS = frozenset({"否", "false", "0", "no", "n", "错", "×"})
LIST_SEPARATORS = re.compile(r"[、,，;；\n]")
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
DATETIME_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
DELETE_COLUMN = "_delete"
DELETE_LABEL = gettext_lazy("Delete")
# An export writes the list's columns that the import does not read under this mark; the import
# passes over them, so an edited export imports back (docs/developing.md, "Export and round trip").
READ_ONLY_HEADER = gettext_lazy("%(header)s (read-only)")


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message says why, in the user's language."""


@dataclass(frozen=True)
class ImportField:
    """One column. ``name`` is a model field unless ``extra`` (then the spec's hooks read it)."""

    name: str
    lookup: tuple[str, ...] = ()  # relations: fields of the related model matched against the cell, in order
    required: bool | None = None  # None: as the model field says
    label: Any = None  # the header; default: the field's verbose name
    help_text: Any = ""  # more words for the instructions sheet
    example: Any = ""  # the template's example row
    normalize: Callable[[str], str] | None = None  # e.g. upper-casing a code before it is compared
    secret: bool = False  # never repeated in a report (passwords)
    extra: bool = False
    kind: str | None = None  # the cell type of an extra column (default text), e.g. "boolean"
    # The text of an empty cell or of an absent column, from the importer (its user): e.g. the
    # importing user's own organisation. A column with a default is not required.
    default: Callable[[Importer], str | None] | None = None
    # More headers the column is recognised by, as the files people keep name it (e.g. 设备位号 for an
    # equipment code), and more words a choice cell may hold (e.g. {"轻液": "light_liquid"}).
    aliases: tuple[str, ...] = ()
    synonyms: dict[str, Any] | None = None


@dataclass(frozen=True)
class ChainLevel:
    """One level of a ``ParentChain``: a model whose rows are found by a code unique within the level
    above, named by a code column (and a name column, used to create it and to check it)."""

    model: str  # "app_label.Model"
    parent: str  # this level's foreign key to the level above (for the first level: to the chain's root)
    code: ImportField  # the column of the code (an extra column)
    name: ImportField | None = None  # the column of the name (an extra column)
    field: str | None = None  # the imported model's foreign key that receives this level, if any
    code_field: str = "code"  # the level model's field matched against the code
    name_field: str = "name"  # the level model's field filled from the name column
    required: bool = True  # False: an empty code ends the chain there (e.g. an optional area)

    def level_model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model)


@dataclass(frozen=True)
class ParentChain:
    """Parents named by a chain of codes in each row, e.g. unit code → area code → equipment code →
    group code, each code unique within the level above, the first within ``root`` (a relation column
    of the imported model, e.g. the enterprise).

    Each row's chain is resolved among the stored rows the user may see and the rows created further
    up the file. A level that does not exist is reported in its code column, or, when the user asks
    for it (``Importer(create_parents=True)``), created with the name in its name column, validated
    like any row (``full_clean``), checked against the user's permission and scope, and written in
    bulk before the imported rows. A name that differs from the stored (or first-given) one is an
    error: a wrong code must not silently attach rows to the wrong parent.
    """

    root: str
    levels: tuple[ChainLevel, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(level.field for level in self.levels if level.field)


@dataclass
class ImportSpec:
    """The columns of a model's import, and the natural keys that find its stored rows.

    Each key is a tuple of column names with at least one plain (non-relation) field, e.g.
    ``("credit_code",)`` or ``("parent", "name")``: a row whose key values match a stored row
    updates it, any other row adds one.
    """

    fields: tuple[ImportField | str, ...]
    keys: tuple[tuple[str, ...], ...]  # natural keys, in order: the first that matches a stored row wins
    deletable: bool = True  # offer the "delete" column and the "delete the rows listed" mode
    chain: ParentChain | None = None  # parents named by a chain of codes (see ParentChain)

    def columns(self, model: type[models.Model]) -> list[Column]:
        columns = [
            Column(model, field if isinstance(field, ImportField) else ImportField(field))
            for field in self.fields
        ]
        if self.chain is not None:
            chained = []
            for level in self.chain.levels:
                chained.append(Column(model, replace(level.code, extra=True, required=level.required)))
                if level.name is not None:
                    chained.append(Column(model, replace(level.name, extra=True, required=False)))
            at = next((i + 1 for i, c in enumerate(columns) if c.name == self.chain.root), 0)
            columns[at:at] = chained
        by_name = {column.name: column for column in columns}
        chained_fields = set(self.chain.fields) if self.chain is not None else set()
        for key in self.keys:
            plain = [
                n for n in key if n not in chained_fields and n in by_name and not by_name[n].is_relation
            ]
            if not set(key) <= by_name.keys() | chained_fields or not plain:
                raise ValueError(f"{model.__name__}: key {key} needs its columns and one plain field")
        if self.deletable:
            delete = ImportField(
                DELETE_COLUMN,
                label=DELETE_LABEL,
                extra=True,
                kind="boolean",
                help_text=gettext_lazy(
                    "Yes deletes the stored row that this row's key finds; its other cells are ignored."
                ),
            )
            columns.append(Column(model, delete))
        return columns

    # Hooks for models that need more than fields and keys. ``importer`` gives the user, the scope
    # and the rows; ``row.add_error(name, message)`` reports a problem in a column.

    def offered(self, name: str, queryset, user):
        """The related objects the template's dropdown of column ``name`` offers (default: all visible)."""
        return queryset

    def prepare(self, importer: Importer) -> None:
        """Once, before the rows are checked: fetch what ``clean_row`` needs."""

    def fill(self, row: Row, importer: Importer) -> None:
        """Set what follows from the row's values (e.g. a tree path) before the row is validated."""

    def clean_row(self, row: Row, importer: Importer) -> None:
        """Rules beyond the model's own validation, for a row about to be created or changed."""

    def before_write(self, importer: Importer) -> None:
        """Inside the transaction, before anything is written (only when the import is for real)."""

    def written(self, importer: Importer) -> None:
        """Inside the transaction, after every row is written."""


class Column:
    """An ImportField bound to its model: header, type and how a cell reads."""

    def __init__(self, model: type[models.Model], spec: ImportField):
        self.spec = spec
        self.name = spec.name
        self.field = None if spec.extra else model._meta.get_field(spec.name)
        field = self.field
        if field is None:
            self.kind = spec.kind or "text"
        elif field.many_to_many:
            self.kind = "multiple"
        elif field.is_relation:
            self.kind = "relation"
        elif field.choices:
            self.kind = "choice"
        elif isinstance(field, models.BooleanField):
            self.kind = "boolean"
        elif isinstance(field, models.DateTimeField):
            self.kind = "datetime"
        elif isinstance(field, models.DateField):
            self.kind = "date"
        elif isinstance(field, models.DecimalField):
            self.kind = "decimal"
        elif isinstance(field, models.FloatField):
            self.kind = "float"
        elif isinstance(field, models.IntegerField):
            self.kind = "integer"
        else:
            self.kind = "text"
        if self.kind in ("relation", "multiple") and not spec.lookup:
            raise ValueError(f"{model.__name__}.{spec.name}: a relation column needs its lookup fields")
        self._choices = self._choice_words() if self.kind == "choice" else {}
        self._parser = getattr(self, f"_parse_{self.kind}")

    @property
    def is_relation(self) -> bool:
        return self.kind in ("relation", "multiple")

    @property
    def required(self) -> bool:
        """Whether the file must fill this column for new rows (a column with a default need not)."""
        return self.spec.default is None and self.value_required

    @property
    def value_required(self) -> bool:
        """Whether a row must have a value here, from its cell or the column's default."""
        if self.spec.required is not None:
            return self.spec.required
        field = self.field
        return field is not None and not field.blank and self.kind != "boolean" and not field.has_default()

    @property
    def header(self) -> str:
        return str(self.label())

    @property
    def marked_header(self) -> str:
        """The header as the template and the export write it: required columns marked with *."""
        return self.header + ("*" if self.required else "")

    def label(self):
        return self.spec.label if self.spec.label is not None else self.field.verbose_name

    def header_aliases(self) -> set[str]:
        """Every header this column is recognised by: its label in each language, and its field name."""
        names = {self.name, *self.spec.aliases}
        for language in LANGUAGES:
            with translation.override(language):
                names.add(str(self.label()))
        return {normalize_header(name) for name in names}

    def choice_labels(self) -> list[str]:
        return [str(label) for _value, label in self.field.flatchoices]

    def _choice_words(self) -> dict[str, Any]:
        words = {}
        for value, label in self.field.flatchoices:
            for language in LANGUAGES:
                with translation.override(language):
                    words[str(label).strip().lower()] = value
            words[str(value).lower()] = value
        for word, value in (self.spec.synonyms or {}).items():
            words[str(word).strip().lower()] = value
        return words

    def parse(self, cell):
        """The cell as this column's Python value; empty is ``None`` (or ``[]`` for several related keys).

        Relations stay text here: they are looked up once every row is read.
        """
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return [] if self.kind == "multiple" else None
        return self._parser(cell)

    def _parse_text(self, cell):
        text = as_text(cell)
        return self.spec.normalize(text) if self.spec.normalize else text

    def _parse_relation(self, cell):
        return as_text(cell)

    def _parse_multiple(self, cell):
        return [part.strip() for part in LIST_SEPARATORS.split(as_text(cell)) if part.strip()]

    def _parse_choice(self, cell):
        text = as_text(cell).lower()
        if text not in self._choices:
            raise CellError(
                _("Not one of the allowed values: %(values)s.") % {"values": "、".join(self.choice_labels())}
            )
        return self._choices[text]

    def _parse_boolean(self, cell):
        if isinstance(cell, bool):
            return cell
        text = as_text(cell).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise CellError(_("Enter %(yes)s or %(no)s.") % {"yes": _("Yes"), "no": _("No")})

    def _parse_integer(self, cell):
        number = self._parse_decimal(cell)
        if number != number.to_integral_value():
            raise CellError(_("Enter a whole number."))
        return int(number)

    def _parse_decimal(self, cell):
        if isinstance(cell, bool | datetime.date | datetime.time | datetime.timedelta):
            raise CellError(_("Enter a number."))
        if isinstance(cell, float):
            return Decimal(f"{cell:.15g}")  # Excel keeps 15 significant digits: no binary noise
        try:
            number = Decimal(str(cell).strip().replace(",", ""))
        except InvalidOperation:
            raise CellError(_("Enter a number.")) from None
        if not number.is_finite():
            raise CellError(_("Enter a number."))
        return number

    def _parse_float(self, cell):
        return float(self._parse_decimal(cell))

    def _parse_date(self, cell):
        if isinstance(cell, datetime.datetime):
            return cell.date()
        if isinstance(cell, datetime.date):
            return cell
        match = DATE_TEXT.match(as_text(cell))
        if match:
            try:
                return datetime.date(*map(int, match.groups()))
            except ValueError:
                pass
        raise CellError(_("Enter a date as YYYY-MM-DD."))

    def _parse_datetime(self, cell):
        if isinstance(cell, datetime.datetime):
            moment = cell
        elif isinstance(cell, datetime.date):
            moment = datetime.datetime.combine(cell, datetime.time())
        else:
            text = as_text(cell)
            match = DATETIME_TEXT.match(text)
            try:
                if match:
                    moment = datetime.datetime(*(int(part or 0) for part in match.groups()))
                else:
                    moment = datetime.datetime.combine(self._parse_date(text), datetime.time())
            except ValueError:
                raise CellError(_("Enter a date and time as YYYY-MM-DD HH:MM.")) from None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def as_text(cell) -> str:
    """A cell as text: whole numbers without ".0" (phone numbers and codes typed as numbers)."""
    if type(cell) is str:
        return restore_text(cell.strip())
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return str(_("Yes") if cell else _("No"))
    return str(cell).strip()


def read_only_header(header: str) -> str:
    return str(READ_ONLY_HEADER) % {"header": header}


def is_read_only_header(text) -> bool:
    """Whether a header carries the read-only mark of an export, in either language."""
    header = normalize_header(text)
    for language in LANGUAGES:
        with translation.override(language):
            before, _middle, after = normalize_header(str(READ_ONLY_HEADER) % {"header": "\0"}).partition(
                "\0"
            )
        if len(header) > len(before) + len(after) and header.startswith(before) and header.endswith(after):
            return True
    return False


def normalize_header(text) -> str:
    """Headers compare without surrounding spaces, the required mark, or letter case."""
    return str(text).strip().rstrip("*＊").strip().lower()
