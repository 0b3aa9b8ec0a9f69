"""An enterprise's whole power archive in one workbook (specs/power.md "Archive"): its profile,
production facilities, treatment facilities, which treatment serves which production, monitoring
points and running thresholds, one sheet each.

The template, the export and the import have the same shape, so an export edited and uploaded again
imports back (an unchanged one changes nothing). Each model's sheet is read by the core import engine
(``lantian.core.excel.importing.Importer``) with the model's registered columns, keys and rules (model
validation and the spec hooks that carry the forms' rules), as the user, scope and permissions
included; only three things differ from a model's own import:

- the sheets hold no enterprise column: every row belongs to the enterprise the profile sheet names,
  and facilities and points are named by their codes within that enterprise only (``ArchiveImporter``
  narrows every lookup of them to it), so a row may name one added further up the workbook, on its
  own sheet or an earlier one;
- the profile is found by its enterprise (one profile per enterprise), whatever its credit code;
- the link sheet (which treatment facility serves which production facility) is one row per link,
  read here: a row adds its link, a row marked for deletion removes it, links not listed stay.

All sheets are imported in one transaction, in the order above: a later sheet sees what the earlier
ones wrote. If any row of any sheet is bad, or the user only asked for a dry run, the transaction is
rolled back: nothing is written, and every error is reported by sheet, row and column. Errors in a
later sheet that only follow from a bad row of an earlier one (a facility that could not be added) say
so. The workbook is read under the reader's limits (``read_workbook``: bytes, and the rows of all
sheets together), and an archive is one enterprise's: it is imported while the page waits.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field, replace

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lantian.core.excel.cells import safe_text, write_cell
from lantian.core.excel.export import HEADER_FILL, HEADER_FONT, export_rows, import_columns, value_cell
from lantian.core.excel.importing import ChangeLog, Importer, echo
from lantian.core.excel.reading import Sheet
from lantian.core.excel.report import RowError
from lantian.core.excel.spec import (
    DELETE_COLUMN,
    DELETE_LABEL,
    CellError,
    Column,
    ImportField,
    ImportSpec,
    is_read_only_header,
    normalize_header,
)
from lantian.core.excel.template import allowed_values, describe, example_value, write_template_sheet
from lantian.core.models import Organization
from lantian.core.scope import scope_for
from lantian.power import imports
from lantian.power.models import (
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
)

# Relations a sheet names by code within the workbook's enterprise (no dropdown in the template: the
# code may be one the workbook adds).
IN_ARCHIVE = (Organization, ProductionFacility, TreatmentFacility, MonitoringPoint)
GUIDE_SHEETS = (gettext_lazy("Instructions"), gettext_lazy("Allowed values"))


class ArchiveSpec(ImportSpec):
    """A sheet of the archive: relations to the archive's own rows get no dropdown in the template."""

    def offered(self, name, queryset, user):
        if queryset.model in IN_ARCHIVE:
            return queryset.none()
        if name == "device":
            return queryset.filter(kind="power_meter")
        return queryset


class ArchiveTreatmentSpec(ArchiveSpec, imports.TreatmentSpec):
    pass


class ArchivePointSpec(ArchiveSpec, imports.PointSpec):
    pass


class ArchiveThresholdSpec(ArchiveSpec, imports.ThresholdSpec):
    pass


class ProfileSpec(ImportSpec):
    """The profile sheet: its enterprise column offers enterprises only."""

    def offered(self, name, queryset, user):
        if name == "enterprise":
            return queryset.filter(kind=Organization.Kind.ENTERPRISE)
        return queryset


def workbook_enterprise(importer) -> str | None:
    """The enterprise column's value on every sheet but the profile's: the workbook's enterprise."""
    enterprise = importer.enterprise
    return (enterprise.credit_code or enterprise.name) if enterprise is not None else None


ENTERPRISE = ImportField("enterprise", lookup=("credit_code", "name"), default=workbook_enterprise)


