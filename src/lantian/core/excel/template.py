"""The downloadable import template of a model: Chinese headers (required ones marked), dropdowns fed
by a hidden sheet of allowed values, one example row, and a sheet explaining every column."""

from __future__ import annotations

import io

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lantian.core.excel.cells import write_cell
from lantian.core.excel.export import HEADER_FILL, HEADER_FONT, sheet_title
from lantian.core.excel.spec import DELETE_COLUMN, Column, read_only_header

REQUIRED_FILL = PatternFill("solid", fgColor="D63939")
EXAMPLE_FONT = Font(italic=True, color="667382")
SMALL_SET = 100  # relations with at most this many choices get a dropdown
LAST_ROW = 1_048_576  # Excel's last row: dropdowns cover the whole column


def template_workbook(registration, user) -> bytes:
    model, spec = registration.model, registration.importer
    columns = spec.columns(model)
    allowed = {column.name: allowed_values(spec, column, user) for column in columns}
    workbook = Workbook()
    data = workbook.active
    data.title = sheet_title(model._meta.verbose_name_plural)
    guide = workbook.create_sheet(_("Instructions"))
    options = workbook.create_sheet(_("Allowed values"))
    options.sheet_state = "hidden"
    write_template_sheet(data, options, columns, allowed)
    write_guide(guide, registration, columns, allowed)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_template_sheet(data, options, columns: list[Column], allowed: dict, first_option: int = 1) -> int:
    """The headers (required ones marked), the example row and the dropdowns of one data sheet. The
    allowed values of the sheet's n-th column go to column ``first_option + n - 1`` of the hidden
    ``options`` sheet (a workbook of several data sheets shares one); returns the next free column there."""
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = write_cell(data, 1, index, column.marked_header)
        cell.font, cell.fill = HEADER_FONT, REQUIRED_FILL if column.required else HEADER_FILL
        cell.comment = Comment(describe(column), "Lantian", width=300, height=120)
        data.column_dimensions[letter].width = max(12, min(40, len(column.header) * 2 + 6))
        if column.kind in ("text", "relation", "multiple"):
            data.column_dimensions[letter].number_format = "@"  # codes and phone numbers stay text
        example = write_cell(data, 2, index, example_value(column))
        example.font = EXAMPLE_FONT
        values = allowed[column.name]
        if values:
            option = first_option + index - 1
            source_letter = get_column_letter(option)
            write_cell(options, 1, option, column.header)
            for offset, value in enumerate(values, start=2):
                write_cell(options, offset, option, value)  # names stored by users: never a formula
            source = f"'{options.title}'!${source_letter}$2:${source_letter}${len(values) + 1}"
            # Several related keys go in one cell: the list is a help, not a limit.
            strict = column.kind != "multiple"
            validation = DataValidation(
                type="list", formula1=source, allow_blank=True, showErrorMessage=strict
            )
            validation.error = _("Choose a value from the list.")
            data.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
    data["A2"].comment = Comment(_("An example: overwrite or delete this row before importing."), "Lantian")
    data.freeze_panes = "A2"
    return first_option + len(columns)


def allowed_values(spec, column: Column, user) -> list[str]:
    if column.kind == "choice":
        return column.choice_labels()
    if column.kind == "boolean":
        return [_("Yes"), _("No")]
    if column.is_relation:
        model = column.field.related_model
        manager = model._default_manager
        visible = manager.restrict(user, "view") if hasattr(manager, "restrict") else manager.all()
        visible = spec.offered(column.name, visible, user)
        # The first key that names each offered object, once and non-empty, fills the list.
        for lookup in column.spec.lookup:
            values = [
                str(v) for v in visible.order_by(lookup).values_list(lookup, flat=True)[: SMALL_SET + 1]
            ]
            if len(values) > SMALL_SET:
                return []
            if all(values) and len(set(values)) == len(values):
                return values
    return []


def example_value(column: Column):
    value = column.spec.example
    if column.name == DELETE_COLUMN:
        return _("No")
    return str(value) if isinstance(value, Promise) else value


