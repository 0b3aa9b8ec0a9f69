"""The daily and monthly inspection reports and the quarterly work report: their contents against
counts taken independently from the built records (a missed run among them), the files read back
(openpyxl, python-docx), and scope (users of another vendor or branch get 404)."""

import io
from datetime import date, time
from decimal import Decimal

import pytest
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import load_workbook

from lantian.core.models import AccessEvent, Organization
from lantian.ops import assessment, inspection_report, report
from lantian.ops import models as m
from lantian.ops.views import contract_quarters
from lantian.ops.views_reports import previous_quarter
from tests.conftest import make_org, make_user
from tests.ops import helpers as h

INCIDENTS = _(
    "%(incidents)d incidents, %(requests)d service requests and questions; "
    "%(breached)d breached their SLA, %(resolved)d resolved."
)
SECURITY = _("%(inspections)d security inspections (%(failed)d not passed), %(events)d data-security events.")
DONE, MISSED, DUE = m.InspectionRun.Status.DONE, m.InspectionRun.Status.MISSED, m.InspectionRun.Status.DUE


def done_run(template, day, verdicts, photos=(), notes=""):
    """A run recorded with ``verdicts`` (True/False/None per item); photos at the given positions."""
    run = m.InspectionRun.objects.create(template=template, due_on=day, status=DONE, notes=notes)
    for index, (item, passed) in enumerate(zip(template.item_list, verdicts, strict=True)):
        m.InspectionResult.objects.create(
            run=run,
            position=index,
            item=item,
            passed=passed,
            note="" if passed is not False else f"{item}异常",
            photo=f"ops/inspections/{run.pk}/item-{index}.jpg" if index in photos else "",
        )
    return run


@pytest.fixture
def inspections(tree):
    contract = h.contract_of(tree)
    daily = h.template_of(contract, name="应用巡检", items="首页可访问\n登录正常\n数据接入正常")
    weekly = h.template_of(
        contract,
        name="服务器巡检",
        kind=m.InspectionTemplate.Kind.SERVER,
        frequency=m.InspectionTemplate.Frequency.WEEKLY,
        due_time=time(17, 0),
        items="CPU\n磁盘",
    )
    done_run(daily, date(2026, 3, 2), [True, False, True], photos=[1], notes="登录偶发超时")
    done_run(weekly, date(2026, 3, 2), [True, None])
    m.InspectionRun.objects.create(template=daily, due_on=date(2026, 3, 3), status=MISSED)
    done_run(daily, date(2026, 3, 4), [True, True, True], photos=[0, 2])
    m.InspectionRun.objects.create(template=daily, due_on=date(2026, 3, 31), status=DUE)
    done_run(daily, date(2026, 4, 1), [False, False, False])  # another month
    other = h.contract_of(tree, number="YW-OTHER")
    done_run(h.template_of(other, name="别的合同巡检"), date(2026, 3, 2), [False, False, False])
    return contract


def counted(contract, first, last):
    """The same figures, counted row by row from the records (independent of the report's queries)."""
    runs = [
        run
        for run in m.InspectionRun.objects.all()
        if run.template.contract_id == contract.pk and first <= run.due_on <= last
    ]
    results = [r for r in m.InspectionResult.objects.all() if r.run in runs]
    return {
        "runs": len(runs),
        "done": sum(run.status == DONE for run in runs),
        "missed": sum(run.status == MISSED for run in runs),
        "due": sum(run.status == DUE for run in runs),
        "passed": sum(r.passed is True for r in results),
        "failed": sum(r.passed is False for r in results),
        "unchecked": sum(r.passed is None for r in results),
        "photos": sum(bool(r.photo.name) for r in results),
    }


