"""The import machinery around the engine: the template workbook, CSV uploads, background jobs above
the inline limit, and the import_rows management command."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from lantian.core.models import Division, Job, Organization
from tests.core.test_import_organizations import HEADERS, acceptance_rows, break_five, upload, xlsx

pytestmark = pytest.mark.django_db


def csv_bytes(rows, encoding) -> bytes:
    return "\r\n".join(",".join(str(cell) for cell in row) for row in rows).encode(encoding)


def test_the_template_has_marked_headers_dropdowns_an_example_and_instructions(tree, login):
    client = login(tree.city_admin)
    response = client.get(reverse("core:organization_import_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    data, guide, options = workbook.worksheets
    headers = [cell.value for cell in data[1]]
    assert headers[:3] == ["名称*", "简称", "类型*"] and headers[-1] == "删除"
    assert data["C2"].value == "企业" and data["A2"].comment is not None  # the example row
    assert options.sheet_state == "hidden" and data.sheet_state == "visible"
    validated = {str(v.sqref).split(":")[0]: v.formula1 for v in data.data_validations.dataValidation}
    assert set(validated) >= {"C2", "L2", "M2"}  # kind, active, delete
    kinds = [options.cell(row=r, column=3).value for r in range(2, 8)]
    assert kinds == [label for _value, label in Organization.Kind.choices]
    explained = {row[0] for row in guide.iter_rows(values_only=True) if row[0]}
    assert {"名称", "上级单位", "统一社会信用代码", "经度", "删除"} <= explained


def test_a_relation_with_few_choices_gets_a_dropdown_of_the_keys_the_user_may_see(tree, login):
    client = login(tree.county_a_admin)
    workbook = load_workbook(io.BytesIO(client.get(reverse("core:user_import_template")).content))
    data, _guide, options = workbook.worksheets
    headers = [cell.value for cell in data[1]]
    roles = headers.index("角色*") + 1
    offered = [options.cell(row=r, column=roles).value for r in range(2, options.max_row + 1)]
    assert "企业管理员" in offered and "系统管理员" not in [o for o in offered if o]  # cannot see it
    organizations = headers.index("所属单位*") + 1
    assert {"甲县分局", "甲一化工", "甲二石化"} <= set(
        options.cell(row=r, column=organizations).value for r in range(2, options.max_row + 1)
    )
    assert "乙县分局" not in {options.cell(row=r, column=organizations).value for r in range(2, 20)}


def test_the_division_template_imports_as_it_is(tree, login):
    client = login(tree.admin)
    template = client.get(reverse("core:division_import_template")).content
    result = upload(client, template, url="core:division_import").context["result"]
    assert result.ok and result.unchanged == 1, [str(e) for e in result.errors]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_or_utf8_with_or_without_bom(tree, login, encoding):
    client = login(tree.city_admin)
    rows = [HEADERS, *acceptance_rows()[:5]]
    response = upload(client, csv_bytes(rows, encoding), name="organizations.csv")
    result = response.context["result"]
    assert result.ok and result.created == 5, [str(e) for e in result.errors]
    assert Organization.objects.get(name="企业00").division.code == "610323"


def test_the_error_report_of_a_csv_upload_is_an_xlsx_copy(tree, login):
    client = login(tree.city_admin)
    rows = [HEADERS, *break_five(acceptance_rows())]
    response = upload(client, csv_bytes(rows, "gbk"), name="organizations.csv")
    assert len(response.context["result"].errors) == 5
    report = client.get(response.context["report_url"])
    workbook = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert workbook.worksheets[0].cell(row=52, column=7).value == "东经107度"
    assert workbook.worksheets[0].cell(row=52, column=7).comment is not None


def test_files_that_are_not_spreadsheets_are_refused_with_a_message(tree, login):
    client = login(tree.city_admin)
    response = upload(client, b"\xd0\xcf\x11\xe0" + b"\x00" * 100, name="old.xls")
    assert response.context["form"].errors["file"] and "result" not in response.context
    response = upload(client, b"", name="empty.csv")
    assert response.context["form"].errors["file"]


@override_settings(LANTIAN_IMPORT_INLINE_ROWS=10)
def test_above_the_inline_limit_the_import_runs_as_a_job_to_100_percent(tree, login):
    client = login(tree.city_admin)
    response = upload(client, xlsx(HEADERS, acceptance_rows()))
    job = Job.objects.get(owner=tree.city_admin)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert "55" in job.message and Organization.objects.filter(name__startswith="企业").count() == 53
    assert client.get(job.get_absolute_url()).status_code == 200


@override_settings(LANTIAN_IMPORT_INLINE_ROWS=10)
def test_a_job_with_errors_fails_with_every_error_and_the_marked_workbook(tree, login):
    client = login(tree.city_admin)
    before = Organization.objects.count()
    upload(client, xlsx(HEADERS, break_five(acceptance_rows())))
    job = Job.objects.get(owner=tree.city_admin)
    assert job.status == Job.Status.FAILED and len(job.errors) == 5 and job.result
    assert Organization.objects.count() == before
    report = client.get(reverse("core:job_result", args=[job.pk]))
    assert report.status_code == 200


def test_the_management_command_prints_the_same_report_and_fails_on_errors(tree, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(HEADERS, break_five(acceptance_rows())))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_rows", "core.Organization", str(bad), "--user", "city", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 5 and "12" in lines[0] and "统一社会信用代码" in lines[0] and "东经107度" in lines[4]
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(HEADERS, acceptance_rows()))
    out = io.StringIO()
    call_command("import_rows", "core.organization", str(good), "--dry-run", "--user", "city", stdout=out)
    assert "55" in out.getvalue() and not Organization.objects.filter(name="丙县分局").exists()
    call_command("import_rows", "core.organization", str(good), stdout=io.StringIO())
    assert Organization.objects.filter(name__startswith="企业").count() == 53
    with pytest.raises(CommandError):
        call_command("import_rows", "core.organization", str(good), "--user", "ent_a1", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_rows", "core.role", str(good), stdout=io.StringIO())
    assert Division.objects.filter(code="610326").exists()
