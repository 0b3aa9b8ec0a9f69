"""The bureau follows the guard rails from the count per testing agency to a planted work order's flag
and its evidence; the agency's page counts them. Screenshots for the manual (docs/manual/img)."""

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_shell import sign_in


def test_the_bureau_finds_the_planted_work_order_through_the_flags_per_agency(demo_site, page, screenshot):
    from lantian.ldar.demo_guardrails import AGENCY, HEAPED
    from lantian.ldar.models import GuardRailFlag, WorkOrder

    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, demo_site, "bureau")
    page.goto(f"{demo_site}/ldar/guardrails/agencies/")
    row = page.locator("#flags-by-agency tbody tr").first
    assert AGENCY in row.inner_text()
    screenshot("ldar-guardrails-agencies")
    row.locator("a").first.click()  # the agency: its flags
    page.wait_for_load_state("networkidle")
    assert "guardrailflags" in page.url and page.locator("#object-list tbody tr").count() >= HEAPED + 1

    flag = GuardRailFlag.objects.filter(rule="heaped_under_threshold").order_by("pk").first()
    order = WorkOrder.objects.get(pk=flag.work_order_id)
    page.goto(f"{demo_site}{order.get_absolute_url()}")
    panel = page.locator("#order-guardrails")
    assert panel.locator("[data-rule=heaped_under_threshold]").count() == 1
    assert str(flag.evidence["count"]) in panel.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / "ldar-guardrails-order.png"))
    panel.locator("[data-rule=heaped_under_threshold]").click()
    page.wait_for_load_state("networkidle")
    assert str(flag.evidence["count"]) in page.locator("#flag-text").inner_text()
    page.set_viewport_size({"width": 1440, "height": 760})
    screenshot("ldar-guardrails-flag")

    clean = WorkOrder.objects.filter(guardrail_check__flags=0, guardrail_check__records__gt=0).first()
    page.goto(f"{demo_site}{clean.get_absolute_url()}")
    assert page.locator("#order-clean").count() == 1
    assert page.js_errors == []
