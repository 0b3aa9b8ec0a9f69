"""An enterprise's whole power archive in one workbook: template, export, import (all or nothing, by
sheet, row and column), round trip, hostile text, scope and the reader's limits."""

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from lantian.core.excel.reading import ReadError, read_workbook
from lantian.power import archive
from lantian.power.models import (
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
)
from tests.power.factories import device, plant_of

pytestmark = pytest.mark.django_db
MODELS = (PowerProfile, ProductionFacility, TreatmentFacility, MonitoringPoint, RunningThreshold)


def part(key):
    return next(p for p in archive.PARTS if p.key == key)


def headers(key) -> list[str]:
    with translation.override("zh-hans"):
        return [column.marked_header for column in part(key).columns()]


def title(key) -> str:
    with translation.override("zh-hans"):
        return str(part(key).title)


def workbook(sheets: dict) -> bytes:
    """A workbook of the given sheets: part key → rows of cells by header (missing cells empty)."""
    book = Workbook()
    book.remove(book.active)
    for key, rows in sheets.items():
        sheet = book.create_sheet(title(key))
        names = headers(key)
        sheet.append(names)
        for row in rows:
            sheet.append([row.get(name.rstrip("*")) for name in names])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(user, content: bytes, dry_run=False, **options):
    return archive.import_archive(user, read_workbook("archive.xlsx", content), dry_run=dry_run, **options)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "links": TreatmentFacility.serves.through.objects.count()
    }


def link(treatment, production) -> dict:
    names = [name.rstrip("*") for name in headers("links")]
    return {names[0]: treatment, names[1]: production}


def ratios(point: dict) -> dict:
    """A point's CT and PT ratios, 1 unless given (an empty cell would clear them: refused)."""
    return {"CT 变比": 1, "PT 变比": 1, **point}


def new_archive(tree, **changes) -> dict:
    """A complete archive of enterprise A1, as one would fill the template."""
    for mn in ("WCP0000001", "WCP0000002", "WCP0000003", "WCP0000004"):
        device(tree.ent_a1, mn)
    sheets = {
        "profile": [
            {
                "企业": tree.ent_a1.credit_code,
                "统一社会信用代码": tree.ent_a1.credit_code,
                "行业类别": "化学原料和化学制品制造业",
                "行业小类": "2614",
                "地址": "渭川市化工园区 8 号",
                "经度": 107.23,
                "纬度": 34.36,
            }
        ],
        "production": [{"编码": "SC01", "名称": "1#反应釜"}, {"编码": "SC02", "名称": "2#反应釜"}],
        "treatment": [{"编码": "ZW01", "名称": "活性炭吸附"}, {"编码": "ZW02", "名称": "喷淋塔"}],
        "links": [link("ZW01", "SC01"), link("ZW01", "SC02"), link("ZW02", "SC02")],
        "points": [
            {"编码": "DB00", "名称": "总电表", "监测点类型": "总进线", "HJ 212 电表": "WCP0000001"},
            {
                "编码": "DB01",
                "名称": "1#反应釜电表",
                "监测点类型": "产污设施",
                "产污设施": "SC01",
                "HJ 212 电表": "WCP0000002",
                "额定功率（kW）": 75,
                "CT 变比": 40,
            },
            {
                "编码": "DB02",
                "名称": "2#反应釜电表",
                "监测点类型": "产污设施",
                "产污设施": "SC02",
                "HJ 212 电表": "WCP0000003",
            },
            {
                "编码": "DB03",
                "名称": "活性炭电表",
                "监测点类型": "治污设施",
                "治污设施": "ZW01",
                "HJ 212 电表": "WCP0000004",
                "PT 变比": 2,
            },
        ],
        "thresholds": [
            {"监测点": "DB01", "生效时间": "2026-01-05 00:00", "运行阈值（kW）": 5},
            {"监测点": "DB01", "生效时间": "2026-03-01 00:00", "运行阈值（kW）": 8},
            {"监测点": "DB03", "生效时间": "2026-01-05 00:00", "运行阈值（kW）": 3},
        ],
    }
    sheets["points"] = [ratios(point) for point in sheets["points"]]
    sheets.update(changes)
    return sheets