def sheet_spec(spec: ImportSpec, kind: type[ArchiveSpec]) -> ArchiveSpec:
    """A model's registered spec as a sheet of the archive reads it: its enterprise from the workbook."""
    fields = tuple(
        ENTERPRISE if getattr(f, "name", f) == "enterprise" else f for f in spec.fields
    )  # the thresholds' sheet has no enterprise column: its points are found within the enterprise
    return kind(fields=fields, keys=spec.keys, deletable=spec.deletable, chain=spec.chain)


@dataclass(frozen=True)
class Part:
    key: str
    title: object  # the sheet's name (translated)
    model: type  # the model it imports (the link sheet: TreatmentFacility, whose ``serves`` it sets)
    spec: ImportSpec | None  # None: the link sheet
    scope_filter: str = "enterprise"  # the model's path to its enterprise

    def columns(self) -> list[Column]:
        """The sheet's columns as the template and the export write them."""
        if self.spec is None:
            return link_columns()
        columns = self.spec.columns(self.model)
        if self.key == "profile":
            return columns
        return [column for column in columns if column.name != "enterprise"]


def link_columns() -> list[Column]:
    return [
        Column(
            TreatmentFacility,
            ImportField(
                "treatment",
                extra=True,
                required=True,
                label=gettext_lazy("treatment facility code"),
                example="ZW01",
            ),
        ),
        Column(
            TreatmentFacility,
            ImportField(
                "production",
                extra=True,
                required=True,
                label=gettext_lazy("production facility code"),
                help_text=gettext_lazy("A production facility the treatment facility serves."),
                example="SC01",
            ),
        ),
        Column(
            TreatmentFacility,
            ImportField(
                DELETE_COLUMN,
                extra=True,
                kind="boolean",
                label=DELETE_LABEL,
                help_text=gettext_lazy("Yes removes the link; links not listed stay as they are."),
            ),
        ),
    ]


TREATMENT_SHEET = replace(
    imports.TREATMENT,
    fields=tuple(f for f in imports.TREATMENT.fields if getattr(f, "name", f) != "serves"),
)  # what it serves is the link sheet's
PARTS = (
    Part("profile", gettext_lazy("Enterprise profile"), PowerProfile,
         ProfileSpec(fields=imports.PROFILES.fields, keys=imports.PROFILES.keys, deletable=False)),
    Part("production", gettext_lazy("Production facilities"), ProductionFacility,
         sheet_spec(imports.PRODUCTION, ArchiveSpec)),
    Part("treatment", gettext_lazy("Treatment facilities"), TreatmentFacility,
         sheet_spec(TREATMENT_SHEET, ArchiveTreatmentSpec)),
    Part("links", gettext_lazy("Treatment serves production"), TreatmentFacility, None),
    Part("points", gettext_lazy("Monitoring points"), MonitoringPoint,
         sheet_spec(imports.POINTS, ArchivePointSpec)),
    Part("thresholds", gettext_lazy("Running thresholds"), RunningThreshold,
         sheet_spec(imports.THRESHOLDS, ArchiveThresholdSpec), "point__enterprise"),
)  # fmt: skip


def part_of(title: str) -> Part | None:
    """The part a sheet's name stands for, in either language."""
    wanted = normalize_header(title)
    for part in PARTS:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                if normalize_header(str(part.title)) == wanted:
                    return part
    return None


def is_guide(title: str) -> bool:
    wanted = normalize_header(title)
    for name in GUIDE_SHEETS:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                if normalize_header(str(name)) == wanted:
                    return True
    return False


# --- the import ---


class ArchiveImporter(Importer):
    """The core engine on one sheet of the archive: the enterprise's facilities and points are looked
    up within the enterprise only, and the profile is found by its enterprise."""

    def __init__(self, model, user, *, enterprise, **options):
        self.enterprise = enterprise
        super().__init__(model, user, **options)

    def visible(self, model):
        queryset = super().visible(model)
        if self.enterprise is None:
            return queryset
        if model is Organization:
            return queryset.filter(pk=self.enterprise.pk)
        if model in IN_ARCHIVE:
            return queryset.filter(enterprise=self.enterprise)
        return queryset

    def match(self, row):
        existing = super().match(row)
        enterprise = row.values.get("enterprise")
        if existing is None and self.model is PowerProfile and isinstance(enterprise, Organization):
            # one profile per enterprise: found by its enterprise whatever the credit code it was filed with
            stored = PowerProfile.objects.filter(enterprise=enterprise).first()
            if stored is not None and stored.pk not in self.row_of:
                existing = self.instances.setdefault(stored.pk, stored)
                self.row_of[stored.pk] = row
        return existing


