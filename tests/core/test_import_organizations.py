"""Excel import of organisations (ARCHITECTURE rule 3): the acceptance workbook of 55 rows with 5 bad
ones, updates and deletions by key, scope, the tree paths and the change log."""

import io

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from lantian.core.models import Organization
from tests.conftest import make_credit_code

pytestmark = pytest.mark.django_db

HEADERS = ["名称", "类型", "上级单位", "行政区划", "统一社会信用代码", "联系人", "经度", "纬度"]


def xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content, *, dry_run=False, name="organizations.xlsx", url="core:organization_import"):
    data = {"file": _named(content, name)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse(url), data)


def _named(content, name):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def sheet_rows(content: bytes, index=0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(index).to_python()


def acceptance_rows():
    """55 rows: a new county bureau, then enterprises under it and under the two stored counties."""
    rows = [["丙县分局", "监管部门", "市局", "610326", "", "王五", "", ""]]
    rows += [["丙县环境监测站", "专业部门", "丙县分局", "610326", "", "", "", ""]]
    for i in range(53):
        county, division = [("甲县分局", "610323"), ("乙县分局", "610324"), ("丙县分局", "610326")][i % 3]
        code = make_credit_code(division, f"MA7KMP{i:03d}")
        rows.append(
            [f"企业{i:02d}", "企业", county, division, code, f"联系人{i}", round(107.1 + i / 100, 2), 34.3]
        )
    return rows


def break_five(rows):
    rows = [list(r) for r in rows]
    code = rows[10][4]
    rows[10][4] = code[:-1] + ("0" if code[-1] != "0" else "1")  # wrong check character → row 12
    rows[20][0] = ""  # missing required name → row 22
    rows[30][2] = "不存在的分局"  # unknown parent → row 32
    rows[40][4] = rows[39][4]  # duplicate key of row 41 → row 42
    rows[50][6] = "东经107度"  # text in a number column → row 52
    return rows


def test_55_rows_with_5_bad_write_nothing_and_report_exactly_those_errors(tree, login):
    client = login(tree.city_admin)
    before = Organization.objects.count()
    response = upload(client, xlsx(HEADERS, break_five(acceptance_rows())))
    assert response.status_code == 200
    result = response.context["result"]
    found = sorted((e.row, e.column) for e in result.errors)
    assert found == [
        (12, "统一社会信用代码"),
        (22, "名称"),
        (32, "上级单位"),
        (42, "统一社会信用代码"),
        (52, "经度"),
    ], [str(e) for e in result.errors]
    assert Organization.objects.count() == before
    messages = {e.row: e.message for e in result.errors}
    assert "Z" in messages[12] or "校验" in messages[12] or "check" in messages[12]
    assert "41" in messages[42]
    assert {e.row: e.value for e in result.errors}[52] == "东经107度"


def test_after_fixing_them_all_55_import_and_a_filtered_export_returns_exactly_the_filtered_rows(tree, login):
    client = login(tree.city_admin)
    response = upload(client, xlsx(HEADERS, acceptance_rows()))
    result = response.context["result"]
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.deleted, result.unchanged) == (55, 0, 0, 0)
    county_c = Organization.objects.get(name="丙县分局")
    assert county_c.parent == tree.city and county_c.path == f"{tree.city.path}{county_c.pk}/"
    station = Organization.objects.get(name="丙县环境监测站")
    assert station.path == f"{county_c.path}{station.pk}/" and station.depth == 2
    enterprise = Organization.objects.get(name="企业02")
    assert enterprise.parent == county_c and enterprise.division.code == "610326"
    assert enterprise.path == f"{county_c.path}{enterprise.pk}/"
    assert str(enterprise.longitude) == "107.120000"

    exported = client.get(reverse("core:organization_export"), {"kind": "enterprise"})
    rows = sheet_rows(exported.content)
    names = {row[rows[0].index("名称*")] for row in rows[1:]}
    expected = set(Organization.objects.filter(kind="enterprise").values_list("name", flat=True))
    assert names == expected and len(rows) - 1 == len(expected) == 56  # 53 new, 3 stored

    exported = client.get(reverse("core:organization_export"), {"within": county_c.pk, "kind": "enterprise"})
    rows = sheet_rows(exported.content)
    assert sorted(row[0] for row in rows[1:]) == sorted(f"企业{i:02d}" for i in range(2, 53, 3))