def describe(column: Column) -> str:
    """The type of a column and how its cells are read, in words."""
    field = column.field
    if column.kind == "choice":
        kind = _("One of: %(values)s") % {"values": "、".join(column.choice_labels())}
    elif column.kind == "boolean":
        kind = _("%(yes)s or %(no)s") % {"yes": _("Yes"), "no": _("No")}
    elif column.kind in ("relation", "multiple"):
        related = field.related_model._meta
        keys = " / ".join(str(related.get_field(name).verbose_name) for name in column.spec.lookup)
        if column.kind == "relation":
            kind = _("A %(object)s, by its %(keys)s") % {"object": related.verbose_name, "keys": keys}
        else:
            kind = _("%(objects)s by their %(keys)s, separated by 、 or a comma") % {
                "objects": related.verbose_name_plural,
                "keys": keys,
            }
    elif column.kind == "integer":
        kind = _("A whole number")
    elif column.kind in ("decimal", "float"):
        places = getattr(field, "decimal_places", None)
        kind = _("A number") + (
            _(" with at most %(n)d decimals") % {"n": places} if places is not None else ""
        )
    elif column.kind == "date":
        kind = _("A date (YYYY-MM-DD)")
    elif column.kind == "datetime":
        kind = _("A date and time (YYYY-MM-DD HH:MM)")
    else:
        length = getattr(field, "max_length", None)
        kind = _("Text") + (_(", at most %(n)d characters") % {"n": length} if length else "")
    notes = [str(text) for text in (getattr(field, "help_text", ""), column.spec.help_text) if text]
    return "。".join(part.rstrip("。.") for part in [kind, *notes])


def write_guide(sheet, registration, columns: list[Column], allowed: dict) -> None:
    model, spec = registration.model, registration.importer
    names = {column.name: column.header for column in columns}
    if spec.chain is not None:  # a field the parent chain fills is named by its code column
        names.update({level.field: names[level.code.name] for level in spec.chain.levels if level.field})
    keys = _(", or ").join("+".join(names[n] for n in key) for key in spec.keys)
    rules = [
        _(
            "Fill one row per %(object)s below the header row of the first sheet; "
            "the example row shows the form."
        )
        % {"object": model._meta.verbose_name},
        _(
            "Columns marked * are required for new rows. Columns you do not need may be removed: "
            "a column left out changes nothing."
        ),
        _(
            "An export of this list imports back as it is: its columns marked %(mark)s are for reading "
            "and the import passes over them."
        )
        % {"mark": read_only_header("")},
        _("A row whose %(keys)s matches a stored %(object)s updates it; any other row adds one.")
        % {"keys": keys, "object": model._meta.verbose_name},
        _(
            "An empty cell clears the value; an empty yes/no cell keeps the stored value "
            "(the default for a new row)."
        ),
        _(
            "Related objects are found by the keys named below, among those you may see; "
            "a row may refer to one added in a row above."
        ),
        _(
            "Every row is checked first: if any row has an error nothing is written, and the report "
            "marks each bad cell. Tick the dry run to check without writing."
        ),
    ]
    if spec.chain is not None:
        levels = [level.level_model()._meta.verbose_name for level in spec.chain.levels]
        rules.append(
            _(
                "Each row names its parents (%(levels)s) by their codes, each code unique within the level "
                "above; the names are checked against the stored ones. Parents that do not exist yet are "
                "reported as errors, or created from the codes and names in the file if you choose so when "
                "importing."
            )
            % {"levels": " → ".join(str(v) for v in levels)}
        )
    if spec.deletable:
        rules.append(
            _("Put %(yes)s in the column %(column)s to delete the stored row the key finds.")
            % {"yes": _("Yes"), "column": names[DELETE_COLUMN]}
        )
    sheet.append(
        [
            _("How to fill in the import template of %(objects)s")
            % {"objects": model._meta.verbose_name_plural}
        ]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    for number, rule in enumerate(rules, start=1):
        sheet.append([f"{number}. {rule}"])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append([_("Column"), _("Required"), _("Content"), _("Allowed values"), _("Example")])
    for cell in sheet[header_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    key_names = {names.get(name) for key in spec.keys for name in key}
    for column in columns:
        required = _("Yes") if column.required else _("No")
        content = describe(column)
        if column.header in key_names:
            content = "。".join([content, _("Part of the key that finds a stored row.")])
        values = "、".join(allowed[column.name][:30]) + ("…" if len(allowed[column.name]) > 30 else "")
        row = sheet.max_row + 1
        for index, value in enumerate(
            [column.header, required, content, values, example_value(column)], start=1
        ):
            write_cell(sheet, row, index, value)
    for letter, width in zip("ABCDE", (18, 8, 60, 40, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