@dataclass
class SheetResult:
    part: Part
    title: str  # as the workbook names it
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ArchiveResult:
    dry_run: bool
    enterprise: Organization | None = None
    sheets: list[SheetResult] = field(default_factory=list)
    errors: list[tuple[str, RowError]] = field(default_factory=list)  # (sheet, error), file-level ones ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, sheet: str, error: RowError) -> None:
        self.errors.append((sheet, error))

    def totals(self) -> dict:
        return {
            name: sum(getattr(sheet, name) for sheet in self.sheets)
            for name in ("created", "updated", "deleted", "unchanged")
        }

    def summary(self) -> str:
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
                % self.totals()
            )
        return (
            _(
                "Imported: %(created)d created, %(updated)d updated, %(deleted)d deleted, "
                "%(unchanged)d unchanged."
            )
            % self.totals()
        )


def import_archive(user, sheets: list[Sheet], *, dry_run: bool, cid=None, remote_addr=None) -> ArchiveResult:
    """Import the workbook's ``sheets`` as ``user``, all or nothing (see the module)."""
    result = ArchiveResult(dry_run)
    if not user.has_perm("power.import_powerprofile"):
        message = _("You may not import %(objects)s.") % {"objects": PowerProfile._meta.verbose_name_plural}
        result.add("", RowError(None, "", "", message))
        return result
    found = match_sheets(sheets, result)
    if not result.ok:
        return result
    options = {"cid": cid, "remote_addr": remote_addr}
    with transaction.atomic():
        profile = found["profile"]
        importer = ArchiveImporter(
            PowerProfile, user, enterprise=None, spec=PARTS[0].spec, dry_run=False, **options
        )
        outcome = importer.run(profile)
        record(result, PARTS[0], profile, outcome.errors, outcome)
        enterprise = importer.rows[0].values.get("enterprise") if importer.rows else None
        if not isinstance(enterprise, Organization) or enterprise.kind != Organization.Kind.ENTERPRISE:
            transaction.set_rollback(True)  # the profile's row says what is wrong
            return result
        result.enterprise = enterprise
        if not scope_for(user).covers(enterprise, "change"):
            message = _("You may not import the power archive of %(enterprise)s.") % {
                "enterprise": enterprise
            }
            result.add(profile.name, RowError(importer.rows[0].number, "", "", message))
            transaction.set_rollback(True)
            return result
        failed: dict[type, set[str]] = defaultdict(set)  # model → codes of the rows of sheets that failed
        for part in PARTS[1:]:
            sheet = found.get(part.key)
            if sheet is None or not sheet.rows:
                continue
            if not user.has_perm(f"power.import_{part.model._meta.model_name}"):
                message = _("You may not import %(objects)s.") % {
                    "objects": part.model._meta.verbose_name_plural
                }
                record(result, part, sheet, [RowError(sheet.header_row, "", "", message)])
                continue
            if part.spec is None:
                errors, counts = import_links(user, enterprise, sheet, failed, options)
                record(result, part, sheet, errors, counts)
                continue
            importer = ArchiveImporter(
                part.model, user, enterprise=enterprise, spec=part.spec, dry_run=False, **options
            )
            outcome = importer.run(sheet)
            errors = explain_follow_ups(importer, outcome.errors, failed)
            record(result, part, sheet, errors, outcome)
            if errors:
                failed[part.model] |= {
                    str(row.values.get("code")) for row in importer.rows if row.values.get("code")
                }
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    return result


