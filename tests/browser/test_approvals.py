"""Construction approvals in a real browser, on the demo: a department's own overdue cases, then the
bureau's statistics, data quality and the exchange with the 前置库 (upload, failures written back by
the provincial side and shown per row). One test: the demo city is built once."""

import pytest

from lantian.approvals import exchange
from lantian.approvals import models as m
from lantian.approvals.router import EXCHANGE
from tests.browser.test_shell import sign_in

pytestmark = pytest.mark.django_db(transaction=True, databases={"default", EXCHANGE})


def test_department_cases_then_bureau_statistics_quality_and_exchange(demo_site, page, screenshot):
    sign_in(page, demo_site, "guihua")
    page.goto(f"{demo_site}/approvals/iteminstances/?clock_state=overdue")
    listing = page.locator("#object-list").inner_text()
    assert page.locator("#object-list tbody tr td a").count() > 0
    assert "渭川市自然资源和规划局" in listing and "渭川市住房和城乡建设局" not in listing
    screenshot("approvals-department-overdue")
    page.click("#object-list tbody td a")
    page.wait_for_load_state("networkidle")
    assert page.locator(".badge.bg-red-lt").count() == 1  # the overdue badge over the handling records
    assert page.locator("table tbody tr").count() >= 3  # received, accepted, handling started
    assert page.js_errors == []
    screenshot("approvals-case-detail")

    page.context.clear_cookies()
    sign_in(page, demo_site, "shenpi")
    page.goto(f"{demo_site}/approvals/statistics/")
    assert "岐山县" in page.content() and "渭川市人民防空办公室" in page.content()
    screenshot("approvals-statistics")
    page.goto(f"{demo_site}/approvals/quality/")
    assert "渭川市人民防空办公室" in page.locator("table tbody tr").first.inner_text()  # poorest first
    screenshot("approvals-quality")
    page.goto(f"{demo_site}/approvals/exchange/")
    page.click("form[action$='/exchange/upload/'] button")
    page.wait_for_load_state("networkidle")
    assert m.ExchangeBatch.objects.filter(direction="upload").exists()
    project = m.Project.objects.order_by("pk").first()
    registered = frozenset(m.Project.objects.exclude(pk=project.pk).values_list("code", flat=True))
    exchange.provincial_check(registered)  # the province refuses one project code
    page.click("form[action$='/exchange/results/'] button")
    page.wait_for_load_state("networkidle")
    failures = page.locator("table").first.inner_text()
    assert f"项目代码{project.code}未在全国投资项目在线审批监管平台赋码" in failures
    assert page.js_errors == []
    screenshot("approvals-exchange")
