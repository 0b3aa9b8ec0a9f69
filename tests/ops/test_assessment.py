"""The monthly assessment: the Renhe scheme's score of a hand-built month, deductions proposed from the
records, decided by the client, and the Word work report read back."""

import io
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from lantian.ops import assessment
from lantian.ops import models as m
from lantian.ops.scoring import penalty, score_month
from tests.ops import helpers as h

GRADES = (("优秀", 85), ("良好", 75), ("达标", 60))
RENHE = {
    "考勤": 10,
    "巡检": 10,
    "案件上报": 10,
    "故障响应": 10,
    "信息安全": 10,
    "数据备份": 10,
    "投诉": 10,
    "工作报告": 5,
    "信息泄露": 10,
    "安全事故": 10,
    "工作作风": 5,
}


def test_renhe_score_by_hand():
    assert sum(RENHE.values()) == 100
    # Two missed inspection days (−2), one item (−0.5), three SLA breaches (−6), twelve days of missing
    # backups (−24, capped at the category's 10).
    deductions = [("巡检", Decimal(1), False)] * 2 + [("巡检", Decimal("0.5"), False)]
    deductions += [("故障响应", Decimal(2), False)] * 3 + [("数据备份", Decimal(2), False)] * 12
    result = score_month(RENHE, deductions, GRADES, "不达标")
    assert result.score == Decimal("81.5") and result.grade == "良好"
    assert result.lost["数据备份"] == 10
    assert score_month(RENHE, [], GRADES, "不达标").grade == "优秀"
    forty = [
        ("考勤", Decimal(10), False),
        ("巡检", Decimal(10), False),
        ("故障响应", Decimal(10), False),
        ("数据备份", Decimal(10), False),
    ]
    assert score_month(RENHE, forty, GRADES, "不达标").grade == "达标"  # exactly 60
    assert score_month(RENHE, [*forty, ("投诉", Decimal("0.1"), False)], GRADES, "不达标").grade == "不达标"
    zeroed = score_month(RENHE, [("信息泄露", Decimal(10), True)], GRADES, "不达标")
    assert zeroed.score == 0 and zeroed.grade == "不达标" and zeroed.zeroed
    with pytest.raises(ValueError, match="unknown category"):
        score_month(RENHE, [("其他", Decimal(1), False)], GRADES, "不达标")


def test_penalty_after_warnings():
    assert penalty(0, Decimal(1_000_000), Decimal(1)) == 0
    assert penalty(3, Decimal(1_000_000), Decimal(1)) == Decimal("30000.00")


@pytest.fixture
def month_records(tree):
    contract = h.contract_of(tree)
    march = date(2026, 3, 1)
    for day in range(1, 32):  # a backup every day but the 10th
        if day != 10:
            h.backup_of(contract, started_at=h.aware(2026, 3, day, 2, 0))
    h.backup_of(contract, started_at=h.aware(2026, 3, 10, 2, 0), result=m.BackupRun.Result.FAILED)
    template = h.template_of(contract, due_time=time(8, 30))
    m.InspectionRun.objects.create(
        template=template, due_on=date(2026, 3, 3), status=m.InspectionRun.Status.MISSED
    )
    breached = h.incident_of(
        contract,
        rank=2,
        reported_at=h.aware(2026, 3, 5, 10, 0),
        responded_at=h.aware(2026, 3, 5, 11, 0),
        resolved_at=h.aware(2026, 3, 5, 12, 0),
        root_cause="网络",
        report_submitted_at=h.aware(2026, 3, 5, 18, 0),
    )
    h.incident_of(
        contract,
        rank=2,
        reported_at=h.aware(2026, 3, 6, 10, 0),
        responded_at=h.aware(2026, 3, 6, 10, 5),
        resolved_at=h.aware(2026, 3, 6, 12, 0),
        root_cause="配置",
        report_submitted_at=h.aware(2026, 3, 8, 12, 0),  # the report is 24 hours late
    )
    m.Attendance.objects.create(contract=contract, person="张伟", date=date(2026, 3, 4), status="absent")
    return contract, march, breached


