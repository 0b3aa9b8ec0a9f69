"""The engine's extension for workbooks of several sheets (one model per sheet, e.g. power's archive):
``read_workbook`` reads every sheet under the reader's limits, the rows of all sheets counting
together and every sheet checked before any is parsed; ``Importer(spec=...)`` reads a sheet with a
spec other than the model's registered one; ``write_template_sheet`` puts several data sheets'
dropdowns in one hidden sheet."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from lantian.core.excel.importing import Importer
from lantian.core.excel.reading import ReadError, read_sheet, read_workbook
from lantian.core.excel.spec import ImportField, ImportSpec
from lantian.core.excel.template import write_template_sheet
from tests.testapp.models import Filing


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_every_sheet_in_order_with_its_name():
    content = xlsx({"甲": [["a", "b"], [1, "x"], [], [2, "y"]], "乙": [["h"]], "丙": []})
    first, second, third = read_workbook("book.xlsx", content)
    assert (first.name, first.headers, first.header_row) == ("甲", ["a", "b"], 1)
    assert first.rows == [(2, [1.0, "x"]), (4, [2.0, "y"])]  # blank rows left out
    assert (second.name, second.headers, second.rows) == ("乙", ["h"], [])
    assert (third.name, third.headers, third.rows) == ("丙", [], [])
    assert read_sheet("book.xlsx", content).rows == first.rows  # one sheet: as before


def test_a_later_sheet_claiming_a_million_rows_is_refused_before_anything_is_parsed():
    book = Workbook()
    book.active.append(["a"])
    big = book.create_sheet("big")
    big.cell(row=1_000_000, column=1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ReadError, match="1000000"):
        read_workbook("book.xlsx", buffer.getvalue())
    assert read_sheet("book.xlsx", xlsx({"a": [["a"], [1]]})).rows  # the first sheet alone is fine


@override_settings(LANTIAN_IMPORT_MAX_ROWS=50)
def test_the_rows_of_all_sheets_count_together():
    rows = [["n"], *([i] for i in range(29))]  # 30 rows each: under the limit alone, over it together
    assert len(read_workbook("book.xlsx", xlsx({"a": rows}))[0].rows) == 29
    with pytest.raises(ReadError, match="50"):
        read_workbook("book.xlsx", xlsx({"a": rows, "b": rows}))


def test_only_xlsx_holds_several_sheets():
    with pytest.raises(ReadError, match="xlsx"):
        read_workbook("book.csv", b"a,b\n1,2\n")
    with override_settings(LANTIAN_IMPORT_MAX_BYTES=100), pytest.raises(ReadError):
        read_workbook("book.xlsx", xlsx({"a": [["a"], [1]]}))


@pytest.mark.django_db
def test_a_sheet_read_with_a_spec_of_its_own(tree):
    """The registered spec reads the organisation from a column; this one gives it from the importer."""
    spec = ImportSpec(
        fields=(
            ImportField(
                "organization", lookup=("credit_code",), default=lambda importer: tree.ent_a1.credit_code
            ),
            "title",
        ),
        keys=(("organization", "title"),),
    )
    content = xlsx({"filings": [["title"], ["甲一化工排污备案"]]})
    sheet = read_workbook("f.xlsx", content)[0]
    registered = Importer(Filing, tree.county_a_admin).run(sheet)
    assert not registered.ok  # the registered spec needs the organisation's column for new rows
    result = Importer(Filing, tree.county_a_admin, spec=spec).run(sheet)
    assert result.ok and result.created == 1
    assert Filing.objects.get().organization == tree.ent_a1


@pytest.mark.django_db
def test_several_data_sheets_share_one_sheet_of_allowed_values():
    from lantian.core.excel.spec import Column

    book = Workbook()
    first, second = book.active, book.create_sheet("second")
    options = book.create_sheet("options")
    column = Column(Filing, ImportField("title", extra=True, kind="boolean", label="title"))
    after = write_template_sheet(first, options, [column], {"title": ["是", "否"]})
    assert after == 2
    write_template_sheet(second, options, [column], {"title": ["甲", "乙"]}, after)
    buffer = io.BytesIO()
    book.save(buffer)
    book = load_workbook(buffer)
    options = book["options"]
    assert [options.cell(row=r, column=1).value for r in (2, 3)] == ["是", "否"]
    assert [options.cell(row=r, column=2).value for r in (2, 3)] == ["甲", "乙"]
    sources = [v.formula1 for v in book["second"].data_validations.dataValidation]
    assert sources == ["'options'!$B$2:$B$3"]


@pytest.mark.parametrize(
    "script",
    [
        "import os; os.abort()",
        # the answer of a single sheet, not of a workbook
        "import pickle, sys; sys.stdout.buffer.write(pickle.dumps(('rows', [['a']])))",
        "import pickle, sys; sys.stdout.buffer.write(pickle.dumps(('sheets', [('a', [[print]])])))",
    ],
)
def test_the_web_process_survives_a_child_that_dies_or_answers_nonsense(monkeypatch, script):
    import sys

    from lantian.core.excel import reading

    monkeypatch.setattr(reading, "child_command", lambda limits: [sys.executable, "-c", script])
    with pytest.raises(ReadError):
        read_workbook("book.xlsx", xlsx({"a": [["a"], [1]]}))
