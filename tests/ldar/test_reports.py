"""Detection reports (spec §4): generated from the records, corrected by the enterprise, reviewed,
downloaded as Word (read back with python-docx) and xlsx; the third-party report prefilled."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from lantian.core import review
from lantian.core.models.review import Locked
from lantian.ldar.models.reports import ReportLine, StatisticsReport, ThirdPartyReport
from tests.ldar.cases import archive, detection
from tests.ldar.report_cases import statistics_report, third_party_report

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_first_round_summary_counts_the_cycles_records(tree):
    report = statistics_report(tree)
    [line] = report.lines.all()  # the archive has one unit
    # three valid points; the pump recorded inaccessible; two valves detected, one leaking at 6,198
    assert (line.label, line.controlled, line.inaccessible, line.detected, line.leaking, line.over_1000) == (
        f"{archive(tree).unit.code} {archive(tree).unit.name}", 3, 1, 2, 1, 1,
    )  # fmt: skip
    assert line.leak_rate == 0.5


def test_the_type_statistics_and_the_annual_table(tree):
    d = detection(tree)
    by_type = StatisticsReport.objects.create(enterprise=tree.ent_a1, kind="first_by_type", cycle=d.cycle)
    from lantian.ldar.reports import generate_lines

    lines = {line.label: line for line in generate_lines(by_type).lines.all()}
    assert (lines["阀门"].controlled, lines["阀门"].detected, lines["阀门"].leaking) == (2, 2, 1)
    assert (lines["泵"].controlled, lines["泵"].detected, lines["泵"].inaccessible) == (1, 0, 1)
    annual = generate_lines(
        StatisticsReport.objects.create(enterprise=tree.ent_a1, kind="annual_by_unit", year=2026)
    )
    [line] = annual.lines.all()
    assert (line.controlled, line.detected, line.leak_times) == (3, 2, 1)


def test_the_word_report_holds_the_table_and_the_chart(tree):
    report = statistics_report(tree)
    response = as_user(tree.ent_a1_admin).get(
        reverse("ldar:report_download", args=["statisticsreport", report.pk, "docx"])
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    [table] = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0][:3] == ["装置", "受控密封点数", "不可达点数"]
    assert cells[1][1:6] == ["3", "1", "2", "1", "1"] and cells[1][6] == "50.00%"
    assert cells[-1][0] == "合计"
    assert len(document.inline_shapes) == 1  # the chart
    sheet = load_workbook(
        io.BytesIO(
            as_user(tree.ent_a1_admin)
            .get(reverse("ldar:report_download", args=["statisticsreport", report.pk, "xlsx"]))
            .content
        )
    ).active
    assert [sheet.cell(4, column).value for column in range(2, 7)] == [3, 1, 2, 1, 1]


def test_corrected_lines_are_locked_once_submitted_and_the_bureau_reviews(tree):
    report = statistics_report(tree)
    line = report.lines.get()
    client = as_user(tree.ent_a1_admin)
    edit = reverse("ldar:reportline_edit", args=[line.pk])
    data = {"report": report.pk, "position": 1, "label": line.label, "controlled": 3, "inaccessible": 1,
            "detected": 2, "leaking": 1, "over_1000": 1, "leak_times": 2}  # fmt: skip
    assert client.post(edit, data).status_code == 302
    bad = client.post(edit, {**data, "leaking": 3})
    assert "leaking" in bad.context["form"].errors
    review.submit(report, tree.ent_a1_admin)
    with pytest.raises(Locked):
        ReportLine.objects.get(pk=line.pk).save()
    locked = client.post(reverse("ldar:report_generate", args=["statisticsreport", report.pk]))
    assert locked.status_code == 302 and report.lines.get().leak_times == 2
    review.approve(report, tree.county_a_admin)


def test_the_agency_writes_the_third_party_report_with_prefilled_figures(tree):
    report = third_party_report(tree)
    assert (report.controlled, report.detected, report.leaking) == (3, 2, 1)
    assert report.leak_rate == 0.5 and report.units.startswith(archive(tree).unit.code)
    document = Document(
        io.BytesIO(
            as_user(tree.agency_admin)
            .get(reverse("ldar:report_download", args=["thirdpartyreport", report.pk, "docx"]))
            .content
        )
    )
    rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert rows["平均泄漏率"] == "50.00%" and rows["检测点数"] == "2"

    enterprise = as_user(tree.ent_a1_admin)
    edit = reverse("ldar:thirdpartyreport_edit", args=[report.pk])
    assert enterprise.get(edit).status_code in (403, 404)
    assert as_user(tree.agency_admin).get(edit).status_code == 200


def test_an_enterprise_sees_only_its_own_reports(tree):
    report = statistics_report(tree)
    assert as_user(tree.ent_a2_admin).get(report.get_absolute_url()).status_code == 404
    download = reverse("ldar:report_download", args=["statisticsreport", report.pk, "docx"])
    assert as_user(tree.ent_a2_admin).get(download).status_code == 404
    assert (
        as_user(tree.ent_a2_admin)
        .get(reverse("ldar:report_download", args=["nothing", 1, "docx"]))
        .status_code
        == 404
    )
    assert ThirdPartyReport.objects.restrict(tree.ent_a2_admin, "view").count() == 0