def record(result: ArchiveResult, part: Part, sheet: Sheet, errors: list[RowError], counts=None) -> None:
    entry = SheetResult(part, sheet.name)
    if counts is not None and not errors:
        for name in ("created", "updated", "deleted", "unchanged"):
            setattr(entry, name, getattr(counts, name) if not isinstance(counts, dict) else counts[name])
    entry.errors = list(errors)
    result.sheets.append(entry)
    for error in errors:
        result.add(sheet.name, error)


def match_sheets(sheets: list[Sheet], result: ArchiveResult) -> dict[str, Sheet]:
    """The workbook's sheets by part; an unknown sheet, and a profile sheet without exactly one row, are
    errors."""
    found: dict[str, Sheet] = {}
    for sheet in sheets:
        part = part_of(sheet.name)
        if part is None:
            if is_guide(sheet.name) or not sheet.headers:
                continue
            names = "、".join(str(p.title) for p in PARTS)
            message = _("Unknown sheet. The sheets of a power archive are: %(sheets)s.") % {"sheets": names}
            result.add(sheet.name, RowError(None, "", "", message))
            continue
        found[part.key] = sheet
    profile = found.get("profile")
    if profile is None:
        message = _("The workbook has no sheet %(sheet)s: it names the enterprise whose archive it is.") % {
            "sheet": PARTS[0].title
        }
        result.add("", RowError(None, "", "", message))
    elif len(profile.rows) != 1:
        message = _(
            "The sheet holds the one enterprise whose archive the workbook is: one row, not %(count)d."
        )
        result.add(profile.name, RowError(profile.header_row, "", "", message % {"count": len(profile.rows)}))
    return found


def explain_follow_ups(importer: Importer, errors: list[RowError], failed: dict) -> list[RowError]:
    """An error naming a facility or point that a bad row of an earlier sheet would have added says so."""
    if not failed:
        return errors
    names = {index: name for name, index in importer.bound.items()}
    explained = []
    for error in errors:
        column = importer.columns.get(names.get(error.index))
        if (
            column is not None
            and column.is_relation
            and str(error.value) in failed.get(column.field.related_model, ())
        ):
            error = replace(error, message=follow_up(column.field.related_model, error.value))
        explained.append(error)
    return explained


def follow_up(model, code) -> str:
    return _("%(object)s “%(code)s” is added by its own sheet, which has errors: correct them first.") % {
        "object": model._meta.verbose_name,
        "code": echo(str(code)),
    }


# --- the link sheet ---


