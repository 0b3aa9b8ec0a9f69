"""The model's own validation in the import engine: control characters and field checks are reported by
row and column in every row that has them, also when the engine skips checks of values a field has
already accepted above (the shortcut that keeps 100,000-row imports fast)."""

import pytest
from django.utils import translation

from lantian.core.excel.importing import Importer
from lantian.core.excel.reading import read_sheet
from lantian.core.models import Organization
from tests.core.test_import_hostile import inline, sheet_xml, workbook

pytestmark = pytest.mark.django_db


def dry_run(user, name: str, content: bytes):
    with translation.override("en"):
        return Importer(Organization, user, dry_run=True).run(read_sheet(name, content))


def errors_by_row(result, column: str) -> dict[int, str]:
    return {e.row: e.message for e in result.errors if e.column == column}


def test_control_characters_are_reported_by_row_and_column_in_every_row(tree):
    rows = [
        ["名称", "类型", "上级单位", "联系人"],
        ["甲\x85单位", "监管部门", "市局", "王五"],  # C1 (NEXT LINE)
        ["乙单位", "监管部门", "市局", "王\x85五"],
        ["丙单位", "监管部门", "市局", "王\x85五"],  # the same value again: checked again
        ["丁\x07单位", "监管部门", "市局", "王五"],  # C0 (BEL)
    ]
    content = "\n".join(",".join(row) for row in rows).encode()
    result = dry_run(tree.city_admin, "rows.csv", content)
    names, contacts = errors_by_row(result, "名称"), errors_by_row(result, "联系人")
    assert (set(names), set(contacts)) == ({2, 5}, {3, 4}), [str(e) for e in result.errors]
    assert all("control character" in message for message in [*names.values(), *contacts.values()])

    cells = {1: inline("A1", "名称") + inline("B1", "类型") + inline("C1", "上级单位")}
    cells[2] = inline("A2", "丁\x85单位") + inline("B2", "监管部门") + inline("C2", "市局")
    result = dry_run(tree.city_admin, "rows.xlsx", workbook(sheet_xml(cells)))
    assert list(errors_by_row(result, "名称")) == [2]


def test_a_value_a_field_refused_is_refused_in_every_row_and_an_accepted_one_passes_each_time(tree):
    too_long = "长" * 120  # the contact field holds 50 characters
    rows = [["名称", "类型", "上级单位", "联系人"]]
    rows += [[f"单位{n}", "监管部门", "市局", too_long if n % 2 else "王五"] for n in range(6)]
    content = "\n".join(",".join(row) for row in rows).encode()
    result = dry_run(tree.city_admin, "rows.csv", content)
    assert sorted(errors_by_row(result, "联系人")) == [3, 5, 7]
    assert result.rows == 6 and len(result.errors) == 3