def test_proposals_from_records(month_records):
    contract, march, _breached = month_records
    record = assessment.propose(contract, march, now=h.aware(2026, 4, 2, 9, 0))
    events = sorted(d.rule.event for d in record.deductions.select_related("rule"))
    assert events == ["absence", "backup_missing", "late_incident_report", "missed_inspection", "sla_breach"]
    # 100 − 1 (absence) − 2 (backup) − 2 (late report) − 1 (missed inspection) − 2 (breach) = 92
    assert record.score == Decimal(92) and record.grade == "优秀"
    again = assessment.propose(contract, march, now=h.aware(2026, 4, 3, 9, 0))
    assert again.deductions.count() == 5  # idempotent


def test_client_decides(month_records, tree):
    contract, march, _breached = month_records
    record = assessment.propose(contract, march, now=h.aware(2026, 4, 2, 9, 0))
    backup = record.deductions.get(rule__event="backup_missing")
    with pytest.raises(ValidationError, match="理由"):
        assessment.decide(backup, "waived", " ", tree.city_admin)
    assessment.decide(backup, "waived", "停电，甲方同意", tree.city_admin)
    record.refresh_from_db()
    assert record.score == Decimal(94)
    with pytest.raises(ValidationError, match="每一项拟扣分"):
        assessment.confirm(record, tree.city_admin)
    for deduction in record.deductions.filter(status="proposed"):
        assessment.decide(deduction, "confirmed", "", tree.city_admin)
    leak = record.contract.scheme.rules.get(event="data_leak")
    assessment.add_manual(record, leak, Decimal(10), "数据外泄", tree.city_admin)
    record.refresh_from_db()
    assert record.score == 0 and record.grade == "不达标" and record.zeroed
    assessment.confirm(record, tree.city_admin)
    assert record.status == m.Assessment.Status.CONFIRMED
    with pytest.raises(ValidationError, match="已确认"):
        assessment.decide(record.deductions.first(), "waived", "x", tree.city_admin)


def test_page_and_docx_report(month_records, tree, login):
    contract, march, _breached = month_records
    record = assessment.propose(contract, march, now=h.aware(2026, 4, 2, 9, 0))
    m.SecurityInspection.objects.create(
        contract=contract, date=date(2026, 3, 12), scope="漏洞扫描", passed=True
    )
    ops = login(tree.ops)
    page = ops.get(record.get_absolute_url()).content.decode()
    assert "data-deductions" in page and 'name="action" value="confirmed"' not in page  # staff do not decide
    response = ops.get(record.get_absolute_url() + "?format=docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert contract.number in text and "92" in text
    assert "张伟" in cells and "漏洞扫描" in cells and "网络" in cells
    assert len(document.tables) >= 6


def test_supervisor_confirms_on_the_page(month_records, tree, login):
    from tests.conftest import make_user

    contract, march, _breached = month_records
    record = assessment.propose(contract, march, now=h.aware(2026, 4, 2, 9, 0))
    supervisor = make_user("supervisor", tree.city, "ops_supervisor")
    client = login(supervisor)
    deduction = record.deductions.get(rule__event="absence")
    response = client.post(
        record.get_absolute_url(), {"action": "waived", "deduction": deduction.pk, "reason": "病假，补交证明"}
    )
    assert response.status_code == 302
    deduction.refresh_from_db()
    assert deduction.status == "waived" and deduction.decided_by == supervisor


def test_months_to_propose():
    assert assessment.months_to_propose(date(2026, 4, 3)) == [date(2026, 3, 1), date(2026, 4, 1)]
    assert assessment.months_to_propose(date(2026, 4, 20)) == [date(2026, 4, 1)]
    assert assessment.month_bounds(date(2026, 12, 5))[1].date() == date(2027, 1, 1)
    assert (
        timedelta(days=31)
        == assessment.month_bounds(date(2026, 3, 9))[1] - assessment.month_bounds(date(2026, 3, 9))[0]
    )