def import_links(user, enterprise, sheet: Sheet, failed: dict, options: dict) -> tuple[list[RowError], dict]:
    """Rows of (treatment code, production code[, delete]) of the enterprise's facilities, written with
    their change-log entries; every error by row and column."""
    columns = {column.name: column for column in link_columns()}
    errors: list[RowError] = []
    bound: dict[str, int] = {}
    aliases = {alias: column.name for column in columns.values() for alias in column.header_aliases()}
    for index, header in enumerate(sheet.headers):
        if header is None or not str(header).strip() or is_read_only_header(header):
            continue
        name = aliases.get(normalize_header(header))
        if name is None or name in bound:
            known = "、".join(column.header for column in columns.values())
            message = (
                _("This column appears twice.")
                if name
                else _("Unknown column. The columns of this import are: %(columns)s.") % {"columns": known}
            )
            errors.append(RowError(sheet.header_row, echo(str(header)), "", message, index))
        else:
            bound[name] = index
    for name in ("treatment", "production"):
        if name not in bound:
            message = _("This required column is missing: it is needed to add new rows.")
            errors.append(RowError(sheet.header_row, columns[name].header, "", message))
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    if errors:
        return errors, counts
    treatments = {
        f.code: f for f in TreatmentFacility.objects.restrict(user, "view").filter(enterprise=enterprise)
    }
    productions = {
        f.code: f for f in ProductionFacility.objects.restrict(user, "view").filter(enterprise=enterprise)
    }
    through = TreatmentFacility.serves.through
    stored = set(
        through.objects.filter(treatmentfacility__enterprise=enterprise).values_list(
            "treatmentfacility_id", "productionfacility_id"
        )
    )
    wanted = set(stored)
    seen: dict[tuple, int] = {}
    for number, cells in sheet.rows:
        found, row_errors = {}, []
        for name, model, facilities in (
            ("treatment", TreatmentFacility, treatments),
            ("production", ProductionFacility, productions),
        ):
            index = bound[name]
            cell = cells[index] if index < len(cells) else None
            try:
                code = columns[name].parse(cell)
            except CellError as error:  # pragma: no cover - text columns read any cell
                row_errors.append(RowError(number, columns[name].header, echo(cell), str(error), index))
                continue
            if not code:
                row_errors.append(
                    RowError(number, columns[name].header, "", _("This value is required."), index)
                )
            elif code not in facilities:
                message = (
                    follow_up(model, code)
                    if code in failed.get(model, ())
                    else _("No %(object)s “%(code)s” in this enterprise's archive or this workbook.")
                    % {"object": model._meta.verbose_name, "code": echo(code)}
                )
                row_errors.append(RowError(number, columns[name].header, echo(code), message, index))
            else:
                found[name] = facilities[code]
        delete = False
        if DELETE_COLUMN in bound:
            index = bound[DELETE_COLUMN]
            try:
                delete = bool(columns[DELETE_COLUMN].parse(cells[index] if index < len(cells) else None))
            except CellError as error:
                row_errors.append(
                    RowError(number, columns[DELETE_COLUMN].header, echo(cells[index]), str(error), index)
                )
        if row_errors:
            errors.extend(row_errors)
            continue
        pair = (found["treatment"].pk, found["production"].pk)
        if pair in seen:
            message = _("Duplicate key: row %(row)d has the same.") % {"row": seen[pair]}
            errors.append(
                RowError(
                    number,
                    columns["production"].header,
                    echo(found["production"].code),
                    message,
                    bound["production"],
                )
            )
            continue
        seen[pair] = number
        if delete:
            if pair not in stored:
                message = _("Nothing to delete: no stored row has this key.")
                errors.append(
                    RowError(
                        number,
                        columns["production"].header,
                        found["production"].code,
                        message,
                        bound["production"],
                    )
                )
                continue
            wanted.discard(pair)
            counts["deleted"] += 1
        elif pair in stored:
            counts["unchanged"] += 1
        else:
            wanted.add(pair)
            counts["created"] += 1
    if errors:
        return errors, counts
    if wanted != stored and not user.has_perm("power.change_treatmentfacility"):
        message = _("You may not change %(objects)s.") % {
            "objects": TreatmentFacility._meta.verbose_name_plural
        }
        return [RowError(sheet.header_row, "", "", message)], counts
    write_links(user, enterprise, stored, wanted, treatments, productions, options)
    return errors, counts


def write_links(
    user, enterprise, stored: set, wanted: set, treatments: dict, productions: dict, options
) -> None:
    """The links added and removed, and one change-log entry for each treatment facility they change."""
    through = TreatmentFacility.serves.through
    for treatment, production in stored - wanted:
        through.objects.filter(treatmentfacility_id=treatment, productionfacility_id=production).delete()
    through.objects.bulk_create(
        [through(treatmentfacility_id=t, productionfacility_id=p) for t, p in sorted(wanted - stored)]
    )
    by_pk = {f.pk: f for f in productions.values()}
    log = ChangeLog(user, options.get("cid"), options.get("remote_addr"))
    for facility in treatments.values():
        before = sorted(p for t, p in stored if t == facility.pk)
        after = sorted(p for t, p in wanted if t == facility.pk)
        if before != after:
            texts = ["、".join(str(by_pk[p]) for p in pks) for pks in (before, after)]
            log.add(facility, LogEntry.Action.UPDATE, facility, many={"serves": texts})
    log.save()


# --- the template and the export ---