def test_daily_report(inspections, tree):
    runs = m.InspectionRun.objects.restrict(tree.ops, "view")
    day = date(2026, 3, 2)
    page = inspection_report.build(inspections, runs, day, day, monthly=False)
    assert page.totals == counted(inspections, day, day)
    assert page.totals == {
        "runs": 2, "done": 2, "missed": 0, "due": 0, "passed": 3, "failed": 1, "unchecked": 1, "photos": 1,
    }  # fmt: skip
    assert [(r.item, inspection_report.verdict(r)) for r in page.results] == [
        ("首页可访问", _("pass")),
        ("登录正常", _("fail")),
        ("数据接入正常", _("pass")),
        ("CPU", _("pass")),
        ("磁盘", _("not checked")),
    ]
    workbook = load_workbook(io.BytesIO(inspection_report.xlsx(page)))
    assert workbook.sheetnames == [_("Summary"), _("Runs"), _("Items"), _("Missed runs")]
    runs_sheet = list(workbook[_("Runs")].iter_rows(min_row=3, values_only=True))
    assert [(row[1], row[3], row[7], row[8], row[9], row[10], row[11]) for row in runs_sheet] == [
        ("应用巡检", str(DONE.label), 2, 1, 0, 1, "登录偶发超时"),
        ("服务器巡检", str(DONE.label), 1, 0, 1, 0, None),
    ]
    items = list(workbook[_("Items")].iter_rows(min_row=3, values_only=True))
    assert len(items) == 5 and items[1][2:] == ("登录正常", _("fail"), "登录正常异常", _("yes"))


def test_monthly_report_with_a_missed_run(inspections, tree):
    runs = m.InspectionRun.objects.restrict(tree.ops, "view")
    first, last = inspection_report.month_range(date(2026, 3, 17))
    assert (first, last) == (date(2026, 3, 1), date(2026, 3, 31))
    page = inspection_report.build(inspections, runs, first, last, monthly=True)
    expected = counted(inspections, first, last)
    assert page.totals == expected
    assert expected["missed"] == 1 and expected["due"] == 1 and expected["photos"] == 3
    assert [(run.due_on, run.template.name) for run in page.missed] == [(date(2026, 3, 3), "应用巡检")]
    by_template = {t.template.name: (t.runs, t.done, t.missed, t.due, t.failed) for t in page.templates}
    assert by_template == {"应用巡检": (4, 2, 1, 1, 1), "服务器巡检": (1, 1, 0, 0, 0)}
    workbook = load_workbook(io.BytesIO(inspection_report.xlsx(page)))
    summary = list(workbook[_("Summary")].iter_rows(min_row=3, values_only=True))
    assert summary[-1] == (_("Total"), 5, 3, 1, 1, expected["passed"], 1, 1, 3)
    missed = list(workbook[_("Missed runs")].iter_rows(min_row=3, values_only=True))
    assert [(row[1], row[2]) for row in missed] == [("应用巡检", "08:30")]


def test_report_text_is_written_safely(tree):
    contract = h.contract_of(tree)
    template = h.template_of(contract, name="=HYPERLINK(1)", items="@SUM(A1)\n正常")
    done_run(template, date(2026, 3, 2), [True, False])
    page = inspection_report.build(
        contract, m.InspectionRun.objects.all(), date(2026, 3, 2), date(2026, 3, 2), False
    )
    workbook = load_workbook(io.BytesIO(inspection_report.xlsx(page)))
    row = next(workbook[_("Items")].iter_rows(min_row=3, values_only=True))
    assert row[1] == "'=HYPERLINK(1)" and row[2] == "'@SUM(A1)"


