"""Generated round trip of every importable model: its export imports back, dry run and for real, as
an update that changes nothing (docs/developing.md, "Export and round trip")."""

import io

import pytest
from auditlog.models import LogEntry
from django.utils import translation
from python_calamine import CalamineWorkbook

from lantian.core.excel.export import import_columns
from lantian.core.excel.spec import is_read_only_header, read_only_header
from lantian.core.registry import registration_for
from tests.core.exporting import store_hostile, upload
from tests.generic import registered_cases

pytestmark = pytest.mark.django_db
IMPORTABLE = [c for c in registered_cases() if registration_for(c.model).importer]


def by_id(case):
    return case.id


def first_row(content: bytes) -> list:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()[0]


def snapshot(model) -> list:
    """Every stored row and every many-to-many link, as the database holds them."""
    rows = list(model._base_manager.order_by("pk").values())
    links = [
        sorted(
            field.remote_field.through._base_manager.values_list(
                field.m2m_field_name(), field.m2m_reverse_field_name()
            )
        )
        for field in model._meta.many_to_many
    ]
    return [rows, links]


def import_back(client, registration, content: bytes, dry_run: bool):
    data = {"file": upload("export.xlsx", content), "dry_run": "on" if dry_run else ""}
    response = client.post(registration.url("import"), data)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok, [str(error) for error in result.errors[:10]]
    assert (result.created, result.updated, result.deleted) == (0, 0, 0), result.summary()
    assert result.unchanged == result.rows > 0
    return result


def store_formula_like_text(registration, obj) -> int:
    """Text that a spreadsheet would run (without the control characters an export drops) in every
    text field the import reads back as it is (not through a normalising function)."""
    spec, model = registration.importer, registration.model
    normalised = {c.name for c in spec.columns(model) if c.spec.normalize}
    paths = [
        path
        for column in import_columns(model, spec)
        for path in column.paths
        if path.rsplit("__", 1)[-1] not in normalised  # a parent of the same model is a row too
    ]
    return sum(store_hostile(obj, path, controls=False) for path in paths)


@pytest.mark.parametrize(
    "columns,formula_like",
    [("all", False), ("all", True), ("", False)],
    ids=["all-columns", "all-columns-formula-like", "visible-columns"],
)
@pytest.mark.parametrize("case", IMPORTABLE, ids=by_id)
def test_an_export_imports_back_changing_nothing(tree, login, case, columns, formula_like):
    registration = registration_for(case.model)
    obj = case.obj(tree)
    if case.more:
        case.more(tree, 3)
    if formula_like:
        assert store_formula_like_text(registration, obj)
    client = login(tree.admin)
    before, logged = snapshot(case.model), LogEntry.objects.count()
    export = client.get(registration.url("export"), {"columns": columns} if columns else {})
    assert export.status_code == 200

    headers = first_row(export.content)
    template = first_row(client.get(registration.url("import_template")).content)
    importable = [h for h in headers if not is_read_only_header(h)]
    assert importable == [h for h in template if h in importable]  # the template's headers, in order
    assert headers[: len(importable)] == importable  # the read-only columns come after

    import_back(client, registration, export.content, dry_run=True)
    import_back(client, registration, export.content, dry_run=False)
    assert snapshot(case.model) == before
    assert LogEntry.objects.count() == logged


def test_read_only_headers_are_recognised_in_either_language():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            marked = read_only_header("更新时间")
        assert is_read_only_header(marked) and is_read_only_header(f" {marked}* ")
    assert not is_read_only_header("更新时间")
