"""A 20,000-reading instrument export of an agency: a flawed copy reports every bad row (unknown tags by
row, bad numbers, impossible times, the same reading twice) and writes nothing; the corrected copy
imports through ``manage.py import_rows`` in one go, its work orders checked by the guard rails once,
after the commit."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from lantian.core.excel.importing import Importer
from lantian.core.excel.reading import read_sheet
from lantian.ldar.demo import build_archive, plant_layout
from lantian.ldar.models import Area, DetectionRecord, SealPoint, WorkOrder, WorkOrderCheck, WorkPlan
from tests.ldar.cases import detection

pytestmark = pytest.mark.django_db
ROWS = 20_000
HEADERS = [
    "企业名称",
    "年度",
    "轮次",
    "标签号",
    "本底值",
    "检测值",
    "风向",
    "仪器编号",
    "检测人员",
    "开始时间",
    "结束时间",
]


def export(d, tags, broken=()) -> tuple[bytes, dict]:
    """The instrument export of ``tags``; ``broken`` names the rows (0-based) to spoil, and the answer
    maps each spoiled row's Excel number to the header its error must name."""
    rng = random.Random(7)
    start = datetime.datetime(2026, 4, 6, 8, 0, 0)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    expected = {}
    rows = []
    for i, tag in enumerate(tags):
        at = start + datetime.timedelta(seconds=45 * i)
        row = [d.tree.ent_a1.credit_code, 2026, 1, tag, round(rng.uniform(0.5, 3), 1),
               round(rng.uniform(3, 200), 1), "东北", d.instrument.serial_number, "张伟", at,
               at + datetime.timedelta(seconds=rng.randint(18, 40))]  # fmt: skip
        rows.append(row)
    for kind, i in broken:
        number = i + 2  # Excel's row number: the header is row 1
        if kind == "unknown tag":
            rows[i][3], expected[number] = f"X{i}-1", "标签号"
        elif kind == "bad number":
            rows[i][5], expected[number] = "约三十", "检测值"
        elif kind == "ends before it starts":
            rows[i][10], expected[number] = rows[i][9] - datetime.timedelta(seconds=5), "结束时间"
        elif kind == "twice":
            rows[i][3], rows[i][9], rows[i][10] = rows[0][3], rows[0][9], rows[0][10]
            expected[number] = None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), expected


def test_a_20000_row_export_reports_every_bad_row_writes_nothing_then_imports_whole(
    tree, tmp_path, django_capture_on_commit_callbacks
):
    d = detection(tree)
    layout = plant_layout(ROWS)
    for row in layout:  # beside the archive's own unit and group
        row["unit_code"], row["group_code"] = f"Z{row['unit_code']}", f"Z{row['group_code']}"
        row["code"] = f"{row['group_code']}-{row['extension_number']}"
    build_archive(tree.ent_a1, layout)
    for area in Area.objects.filter(enterprise=tree.ent_a1).exclude(pk=d.archive.area.pk):
        plan = WorkPlan.objects.create(
            cycle=d.cycle,
            area=area,
            start_date=datetime.date(2026, 4, 1),
            collection_end_date=datetime.date(2026, 6, 30),
        )
        WorkOrder.objects.create(plan=plan)
    tags = list(
        SealPoint.objects.filter(enterprise=tree.ent_a1)
        .exclude(group=d.archive.group)
        .order_by("pk")
        .values_list("tag", flat=True)[:ROWS]
    )
    assert len(tags) == ROWS
    before = DetectionRecord.objects.count()
    broken = [("unknown tag", 100), ("unknown tag", 15_001), ("bad number", 4_999),
              ("ends before it starts", 12_000), ("twice", 19_998)]  # fmt: skip
    content, expected = export(d, tags, broken)

    result = Importer(DetectionRecord, tree.agency_admin).run(read_sheet("readings.xlsx", content))
    assert not result.ok
    assert {e.row for e in result.errors} == set(expected)
    for error in result.errors:
        if expected[error.row] is not None:
            assert error.column == expected[error.row], error
    unknown = [e for e in result.errors if e.row == 102]
    assert unknown and "X100-1" in str(unknown[0].value)
    assert DetectionRecord.objects.count() == before  # nothing half-written

    good, _none = export(d, tags)
    path = tmp_path / "readings.xlsx"
    path.write_bytes(good)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command(
            "import_rows", "ldar.DetectionRecord", str(path), "--user", "agency", stdout=io.StringIO()
        )
    assert DetectionRecord.objects.count() == before + ROWS
    assert len(callbacks) == 1  # the guard rails (and every follower) told once for the whole file
    orders = set(
        DetectionRecord.objects.exclude(work_order=d.order).values_list("work_order", flat=True)
    )  # the work orders of the file's readings (the fixture's own one was not written)
    assert None not in orders and len(orders) > 20
    assert WorkOrderCheck.objects.filter(work_order__in=orders).count() == len(orders)