def test_pages_and_downloads(inspections, tree, login):
    client = login(tree.ops)
    url = "/ops/inspections/report/"
    page = client.get(url, {"contract": inspections.pk, "month": "2026-03"}).content.decode()
    assert page.count('data-run="missed"') == 1 and page.count('data-run="done"') == 3
    assert "登录偶发超时" in page and "别的合同巡检" not in page and "2026-04-01" not in page
    assert page.count("data-item-result=") == 1  # the month lists the failed items
    daily = client.get(url, {"contract": inspections.pk, "day": "2026-03-02"}).content.decode()
    assert daily.count("data-item-result=") == 5 and "data-print" in daily
    response = client.get(url, {"contract": inspections.pk, "day": "2026-03-02", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert AccessEvent.objects.filter(
        kind=AccessEvent.Kind.EXPORT,
        detail__contains=inspection_report.InspectionReport(
            inspections, date(2026, 3, 2), date(2026, 3, 2), False
        ).title,
    ).exists()
    listing = client.get("/ops/inspectionruns/").content.decode()
    assert "data-inspection-reports" in listing and "/ops/inspections/report/" in listing
    run = m.InspectionRun.objects.filter(template__contract=inspections).first()
    assert "data-day-report" in client.get(run.get_absolute_url()).content.decode()


@pytest.fixture
def other_vendor_user(tree):
    vendor = make_org("另一运维公司", Organization.Kind.VENDOR, tree.city)
    return make_user("ops_other", vendor, "ops_staff")


def test_scope(inspections, tree, login, client, other_vendor_user):
    url = "/ops/inspections/report/"
    quarterly = f"/ops/contracts/{inspections.pk}/quarterly-report/?year=2026&quarter=1"
    for outsider in (other_vendor_user, tree.county_b_admin):
        login(outsider)
        assert client.get(url, {"contract": inspections.pk, "month": "2026-03"}).status_code == 404
        assert client.get(url, {"contract": inspections.pk, "format": "xlsx"}).status_code == 404
        assert client.get(quarterly).status_code == 404
        client.logout()
    login(other_vendor_user)
    assert client.get(url).status_code == 404  # no contract of its own
    client.logout()
    supervisor = make_user("lead", tree.city, "ops_supervisor")
    login(supervisor)
    assert client.get(url, {"contract": inspections.pk, "format": "xlsx"}).status_code == 200
    assert client.get(quarterly).status_code == 200
    client.logout()
    assert client.get(quarterly).status_code == 302  # signed out: to the login page


@pytest.fixture
def quarter(tree):
    """A first quarter of records, with records just outside it that the report must leave out."""
    contract = h.contract_of(tree)
    for day, status in (
        (date(2026, 1, 5), "present"),
        (date(2026, 2, 3), "absent"),
        (date(2026, 3, 4), "late"),
    ):
        m.Attendance.objects.create(contract=contract, person="张伟", date=day, status=status)
    m.Attendance.objects.create(contract=contract, person="李娜", date=date(2026, 3, 4), status="present")
    m.Attendance.objects.create(contract=contract, person="李娜", date=date(2026, 4, 1), status="absent")
    h.incident_of(  # breached: responded after an hour (30 min target)
        contract,
        rank=2,
        title="二月网络中断",
        reported_at=h.aware(2026, 2, 10, 10, 0),
        responded_at=h.aware(2026, 2, 10, 11, 0),
        resolved_at=h.aware(2026, 2, 10, 12, 0),
        root_cause="交换机故障",
        report_submitted_at=h.aware(2026, 2, 10, 18, 0),
    )
    h.incident_of(
        contract,
        rank=3,
        title="三月账号申请",
        kind=m.Incident.Kind.REQUEST,
        reported_at=h.aware(2026, 3, 12, 9, 0),
        responded_at=h.aware(2026, 3, 12, 9, 10),
        resolved_at=h.aware(2026, 3, 12, 10, 0),
    )
    h.incident_of(contract, rank=3, title="四月故障", reported_at=h.aware(2026, 4, 2, 9, 0))
    template = h.template_of(contract, name="应用巡检")
    done_run(template, date(2026, 1, 6), [True, False, True])
    m.InspectionRun.objects.create(template=template, due_on=date(2026, 2, 9), status=MISSED)
    done_run(template, date(2026, 3, 9), [True, True, True])
    h.backup_of(contract, started_at=h.aware(2026, 1, 20, 2, 0))
    h.backup_of(contract, started_at=h.aware(2026, 2, 20, 2, 0), result=m.BackupRun.Result.FAILED)
    h.backup_of(contract, started_at=h.aware(2026, 3, 20, 2, 0))
    m.SecurityInspection.objects.create(
        contract=contract, date=date(2026, 2, 14), scope="漏洞扫描", passed=False
    )
    m.SecurityEvent.objects.create(
        contract=contract, occurred_at=h.aware(2026, 3, 3, 8, 0), kind="intrusion", description="端口扫描"
    )
    now = h.aware(2026, 4, 8, 9, 0)
    for month in (1, 2, 3):
        assessment.propose(contract, date(2026, month, 1), now=now)
    return contract


def test_quarter_figures(quarter):
    start = assessment.month_bounds(date(2026, 1, 1))[0]
    end = assessment.month_bounds(date(2026, 3, 1))[1]
    numbers = report.figures(quarter, start, end)
    assert numbers.attendance == {"present": 2, "absent": 1, "late": 1}
    assert (numbers.incidents, numbers.requests, numbers.breached, numbers.resolved) == (1, 1, 1, 2)
    assert numbers.runs == {"done": 2, "missed": 1} and numbers.failed_items == 1
    assert numbers.backups == {"succeeded": 2, "failed": 1}
    assert (numbers.security_inspections, numbers.security_failed, numbers.security_events) == (1, 1, 1)
    assert report.quarter_months(2026, 4) == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    with pytest.raises(ValueError):
        report.quarter_months(2026, 5)
    assert previous_quarter(date(2026, 1, 15)) == (2025, 4) and previous_quarter(date(2026, 8, 1)) == (
        2026,
        2,
    )


def test_quarterly_docx(quarter, tree, login):
    response = login(tree.ops).get(f"/ops/contracts/{quarter.pk}/quarterly-report/?year=2026&quarter=1")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    flat = "\n".join("\t".join(row) for row in cells)
    assert quarter.number in text and "2026-01" in text and "2026-03" in text
    statuses = m.Attendance.Status
    assert f"{statuses.PRESENT.label} 2; {statuses.LATE.label} 1; {statuses.LEAVE.label} 0; " in text
    assert f"{statuses.ABSENT.label} 1" in text
    counts = {"incidents": 1, "requests": 1, "breached": 1, "resolved": 2}
    assert (INCIDENTS % counts) in text
    assert _("%(done)d done, %(missed)d missed, %(due)d due.") % {"done": 2, "missed": 1, "due": 0} in text
    assert _("%(succeeded)d succeeded, %(failed)d failed.") % {"succeeded": 2, "failed": 1} in text
    assert (SECURITY % {"inspections": 1, "failed": 1, "events": 1}) in text
    assert "二月网络中断" in flat and "三月账号申请" in flat and "交换机故障" in flat
    assert "四月故障" not in flat  # April is another quarter
    records = {a.month: a for a in m.Assessment.objects.filter(contract=quarter)}
    assert len(records) == 3
    assessed = [row for row in cells if row[0] in ("2026-01", "2026-02", "2026-03")]
    assert [(row[0], Decimal(row[1]), row[2]) for row in assessed] == [
        (month.strftime("%Y-%m"), records[month].score, records[month].grade) for month in sorted(records)
    ]
    february = next(row for row in assessed if row[0] == "2026-02")
    assert february[4] == "1"  # the breach of February counted in its month
    average = (sum(r.score for r in records.values()) / 3).quantize(Decimal("0.1"))
    assert f"{average}" in text


def test_quarter_menus(quarter, tree, login):
    assert contract_quarters(quarter, today=date(2026, 5, 20)) == [
        {"year": 2026, "quarter": 2},
        {"year": 2026, "quarter": 1},
    ]
    client = login(tree.ops)
    page = client.get(quarter.get_absolute_url()).content.decode()
    assert "data-quarterly-form" in page and "data-contacts" in page
    record = m.Assessment.objects.get(contract=quarter, month=date(2026, 2, 1))
    page = client.get(record.get_absolute_url()).content.decode()
    assert f"/ops/contracts/{quarter.pk}/quarterly-report/?year=2026&quarter=1" in page
    by_period = client.get(f"/ops/contracts/{quarter.pk}/quarterly-report/?period=2026-1")
    assert by_period.status_code == 200
    assert client.get(f"/ops/contracts/{quarter.pk}/quarterly-report/?year=2026&quarter=7").status_code == 404
