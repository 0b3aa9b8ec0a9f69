"""The LDAR archive in the browser: walk the tree from the enterprises down to a seal point, filter the
seal-point list, and import a flawed workbook to see its errors."""

import io

from openpyxl import Workbook

from tests.browser.test_shell import sign_in


def test_the_bureau_walks_the_archive_tree_down_to_a_seal_point(demo_site, page, screenshot):
    from lantian.ldar.models import SealPoint

    valid = SealPoint.objects.filter(enterprise__name="渭川金泰石化有限公司", is_valid=True).count()
    sign_in(page, demo_site, "bureau")
    assert page.locator("aside a[href='/ldar/archive/']").count() == 1  # in the LDAR menu
    page.goto(f"{demo_site}/ldar/archive/")
    tree = page.locator("#archive-tree")
    assert "金泰石化" in tree.inner_text() and "宏远化工" in tree.inner_text()
    screenshot("ldar-tree-root")
    page.click("#archive-tree a:has-text('金泰石化')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#point-counts [data-count=total]").inner_text() == str(valid)
    # down the children tables: a unit, an area, a piece of equipment, a group
    for level in ("unit", "area", "equipment", "group"):
        page.locator("#children tbody tr a").first.click()
        page.wait_for_load_state("networkidle")
        assert f"/ldar/archive/{level}/" in page.url
        if level == "unit":
            screenshot("ldar-tree-unit")
    assert page.locator("#archive-tree [aria-current=true]").count() == 1
    assert page.locator("#points tbody tr").count() >= 5
    screenshot("ldar-tree-group")
    tag = page.locator("#points tbody tr a").first.inner_text()
    page.locator("#points tbody tr a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#point-tag").inner_text() == tag
    assert page.locator("#point-path").is_visible()
    assert page.js_errors == []
    screenshot("ldar-seal-point")
    page.locator("#point-path a").nth(4).click()  # its group's page: fields, counts, the points
    page.wait_for_load_state("networkidle")
    assert page.locator("#points tbody tr").count() >= 5 and page.locator("#point-counts").is_visible()
    screenshot("ldar-group-detail")
    page.goto(f"{demo_site}/ldar/enterpriseprofiles/")
    page.locator("table tbody tr a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#review").count() == 1  # the review card of the core flow
    assert page.js_errors == []
    screenshot("ldar-profile")


def test_the_seal_point_list_filters_by_unit_and_accessibility(demo_site, page, screenshot):
    sign_in(page, demo_site, "agency")  # serves both demo enterprises: reads, never writes
    page.goto(f"{demo_site}/ldar/sealpoints/?accessible=false")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    assert page.locator("a:has-text('新增'), a:has-text('导入')").count() == 0
    screenshot("ldar-seal-points-filtered")


def flawed_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "装置编码",
            "装置名称",
            "区域编码",
            "区域名称",
            "设备编码",
            "设备名称",
            "群组编码",
            "群组名称",
            "密封点编码",
            "密封点类型",
            "扩展号",
            "物料状态",
            "是否可达",
            "不可达原因",
            "高度(m)",
        ]
    )
    base = ["BYX", "", "A01", "", "V-101", "", "G00001", ""]  # a group of the demo's chemical works
    sheet.append([*base, "G00001-11", "阀门", 11, "轻液", "是", "", 3.5])
    sheet.append([*base, "G00001-12", "蝶阀", 12, "轻液", "是", "", 3.5])  # no such type
    sheet.append([*base, "G00001-13", "法兰", 13, "轻液", "否", "", 3.5])  # inaccessible without reason
    sheet.append([*base, "G00001-14", "法兰", 14, "轻液", "是", "", "约四米"])  # not a number
    sheet.append(
        [
            "XX",
            "不存在的装置",
            "A01",
            "区",
            "E-1",
            "设备",
            "G1",
            "群组",
            "G1-1",
            "阀门",
            1,
            "气体",
            "是",
            "",
            1,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_enterprise_imports_a_flawed_workbook_and_sees_every_error(demo_site, page, screenshot, tmp_path):
    from lantian.ldar.models import SealPoint

    path = tmp_path / "密封点台账.xlsx"
    path.write_bytes(flawed_workbook())
    sign_in(page, demo_site, "enterprise")
    page.goto(f"{demo_site}/ldar/sealpoints/import/")
    page.set_input_files("input[type=file]", str(path))
    page.check("input[name=missing_parents][value=report]")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 4  # a bad type, a missing reason, a bad number, a missing unit
    rows = [row.locator("td").all_inner_texts() for row in errors.all()]
    assert [(row[0], row[1]) for row in rows] == [
        ("3", "密封点类型"),
        ("4", "不可达原因"),
        ("5", "高度(m)"),
        ("6", "装置编码"),
    ]
    assert not SealPoint.objects.filter(code="G00001-11").exists()  # nothing half-written
    assert page.locator("#error-report").is_visible()
    assert page.js_errors == []
    screenshot("ldar-import-errors")