def test_the_headers_are_the_models_own(tree):
    """The test data above names the columns as the template does (a renamed field fails here)."""
    assert headers("production")[:2] == ["编码*", "名称*"]
    assert "HJ 212 电表" in headers("points") and "运行阈值（kW）*" in headers("thresholds")
    assert len(headers("links")) == 3 and headers("links")[2] == "删除"
    assert "企业*" in headers("profile") and "企业" not in " ".join(headers("points"))


def test_a_whole_new_archive_dry_run_then_for_real(tree):
    content = workbook(new_archive(tree))
    before = counts()
    dry = run(tree.ent_a1_admin, content, dry_run=True)
    assert dry.ok, dry.errors
    assert counts() == before  # a dry run writes nothing
    by_sheet = {s.part.key: (s.created, s.updated, s.unchanged) for s in dry.sheets}
    assert by_sheet == {
        "profile": (1, 0, 0),
        "production": (2, 0, 0),
        "treatment": (2, 0, 0),
        "links": (3, 0, 0),
        "points": (4, 0, 0),
        "thresholds": (3, 0, 0),
    }
    result = run(tree.ent_a1_admin, content, cid="req-1")
    assert result.ok and result.enterprise == tree.ent_a1 and result.totals()["created"] == 15
    profile = PowerProfile.objects.get(enterprise=tree.ent_a1)
    assert profile.industry_small_category == "2614" and str(profile.longitude) == "107.230000"
    zw01 = TreatmentFacility.objects.get(enterprise=tree.ent_a1, code="ZW01")
    assert sorted(zw01.serves.values_list("code", flat=True)) == ["SC01", "SC02"]
    db01 = MonitoringPoint.objects.get(code="DB01")
    assert db01.production_facility.code == "SC01" and db01.device.mn == "WCP0000002"
    assert db01.ct_ratio == 40 and db01.pt_ratio == 1 and db01.rated_power_kw == 75
    assert MonitoringPoint.objects.get(code="DB03").treatment_facility == zw01
    first, second = RunningThreshold.objects.filter(point=db01).order_by("valid_from")
    assert first.valid_until == second.valid_from and second.valid_until is None  # history resynced
    logged = LogEntry.objects.filter(cid="req-1")
    assert logged.filter(action=LogEntry.Action.CREATE).count() == 12  # the links: on their facility
    serves = logged.get(action=LogEntry.Action.UPDATE, object_pk=str(zw01.pk))
    assert "SC01" in str(serves.changes)


def test_export_then_import_unchanged_changes_nothing(tree, client, login):
    run(tree.ent_a1_admin, workbook(new_archive(tree)))
    plant_of(tree, tree.ent_a2)  # another enterprise's archive stays out of the export
    login(tree.ent_a1_admin)
    response = client.get(reverse("power:archive_export", args=[tree.ent_a1.pk]))
    assert response.status_code == 200
    sheets = read_workbook("export.xlsx", response.content)
    assert [s.name for s in sheets] == [title(p.key) for p in archive.PARTS]
    assert len(sheets[1].rows) == 2 and len(sheets[3].rows) == 3 and len(sheets[5].rows) == 3
    before, logged = counts(), LogEntry.objects.count()
    result = archive.import_archive(tree.ent_a1_admin, sheets, dry_run=False)
    assert result.ok, result.errors
    assert result.totals() == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 15}
    assert counts() == before and LogEntry.objects.count() == logged


def test_an_edited_export_updates_and_removes_a_link(tree):
    run(tree.ent_a1_admin, workbook(new_archive(tree)))
    content = archive.export_workbook(tree.ent_a1_admin, tree.ent_a1)
    book = load_workbook(io.BytesIO(content))
    book[title("production")]["B2"] = "1#反应釜（改）"
    links = book[title("links")]
    links["C1"] = "删除"  # the export leaves the delete column out, as every export does
    links["C2"] = "是"  # ZW01 → SC01 removed
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(tree.ent_a1_admin, buffer.getvalue())
    assert result.ok, result.errors
    assert ProductionFacility.objects.get(code="SC01").name == "1#反应釜（改）"
    zw01 = TreatmentFacility.objects.get(code="ZW01")
    assert list(zw01.serves.values_list("code", flat=True)) == ["SC02"]