def template_workbook(user) -> bytes:
    """The empty archive: one sheet per part with marked headers, dropdowns and an example row each
    (the examples name each other), the instructions and the hidden allowed values."""
    workbook = Workbook()
    first = workbook.active
    options = None
    option = 1
    sheets = []
    for part in PARTS:
        data = first if not sheets else workbook.create_sheet()
        data.title = str(part.title)
        sheets.append(data)
    guide = workbook.create_sheet(_("Instructions"))
    options = workbook.create_sheet(_("Allowed values"))
    options.sheet_state = "hidden"
    for part, data in zip(PARTS, sheets, strict=True):
        columns = part.columns()
        spec = part.spec or ArchiveSpec(fields=(), keys=())
        allowed = {column.name: allowed_values(spec, column, user) for column in columns}
        option = write_template_sheet(data, options, columns, allowed, option)
    write_guide(guide)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_guide(sheet) -> None:
    rules = [
        _("One workbook holds one enterprise's power archive: its sheets are read together, in their order."),
        _(
            "The sheet %(profile)s has one row: the enterprise (by its credit code or name, as registered) "
            "and its profile. The other sheets belong to that enterprise and name its facilities and points "
            "by their codes, also those added by the same workbook."
        )
        % {"profile": PARTS[0].title},
        _("Columns marked * are required for new rows; a row whose code matches a stored one updates it."),
        _(
            "The sheet %(links)s has one row per link; %(yes)s in its column %(delete)s removes the link. "
            "Links, facilities and points the workbook does not list stay as they are."
        )
        % {"links": PARTS[3].title, "yes": _("Yes"), "delete": DELETE_LABEL},
        _(
            "Every row of every sheet is checked first: if any has an error nothing is written, and each "
            "error is reported with its sheet, row and column. Tick the dry run to check without writing."
        ),
        _("An export of an archive imports back as it is."),
    ]
    sheet.append([_("How to fill in a power archive")])
    sheet["A1"].font = Font(bold=True, size=14)
    for number, rule in enumerate(rules, start=1):
        write_cell(sheet, sheet.max_row + 1, 1, f"{number}. {rule}")
    for part in PARTS:
        sheet.append([])
        write_cell(sheet, sheet.max_row + 1, 1, str(part.title)).font = Font(bold=True)
        header_row = sheet.max_row + 1
        for index, text in enumerate((_("Column"), _("Required"), _("Content"), _("Example")), start=1):
            cell = write_cell(sheet, header_row, index, text)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        for column in part.columns():
            row = sheet.max_row + 1
            values = [
                column.header,
                _("Yes") if column.required else _("No"),
                describe(column),
                example_value(column),
            ]
            for index, value in enumerate(values, start=1):
                write_cell(sheet, row, index, value).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (22, 8, 70, 24), strict=True):
        sheet.column_dimensions[letter].width = width


def export_workbook(user, enterprise: Organization) -> bytes:
    """The enterprise's archive as the import reads it, every sheet's rows through the scope gate."""
    workbook = Workbook(write_only=True)
    for part in PARTS:
        sheet = workbook.create_sheet(title=str(part.title))
        sheet.freeze_panes = "A2"
        headers, rows = part_rows(part, user, enterprise)
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) * 2 + 4))
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=safe_text(header))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([value_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def part_rows(part: Part, user, enterprise):
    """(headers, rows) of one sheet of the export."""
    if part.spec is None:
        columns = link_columns()[:2]
        pairs = (
            TreatmentFacility.serves.through.objects.filter(
                treatmentfacility__in=TreatmentFacility.objects.restrict(user, "export").filter(
                    enterprise=enterprise
                ),
                productionfacility__in=ProductionFacility.objects.restrict(user, "export").filter(
                    enterprise=enterprise
                ),
            )
            .order_by("treatmentfacility__code", "productionfacility__code")
            .values_list("treatmentfacility__code", "productionfacility__code")
        )
        return [column.marked_header for column in columns], pairs.iterator()
    wanted = {column.name for column in part.columns()}
    columns = import_columns(part.model, part.spec, wanted)
    queryset = part.model.objects.restrict(user, "export").filter(**{part.scope_filter: enterprise.pk})
    return [column.header for column in columns], export_rows(columns, queryset)
