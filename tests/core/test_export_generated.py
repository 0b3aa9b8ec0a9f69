"""Generated tests of every workbook the platform writes, for every registered model: exports,
import templates and error reports hold stored or uploaded text only as inert text (no formula, no
character XML forbids), and an export costs the same number of queries however many rows it has."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from lantian.core.excel.export import export_columns
from lantian.core.excel.template import allowed_values
from lantian.core.registry import registration_for
from tests.core.exporting import (
    assert_inert,
    hostile_text,
    is_text_field,
    store_hostile_everywhere,
    text_field_at,
    upload,
)
from tests.generic import registered_cases

pytestmark = pytest.mark.django_db
CASES = registered_cases()
IMPORTABLE = [c for c in CASES if registration_for(c.model).importer]
XML_FORBIDS = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}


def by_id(case):
    return case.id


def exported_paths(registration) -> list[str]:
    """Every field path an export with all columns reads: the list's columns and the import's."""
    table = registration.table(registration.model)
    paths = [column.accessor for column in table.columns]
    paths += [
        path for column in export_columns(registration, table.columns, every=True) for path in column.paths
    ]
    return list(dict.fromkeys(paths))


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_an_export_writes_hostile_stored_text_as_inert_text(tree, login, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    stored = store_hostile_everywhere(obj, exported_paths(registration))
    client = login(getattr(tree, case.member))
    response = client.get(registration.url("export"), {"columns": "all"})
    assert response.status_code == 200
    neutralised = assert_inert(response.content)
    assert neutralised >= min(stored, 1), "the hostile text did not reach the export"


@pytest.mark.parametrize("case", IMPORTABLE, ids=by_id)
def test_a_template_lists_hostile_stored_names_as_inert_text(tree, login, case):
    """The dropdowns of a template list what users stored (organisation names, codes): as text."""
    registration, obj = registration_for(case.model), case.obj(tree)
    spec = registration.importer
    for column in spec.columns(case.model):
        if not column.is_relation:
            continue
        related = getattr(obj, column.name)
        related = related.first() if column.kind == "multiple" else related
        if related is not None:
            store_hostile_everywhere(related, column.spec.lookup)
    response = login(tree.admin).get(registration.url("import_template"))
    assert response.status_code == 200
    neutralised = assert_inert(response.content)
    offered = [v for c in spec.columns(case.model) for v in allowed_values(spec, c, tree.admin)]
    if any(value.startswith(("=", "+", "-", "@", "\t", "\r", "＝", " ")) for value in offered):
        assert neutralised, "a hostile name offered in a dropdown was not neutralised"


def hostile_row(headers: list[str]) -> list[str]:
    return [hostile_text(None) for _header in headers]


@pytest.mark.parametrize("case", IMPORTABLE, ids=by_id)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_error_report_holds_hostile_uploaded_text_as_inert_text(tree, login, case, kind):
    registration = registration_for(case.model)
    client = login(tree.admin)
    headers = [c.marked_header for c in registration.importer.columns(case.model)]
    rows = [headers, hostile_row(headers), hostile_row(headers)]
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        content = text.getvalue().encode("utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        for number, row in enumerate(rows, start=1):
            for index, value in enumerate(row, start=1):
                cell = sheet.cell(row=number, column=index)
                cell.value = value.translate(XML_FORBIDS)  # openpyxl cannot write those at all
                cell.data_type = "s"  # stored as text in the upload, formula-like as it is
        sheet.cell(row=2, column=1).value = '=HYPERLINK("http://evil.example/","x")'  # a real formula
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    response = client.post(
        registration.url("import"), {"file": upload(f"rows.{kind}", content), "dry_run": "on"}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.ok
    report = client.get(response.context["report_url"])
    assert report.status_code == 200
    assert assert_inert(b"".join(report.streaming_content) if report.streaming else report.content)


@pytest.mark.parametrize("case", [c for c in CASES if c.more], ids=by_id)
def test_export_query_count_does_not_grow_with_rows(tree, login, case):
    """Every column (hidden ones too): N rows and 3N rows cost the same queries."""
    registration = registration_for(case.model)
    client = login(getattr(tree, case.member))
    url = registration.url("export")
    case.more(tree, 2)
    client.get(url, {"columns": "all"})  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url, {"columns": "all"})
    case.more(tree, 4)
    with CaptureQueriesContext(connection) as many:
        second = client.get(url, {"columns": "all"})
    assert len(second.content) > len(first.content)  # the rows added are exported
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_every_text_field_an_export_reads_is_reached(tree):
    """The hostile-text test is only as good as the paths it fills: every registered model's export
    reads at least one text field, unless the model stores none (a rule of fixed codes and numbers)."""
    for case in CASES:
        registration = registration_for(case.model)
        if not any(is_text_field(field) for field in case.model._meta.concrete_fields):
            continue
        assert any(text_field_at(case.model, path) for path in exported_paths(registration)), case.id