def test_a_bad_row_in_the_last_sheet_writes_nothing_and_says_where(tree):
    sheets = new_archive(tree)
    sheets["thresholds"] = [
        *sheets["thresholds"],
        {"监测点": "DB02", "生效时间": "2026-01-05", "运行阈值（kW）": "很高"},
    ]
    before, logged = counts(), LogEntry.objects.count()
    result = run(tree.ent_a1_admin, workbook(sheets))
    assert not result.ok
    assert counts() == before and LogEntry.objects.count() == logged  # nothing of any sheet
    [(sheet, error)] = result.errors
    assert sheet == title("thresholds") and error.row == 5 and error.column == "运行阈值（kW）"
    assert error.value == "很高" and error.message == "输入一个数字。"


def test_follow_up_errors_name_the_earlier_sheet(tree):
    sheets = new_archive(tree)
    sheets["production"][1]["名称"] = ""  # SC02 cannot be added
    result = run(tree.ent_a1_admin, workbook(sheets), dry_run=True)
    by_sheet = {}
    for sheet, error in result.errors:
        by_sheet.setdefault(sheet, []).append(error)
    assert [e.column for e in by_sheet[title("production")]] == ["名称"]
    # nothing of a sheet with errors is written: its good rows are not there for later sheets either
    links = by_sheet[title("links")]
    assert [e.value for e in links] == ["SC01", "SC02", "SC02"]
    assert links[0].message == archive.follow_up(ProductionFacility, "SC01")
    follow = by_sheet[title("points")][0]
    assert follow.column == "产污设施" and follow.value == "SC01"
    assert follow.message == archive.follow_up(ProductionFacility, "SC01")


def test_the_rules_are_the_forms(tree):
    """A threshold on a total point, a point changing its kind, a meter of another enterprise."""
    run(tree.ent_a1_admin, workbook(new_archive(tree)))
    other = device(tree.ent_a2, "WCP0000099")
    sheets = {
        "profile": [{"企业": tree.ent_a1.credit_code, "统一社会信用代码": tree.ent_a1.credit_code,
                     "行业类别": "化学原料和化学制品制造业"}],
        "points": [
            ratios({"编码": "DB00", "名称": "总电表", "监测点类型": "产污设施", "产污设施": "SC01"}),
            ratios({"编码": "DB09", "名称": "新电表", "监测点类型": "总进线", "HJ 212 电表": other.mn}),
        ],
        "thresholds": [{"监测点": "DB00", "生效时间": "2026-01-05", "运行阈值（kW）": 1}],
    }  # fmt: skip
    result = run(tree.ent_a1_admin, workbook(sheets), dry_run=True)
    found = {(sheet, error.row, error.column) for sheet, error in result.errors}
    assert (title("points"), 2, "监测点类型") in found  # a stored point keeps its kind
    assert (title("points"), 3, "HJ 212 电表") in found  # the meter is another enterprise's
    assert (title("thresholds"), 2, "监测点") in found  # no threshold on a total point


def test_hostile_names_stay_inert_in_the_export_and_come_back_unchanged(tree):
    plant = plant_of(tree, tree.ent_a1)
    hostile = '=HYPERLINK("http://evil.example","点我")'
    ProductionFacility.objects.filter(pk=plant.production.pk).update(name=hostile)
    TreatmentFacility.objects.filter(pk=plant.treatment.pk).update(name="@SUM(1+1)", remark="－1+2")
    content = archive.export_workbook(tree.ent_a1_admin, tree.ent_a1)
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    names = [c.value for c in book[title("production")]["B"]]
    assert "'" + hostile in names
    result = run(tree.ent_a1_admin, content)
    assert result.ok, result.errors
    assert result.totals()["created"] == result.totals()["updated"] == 0
    assert ProductionFacility.objects.get(pk=plant.production.pk).name == hostile


def test_an_enterprise_imports_only_its_own_archive(tree):
    content = workbook(new_archive(tree))
    before = counts()
    for outsider in (tree.ent_a2_admin, tree.county_b_admin, tree.agency_admin):
        result = run(outsider, content)
        assert not result.ok and counts() == before
    result = run(tree.ent_a2_admin, content)
    sheet, error = result.errors[0]
    assert sheet == title("profile") and error.column == "企业" and error.row == 2


