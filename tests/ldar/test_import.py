"""A plant's archive as one workbook of seal points: imported through the import page and through
``manage.py import_rows``, creating the missing parents or reporting them as the user chooses; every
error of a flawed copy reported by row and column with nothing written; batch update and batch delete
by code."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from lantian.core.excel.importing import Importer
from lantian.core.excel.reading import read_sheet
from lantian.core.models import Job
from lantian.core.registry import registration_for
from lantian.ldar.demo import plant_layout
from lantian.ldar.models import (
    Area,
    ComponentGroup,
    DetectionInstrument,
    Equipment,
    ProcessUnit,
    SealPoint,
    UnitShutdown,
)
from tests.ldar.workbooks import HEADERS, cells, plant_workbook, workbook

pytestmark = pytest.mark.django_db
ARCHIVE = (ProcessUnit, Area, Equipment, ComponentGroup, SealPoint)


def counts() -> list[int]:
    return [model.objects.count() for model in ARCHIVE]


def upload(client, content: bytes, *, parents="report", mode="import", dry_run=False, name="密封点台账.xlsx"):
    file = SimpleUploadedFile(name, content)
    data = {"file": file, "missing_parents": parents, "mode": mode}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("ldar:sealpoint_import"), data)


def run_import(user, content: bytes, **options):
    return Importer(SealPoint, user, **options).run(read_sheet("points.xlsx", content))


# --- the whole archive from one workbook ---


def test_ten_thousand_points_through_the_import_page_as_the_enterprise(tree, login):
    layout = plant_layout(10_000)
    client = login(tree.ent_a1_admin)
    page = client.get(reverse("ldar:sealpoint_import"))
    assert page.status_code == 200 and 'name="missing_parents"' in page.content.decode()
    response = upload(client, plant_workbook(layout), parents="create")  # no enterprise column: their own
    job = Job.objects.get(owner=tree.ent_a1_admin)  # above the inline limit: a background job
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, job.errors[:5]
    assert SealPoint.objects.filter(enterprise=tree.ent_a1).count() == 10_000
    units = {(u.code, u.name) for u in ProcessUnit.objects.filter(enterprise=tree.ent_a1)}
    assert units == {(row["unit_code"], row["unit_name"]) for row in layout}
    assert Area.objects.filter(enterprise=tree.ent_a1).count() == len(
        {(r["unit_code"], r["area_code"]) for r in layout}
    )
    point = SealPoint.objects.select_related("group", "equipment", "area", "unit").get(
        unit__code=layout[7]["unit_code"], group__code=layout[7]["group_code"], code=layout[7]["code"]
    )
    assert point.tag == f"{layout[7]['group_code']}-{layout[7]['extension_number']}"
    assert (point.group.equipment_id, point.equipment.area_id, point.area.unit_id) == (
        point.equipment_id,
        point.area_id,
        point.unit_id,
    )
    assert point.enterprise_id == tree.ent_a1.pk and point.material_state == layout[7]["state"]
    assert SealPoint.objects.filter(is_dynamic=True).count() == sum(
        r["type_code"] in ("pump", "compressor", "agitator") for r in layout
    )
    assert SealPoint.objects.filter(accessible=False).exclude(inaccessible_reason="").count() == sum(
        not r["accessible"] for r in layout
    )
    groups = len({(r["unit_code"], r["area_code"], r["equipment_code"], r["group_code"]) for r in layout})
    assert ComponentGroup.objects.filter(enterprise=tree.ent_a1).count() == groups
    assert f"{groups}" in job.message  # the summary counts the parents it created


def test_ten_thousand_points_through_the_command_as_the_bureau_naming_the_enterprise(tree, tmp_path):
    layout = plant_layout(10_000)
    path = tmp_path / "points.xlsx"
    path.write_bytes(plant_workbook(layout, enterprise=tree.ent_a2.name))
    out = io.StringIO()
    call_command(
        "import_rows", "ldar.SealPoint", str(path), "--create-parents", "--user", "admin", stdout=out
    )
    assert SealPoint.objects.filter(enterprise=tree.ent_a2).count() == 10_000
    assert ProcessUnit.objects.filter(enterprise=tree.ent_a2).count() == 5
    # the same file again: every row is found by its key and is unchanged
    out = io.StringIO()
    call_command("import_rows", "ldar.SealPoint", str(path), "--user", "admin", stdout=out)
    assert SealPoint.objects.count() == 10_000
    assert "10000" in out.getvalue().replace(",", "")


def test_missing_parents_are_reported_when_the_user_chooses_so(tree, login):
    layout = plant_layout(60)
    client = login(tree.ent_a1_admin)
    result = upload(client, plant_workbook(layout), parents="report").context["result"]
    assert not result.ok and counts() == [0, 0, 0, 0, 0]
    assert {e.column for e in result.errors} == {"装置编码"}  # the first missing level of each row
    assert len(result.errors) == 60
    assert (
        f"“{layout[0]['unit_code']}”" in result.errors[0].message
        and tree.ent_a1.name in result.errors[0].message
    )
    ProcessUnit.objects.create(
        enterprise=tree.ent_a1, code=layout[0]["unit_code"], name=layout[0]["unit_name"]
    )
    result = upload(client, plant_workbook(layout), parents="report").context["result"]
    assert {e.column for e in result.errors} == {"区域编码"}  # the unit exists now; its areas do not


def test_a_dry_run_counts_the_parents_it_would_create_and_writes_nothing(tree, login):
    client = login(tree.ent_a1_admin)
    response = upload(client, plant_workbook(plant_layout(120)), parents="create", dry_run=True)
    result = response.context["result"]
    assert result.ok and result.dry_run and result.created == 120
    layout = plant_layout(120)
    expected = [
        len({tuple(r[k] for k in keys) for r in layout})
        for keys in (
            ("unit_code",),
            ("unit_code", "area_code"),
            ("unit_code", "area_code", "equipment_code"),
            ("unit_code", "area_code", "equipment_code", "group_code"),
        )
    ]
    assert [n for _name, n in result.parents] == expected
    assert counts() == [0, 0, 0, 0, 0]
    assert 'id="import-parents"' in response.content.decode()


# --- a flawed copy: every error, by row and column, nothing written ---


def flawed_rows(layout):
    rows = [cells(row, None)[1:] for row in layout]
    headers = list(HEADERS[1:])
    col = {name: headers.index(name) for name in headers}
    rows[2][col["密封点类型"]] = "球阀门"  # no such seal-point type
    rows[5][col["密封点编码"]] = rows[4][col["密封点编码"]]  # duplicate code in the same group
    rows[5][col["扩展号"]] = 99
    rows[8][col["是否可达"]] = "否"  # inaccessible without a reason
    rows[8][col["不可达原因"]] = ""
    rows[11][col["高度(m)"]] = "约4米"  # not a number
    rows[14][col["扩展号"]] = "三"  # not a whole number
    rows[17][col["物料状态"]] = "液体"  # not a material state
    rows[25][col["群组名称"]] = "另一个名字"  # the group is named differently in an earlier row
    return headers, rows


def test_a_flawed_copy_reports_every_error_by_row_and_column_and_writes_nothing(tree, login):
    layout = plant_layout(40)
    headers, rows = flawed_rows(layout)
    client = login(tree.ent_a1_admin)
    result = upload(client, workbook(headers, rows), parents="create").context["result"]
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (4, "密封点类型"),
        (7, "密封点编码"),
        (10, "不可达原因"),
        (13, "高度(m)"),
        (16, "扩展号"),
        (19, "物料状态"),
        (27, "群组名称"),
    }, [str(e) for e in result.errors]
    assert counts() == [0, 0, 0, 0, 0]


def test_a_missing_parent_is_reported_among_the_other_errors(tree):
    layout = plant_layout(30)
    headers, rows = flawed_rows(layout)
    ProcessUnit.objects.create(
        enterprise=tree.ent_a1, code=layout[0]["unit_code"], name=layout[0]["unit_name"]
    )
    result = run_import(tree.ent_a1_admin, workbook(headers, rows))  # report missing parents
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, set()).add(error.column)
    assert all("区域编码" in columns for columns in by_row.values())  # every row: its area is missing
    assert {"高度(m)"} < by_row[13] and {"不可达原因"} < by_row[10] and {"密封点类型"} < by_row[4]
    assert counts() == [1, 0, 0, 0, 0]


def test_the_error_report_workbook_marks_the_bad_cells(tree, login):
    layout = plant_layout(40)
    headers, rows = flawed_rows(layout)
    client = login(tree.ent_a1_admin)
    response = upload(client, workbook(headers, rows), parents="create")
    report = client.get(response.context["report_url"])
    book = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    data = book.worksheets[0]
    assert data.cell(row=13, column=headers.index("高度(m)") + 1).comment is not None
    listing = book.worksheets[1]
    assert listing.max_row - 1 == len(response.context["result"].errors)


def test_a_stored_parent_named_differently_is_an_error(tree, archive):
    row = plant_layout(1)[0] | {
        "unit_code": "CJY",
        "unit_name": "常减压",
        "area_code": "A01",
        "area_name": "常压塔区",
        "equipment_code": "T-101",
        "equipment_name": "常压塔",
        "group_code": "G0012",
        "group_name": "常压塔顶回流线",
        "code": "G0012-9",
        "extension_number": 9,
    }
    result = run_import(tree.ent_a1_admin, plant_workbook([row]), create_parents=True)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "装置名称", "常减压")]
    assert "“CJY”" in result.errors[0].message and "“常减压装置”" in result.errors[0].message
    assert SealPoint.objects.count() == 5


def test_a_bureau_must_name_the_enterprise_and_an_enterprise_cannot_import_into_another(tree):
    layout = plant_layout(3)
    result = run_import(tree.county_a_admin, plant_workbook(layout), create_parents=True)
    assert not result.ok  # a bureau may not add seal points at all
    result = run_import(
        tree.ent_a1_admin, plant_workbook(layout, enterprise=tree.ent_a2.name), create_parents=True
    )
    assert not result.ok and {e.column for e in result.errors} == {"企业名称"}  # ent_a2 is not theirs to see
    assert counts() == [0, 0, 0, 0, 0]


# --- batch update and batch delete by code ---


def test_an_existing_code_updates_the_row(tree, archive):
    group = archive.group
    row = {
        "unit_code": "CJY",
        "unit_name": "常减压装置",
        "area_code": "A01",
        "area_name": "常压塔区",
        "equipment_code": "T-101",
        "equipment_name": "常压塔",
        "group_code": "G0012",
        "group_name": "常压塔顶回流线",
    }
    content = workbook(
        [
            "装置编码",
            "区域编码",
            "设备编码",
            "群组编码",
            "密封点编码",
            "扩展号",
            "密封点类型",
            "是否可达",
            "不可达原因",
        ],
        [
            [
                row["unit_code"],
                row["area_code"],
                row["equipment_code"],
                row["group_code"],
                "G0012-1",
                1,
                "法兰",
                "否",
                "保温层包裹",
            ],
            [
                row["unit_code"],
                row["area_code"],
                row["equipment_code"],
                row["group_code"],
                "G0012-4",
                4,
                "阀门",
                "是",
                "",
            ],
        ],
    )
    result = run_import(tree.ent_a1_admin, content)
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (1, 1)
    point = SealPoint.objects.get(group=group, code="G0012-1")
    assert (
        point.seal_type.code == "flange"
        and not point.accessible
        and point.inaccessible_reason == "保温层包裹"
    )
    new = SealPoint.objects.get(group=group, code="G0012-4")
    assert new.tag == "G0012-4" and new.material_state == "light_liquid"  # from the group
    assert new.enterprise_id == tree.ent_a1.pk and new.equipment_id == archive.equipment.pk


def delete_workbook(codes):
    return workbook(
        ["装置编码", "区域编码", "设备编码", "群组编码", "密封点编码"],
        [["CJY", "A01", "T-101", "G0012", code] for code in codes],
    )


def test_batch_delete_by_code_is_all_or_nothing_and_reports_every_unknown_code(tree, archive, login):
    client = login(tree.ent_a1_admin)
    response = upload(client, delete_workbook(["G0012-1", "G0012-7", "G0012-2", "G0012-8"]), mode="delete")
    result = response.context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "密封点编码"), (5, "密封点编码")]
    assert SealPoint.objects.filter(group=archive.group).count() == 3
    response = upload(client, delete_workbook(["G0012-1", "G0012-2"]), mode="delete")
    assert response.context["result"].deleted == 2
    assert list(SealPoint.objects.filter(group=archive.group).values_list("code", flat=True)) == ["G0012-3"]


def test_the_command_deletes_by_code(tree, archive, tmp_path):
    path = tmp_path / "delete.xlsx"
    path.write_bytes(delete_workbook(["G0012-3", "G0012-99"]))
    with pytest.raises(CommandError):
        call_command(
            "import_rows", "ldar.SealPoint", str(path), "--delete", "--user", "ent_a1", stdout=io.StringIO()
        )
    assert SealPoint.objects.filter(group=archive.group).count() == 3
    path.write_bytes(delete_workbook(["G0012-3"]))
    call_command(
        "import_rows", "ldar.SealPoint", str(path), "--delete", "--user", "ent_a1", stdout=io.StringIO()
    )
    assert SealPoint.objects.filter(group=archive.group).count() == 2


def test_a_unit_with_seal_points_cannot_be_deleted_by_import(tree, archive):
    content = workbook(["装置编码"], [["CJY"]])
    result = Importer(ProcessUnit, tree.ent_a1_admin, delete_listed=True).run(read_sheet("u.xlsx", content))
    assert [(e.row, e.column) for e in result.errors] == [(2, "")]
    # The message names what still uses the unit (the first few, in the database's order).
    assert "仍在使用中" in result.errors[0].message and "G0012" in result.errors[0].message
    assert ProcessUnit.objects.filter(pk=archive.unit.pk).exists()


# --- every level round-trips through its template and its export ---


@pytest.mark.parametrize(
    "model", [ProcessUnit, Area, Equipment, ComponentGroup, SealPoint, UnitShutdown, DetectionInstrument]
)
def test_every_levels_template_imports_as_it_is(tree, archive, login, model):
    """The example row of each template (which names the fixture's own parents) passes every check."""
    registration = registration_for(model)
    client = login(tree.ent_a1_admin)
    template = client.get(registration.url("import_template"))
    before = model.objects.count()
    result = Importer(model, tree.ent_a1_admin, dry_run=True).run(
        read_sheet("template.xlsx", template.content)
    )
    assert result.ok and result.rows == 1, [str(e) for e in result.errors]
    assert model.objects.count() == before


@override_settings(LANTIAN_IMPORT_INLINE_ROWS=5)
def test_a_background_import_keeps_the_users_choices(tree, login):
    client = login(tree.ent_a1_admin)
    upload(client, plant_workbook(plant_layout(30)), parents="create")
    job = Job.objects.get(owner=tree.ent_a1_admin)
    assert job.status == Job.Status.SUCCEEDED and job.arguments["create_parents"] is True
    assert SealPoint.objects.count() == 30