def test_every_imported_row_has_one_change_log_entry_with_actor_request_and_values(tree, login):
    client = login(tree.city_admin)
    client.post(
        reverse("core:organization_import"),
        {"file": _named(xlsx(HEADERS, acceptance_rows()), "o.xlsx")},
        HTTP_X_REQUEST_ID="req-import-0001",
        REMOTE_ADDR="198.51.100.9",
    )
    entries = LogEntry.objects.filter(cid="req-import-0001")
    assert entries.count() == 55
    assert set(entries.values_list("action", "actor", "remote_addr")) == {
        (LogEntry.Action.CREATE, tree.city_admin.pk, "198.51.100.9")
    }
    station = Organization.objects.get(name="丙县环境监测站")
    entry = LogEntry.objects.get_for_object(station).get()
    assert entry.changes_dict["name"] == [None, "丙县环境监测站"]
    assert entry.changes_dict["parent"] == [None, Organization.objects.get(name="丙县分局").pk]
    assert "path" not in entry.changes_dict  # excluded from the change log by the settings
    page = client.get(reverse("core:organization_detail", args=[station.pk])).content.decode()
    assert "丙县环境监测站" in page and "city" in page  # the object's page shows the entry and its actor


def test_a_dry_run_checks_everything_and_writes_nothing(tree, login):
    client = login(tree.city_admin)
    before, logged = Organization.objects.count(), LogEntry.objects.count()
    response = upload(client, xlsx(HEADERS, acceptance_rows()), dry_run=True)
    result = response.context["result"]
    assert result.ok and result.dry_run and result.created == 55
    assert Organization.objects.count() == before and LogEntry.objects.count() == logged
    assert 'id="count-created">55<' in response.content.decode()


def test_a_key_that_matches_a_stored_row_updates_it_and_unchanged_rows_are_left_alone(tree, login):
    client = login(tree.county_a_admin)
    rows = [
        ["甲一化工", "企业", "甲县分局", "610323", tree.ent_a1.credit_code, "赵六", 107.25, 34.5],
        ["甲二石化", "企业", "甲县分局", "610323", tree.ent_a2.credit_code.lower(), "", "", ""],
    ]
    response = upload(client, xlsx(HEADERS, rows))
    result = response.context["result"]
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    tree.ent_a1.refresh_from_db()
    assert tree.ent_a1.contact_person == "赵六" and str(tree.ent_a1.latitude) == "34.500000"
    entry = LogEntry.objects.get_for_object(tree.ent_a1).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["contact_person"] == ["", "赵六"] and entry.actor == tree.county_a_admin
    assert "name" not in entry.changes_dict


def test_a_row_keyed_by_parent_and_name_updates_and_may_move_under_a_new_parent(tree, login):
    client = login(tree.city_admin)
    headers = ["名称", "类型", "上级单位"]
    rows = [["甲县新科室", "专业部门", "甲县分局"], ["甲县分局", "监管部门", "市局"]]
    assert upload(client, xlsx(headers, rows)).context["result"].created == 1
    rows = [["甲县执法队", "专业部门", "甲县分局"], ["甲县新科室", "专业部门", "甲县执法队"]]
    result = upload(client, xlsx(headers, rows)).context["result"]
    assert (result.created, result.updated) == (2, 0)  # (甲县执法队, 甲县新科室) is a new key
    moved = Organization.objects.get(name="甲县新科室", parent__name="甲县执法队")
    squad = moved.parent
    assert moved.path == f"{squad.path}{moved.pk}/" and squad.path == f"{tree.county_a.path}{squad.pk}/"


def test_moving_a_stored_organization_moves_its_subtree(tree, login):
    client = login(tree.admin)
    headers = ["统一社会信用代码", "名称", "上级单位"]
    department = Organization.objects.create(name="甲一分厂", kind="department", parent=tree.ent_a1)
    rows = [[tree.ent_a1.credit_code, "甲一化工", "乙县分局"]]
    result = upload(client, xlsx(headers, rows)).context["result"]
    assert result.updated == 1, [str(e) for e in result.errors]
    tree.ent_a1.refresh_from_db()
    department.refresh_from_db()
    assert tree.ent_a1.path == f"{tree.county_b.path}{tree.ent_a1.pk}/"
    assert department.path == f"{tree.ent_a1.path}{department.pk}/" and department.depth == 3


def test_the_delete_column_deletes_by_key_children_before_parents_and_refuses_what_is_in_use(tree, login):
    client = login(tree.city_admin)
    parent = Organization.objects.create(name="临时科", kind="department", parent=tree.county_a)
    child = Organization.objects.create(name="临时组", kind="department", parent=parent)
    headers = ["名称", "上级单位", "删除"]
    refused = upload(client, xlsx(headers, [["临时科", "甲县分局", "是"], ["甲二石化", "甲县分局", "是"]]))
    errors = refused.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(2, ""), (3, "")]
    assert "临时组" in errors[0].message and "ent_a2" in errors[1].message  # a child, a user account
    assert Organization.objects.filter(pk=parent.pk).exists()
    rows = [["临时科", "甲县分局", "是"], ["临时组", "临时科", "是"], ["甲二石化", "甲县分局", "否"]]
    result = upload(client, xlsx(headers, rows)).context["result"]
    assert result.ok and (result.deleted, result.unchanged) == (2, 1), [str(e) for e in result.errors]
    assert not Organization.objects.filter(pk__in=[parent.pk, child.pk]).exists()
    deletions = LogEntry.objects.filter(action=LogEntry.Action.DELETE, content_type__model="organization")
    assert set(deletions.values_list("object_id", flat=True)) == {parent.pk, child.pk}
    missing = upload(client, xlsx(headers, [["无此单位", "甲县分局", "是"]])).context["result"]
    assert [(e.row, e.column) for e in missing.errors] == [(2, "名称")], [str(e) for e in missing.errors]