def test_the_bureau_imports_an_archive_of_its_jurisdiction(tree):
    result = run(tree.county_a_admin, workbook(new_archive(tree)))
    assert result.ok, result.errors
    assert MonitoringPoint.objects.filter(enterprise=tree.ent_a1).count() == 4


def test_the_enterprise_cannot_slip_rows_into_another_enterprise(tree):
    """The profile names A1; a facility sheet with an enterprise column naming A2 finds nothing."""
    sheets = new_archive(tree)
    content = workbook(sheets)
    book = load_workbook(io.BytesIO(content))
    production = book[title("production")]
    production["D1"], production["D2"] = "企业", tree.ent_a2.credit_code
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(tree.county_a_admin, buffer.getvalue())
    assert [(s, e.row, e.column) for s, e in result.errors][:1] == [(title("production"), 2, "企业")]
    assert not ProductionFacility.objects.filter(enterprise=tree.ent_a2).exists()


def test_oversized_workbooks_are_refused_before_they_are_read(tree):
    book = Workbook()
    book.active.title = title("profile")
    book.active["A1"] = "企业"
    book.active.cell(row=1_000_000, column=1, value="x")  # the sheet claims a million rows
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ReadError, match="1000000"):
        read_workbook("big.xlsx", buffer.getvalue())
    with override_settings(LANTIAN_IMPORT_MAX_BYTES=1000), pytest.raises(ReadError):
        read_workbook("archive.xlsx", workbook(new_archive(tree)))


def test_pages_template_import_and_export(tree, client, login):
    login(tree.ent_a1_admin)
    page = client.get(reverse("power:archive_import"))
    assert page.status_code == 200
    template = load_workbook(io.BytesIO(client.get(reverse("power:archive_template")).content))
    assert template.sheetnames[:6] == [title(p.key) for p in archive.PARTS]
    points = template[title("points")]
    assert [c.value for c in points[1]] == headers("points")
    validated = {str(v.sqref).split(":")[0] for v in points.data_validations.dataValidation}
    assert "C2" in validated  # the kind: a dropdown
    assert "D2" not in validated  # a production facility: its code may be one the workbook adds
    offered = {cell.value for row in template.worksheets[-1].iter_rows() for cell in row}
    assert tree.ent_a1.credit_code in offered and tree.ent_a2.credit_code not in offered  # own only
    upload = io.BytesIO(workbook(new_archive(tree)))
    upload.name = "archive.xlsx"
    response = client.post(reverse("power:archive_import"), {"file": upload, "dry_run": "on"})
    assert response.status_code == 200 and b'id="archive-sheets"' in response.content
    assert not PowerProfile.objects.exists()
    upload.seek(0)
    response = client.post(reverse("power:archive_import"), {"file": upload})
    assert PowerProfile.objects.filter(enterprise=tree.ent_a1).exists()
    assert client.get(reverse("power:archive_export", args=[tree.ent_a2.pk])).status_code == 404
    client.logout()
    login(tree.agency_admin)
    assert client.get(reverse("power:archive_import")).status_code == 403


def test_a_csv_or_a_broken_file_is_refused_on_the_page(tree, client, login):
    login(tree.ent_a1_admin)
    upload = io.BytesIO("企业,行业\n".encode())
    upload.name = "archive.csv"
    response = client.post(reverse("power:archive_import"), {"file": upload, "dry_run": "on"})
    assert response.status_code == 200 and "xlsx" in response.content.decode()


def test_threshold_import_resyncs_the_history(tree):
    """The model's own import (rows written in bulk, without save()) keeps valid_until too."""
    from lantian.core.excel.importing import import_sheet
    from lantian.core.excel.reading import read_sheet

    plant = plant_of(tree, tree.ent_a1)
    point = plant.production_point
    book = Workbook()
    book.active.append(["监测点", "生效时间", "运行阈值（kW）"])
    book.active.append([point.code, "2026-06-01 00:00", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_sheet(RunningThreshold, read_sheet("t.xlsx", buffer.getvalue()), tree.ent_a1_admin)
    assert result.ok, result.errors
    earlier = RunningThreshold.objects.filter(point=point).order_by("valid_from").first()
    assert earlier.valid_until == timezone.make_aware(datetime.datetime(2026, 6, 1))