def test_a_county_bureau_cannot_import_into_the_other_county(tree, login):
    client = login(tree.county_a_admin)
    before = Organization.objects.count()
    code = make_credit_code("610324", "MA7KMP999")
    rows = [
        ["甲县新企业", "企业", "甲县分局", "610323", make_credit_code("610323", "MA7KMP998"), "", "", ""],
        ["乙县新企业", "企业", "乙县分局", "610324", code, "", "", ""],  # a parent it cannot see
        ["乙一热电", "企业", "甲县分局", "610324", tree.ent_b1.credit_code, "", "", ""],  # stored elsewhere
        ["市属单位", "专业部门", "", "", "", "", "", ""],  # no parent: at the top, outside its scope
    ]
    result = upload(client, xlsx(HEADERS, rows)).context["result"]
    assert sorted((e.row, e.column) for e in result.errors) == [(3, "上级单位"), (4, ""), (5, "上级单位")]
    assert Organization.objects.count() == before
    tree.ent_b1.refresh_from_db()
    assert tree.ent_b1.parent == tree.county_b


def test_a_county_bureau_cannot_move_or_disable_its_own_bureau(tree, login):
    tree.county_a.credit_code = make_credit_code("610323", "MA7KMP997")
    tree.county_a.save()
    client = login(tree.county_a_admin)
    headers = ["统一社会信用代码", "名称", "启用"]
    result = upload(client, xlsx(headers, [[tree.county_a.credit_code, "甲县分局", "否"]])).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(2, "")]
    result = upload(client, xlsx(["名称", "上级单位"], [["甲县分局", "市局"]])).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(2, "上级单位")]  # 市局 lies outside its view
    renamed = upload(client, xlsx(headers, [[tree.county_a.credit_code, "甲县生态环境分局", "是"]]))
    assert renamed.context["result"].updated == 1


def test_an_enterprise_administrator_cannot_import_organizations_at_all(tree, login):
    client = login(tree.ent_a1_admin)
    assert client.get(reverse("core:organization_import")).status_code == 403
    assert client.get(reverse("core:organization_import_template")).status_code == 403
    assert upload(client, xlsx(HEADERS, acceptance_rows())).status_code == 403


def test_the_error_report_is_the_uploaded_workbook_with_bad_cells_marked_and_an_errors_sheet(tree, login):
    client = login(tree.city_admin)
    response = upload(client, xlsx(HEADERS, break_five(acceptance_rows())))
    report = client.get(response.context["report_url"])
    assert report.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    data, listing = workbook.worksheets[0], workbook.worksheets[1]
    bad = data.cell(row=52, column=HEADERS.index("经度") + 1)
    assert bad.value == "东经107度" and bad.fill.fgColor.rgb.endswith("F8D7DA") and bad.comment is not None
    assert data.cell(row=51, column=HEADERS.index("经度") + 1).comment is None
    rows = list(listing.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [
        (12, "统一社会信用代码"), (22, "名称"), (32, "上级单位"), (42, "统一社会信用代码"), (52, "经度"),
    ]  # fmt: skip


def test_unknown_or_repeated_columns_and_missing_key_columns_are_reported_on_the_header_row(tree, login):
    client = login(tree.city_admin)
    result = upload(client, xlsx(["名称", "名 称", "名称"], [["甲", "乙", "丙"]])).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(1, "名 称"), (1, "名称")]
    result = upload(client, xlsx(["类型"], [["企业"]])).context["result"]
    assert [e.row for e in result.errors] == [1]
    result = upload(client, xlsx(["名称", "上级单位"], [["新科室", "甲县分局"]])).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(1, "类型")]  # required to add a row


def test_the_number_of_queries_does_not_grow_with_the_rows(tree, login):
    client = login(tree.city_admin)
    rows = acceptance_rows()
    upload(client, xlsx(HEADERS, rows[:2]), dry_run=True)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert upload(client, xlsx(HEADERS, rows[:8])).context["result"].created == 8
    with CaptureQueriesContext(connection) as many:
        assert upload(client, xlsx(HEADERS, rows[8:])).context["result"].created == 47
    assert len(many) <= len(few), [q["sql"][:120] for q in many.captured_queries]
