"""The approvals big screen in a real browser, on the demo: opened from the menu in a window of its
own, dark, 1920×1080, every widget drawn from the bureau's figures, no script error. Screenshot in
test-artifacts/approvals-bigscreen.png."""

import pytest

from lantian.approvals.demo import DEPARTMENTS
from lantian.approvals.router import EXCHANGE
from tests.browser.test_big_screens import brightness
from tests.browser.test_shell import sign_in

pytestmark = pytest.mark.django_db(transaction=True, databases={"default", EXCHANGE})
WIDGETS = 7
SHORT_NAMES = tuple(short for _key, _name, _division, short in DEPARTMENTS)


def test_the_approvals_screen_opens_from_the_menu_draws_every_widget_and_keeps_to_the_scope(
    demo_site, page, screenshot
):
    sign_in(page, demo_site, "shenpi")
    link = page.locator('a[href="/approvals/screen/"]')
    assert link.get_attribute("target") == "_blank"
    with page.expect_popup() as popup_info:
        link.evaluate("a => a.click()")  # the menu's dropdown need not be open
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url.endswith("/approvals/screen/")
    popup.close()

    page.goto(f"{demo_site}/approvals/screen/")
    page.wait_for_selector("body[data-loaded=true]", timeout=15000)
    page.wait_for_timeout(800)  # ECharts' entry animation
    states = page.locator("[data-widget]").evaluate_all("nodes => nodes.map(n => n.dataset.state)")
    assert states == ["drawn"] * WIDGETS, states
    assert page.locator(".widget-empty").count() == 0
    assert page.locator(".widget-failed").count() == 0
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert brightness(background) < 40, background
    box = page.locator("#screen-stage").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (1920, 1080)
    undrawn = page.locator("[data-widget]").evaluate_all(
        """nodes => nodes.filter(n => ["hbar", "pie", "line", "stacked"].includes(n.dataset.widget)
                              && !n.querySelector("canvas")).map(n => n.dataset.key)"""
    )
    assert undrawn == []
    kpis = page.locator("[data-key=kpis] .kpi").count()
    assert kpis == 6
    overdue = page.locator("[data-key=most_overdue] tbody tr")
    assert 1 <= overdue.count() <= 8  # the eight most overdue at most
    rows = page.locator("[data-key=most_overdue] tbody tr").all_inner_texts()
    table = page.locator("[data-key=most_overdue]").bounding_box()
    inner = page.locator("[data-key=most_overdue] table").bounding_box()
    assert inner["x"] + inner["width"] <= table["x"] + table["width"] + 1  # the table fits its tile
    assert inner["y"] + inner["height"] <= table["y"] + table["height"] + 1
    assert all(any(short in row for short in SHORT_NAMES) for row in rows), rows  # departments' short names
    assert "渭川市行政审批服务局" in page.locator(".screen-subtitle").inner_text()
    assert page.js_errors == []
    screenshot("approvals-bigscreen")

    page.context.clear_cookies()  # a department's handler: its own cases only
    sign_in(page, demo_site, "guihua")
    page.goto(f"{demo_site}/approvals/screen/")
    page.wait_for_selector("body[data-loaded=true]", timeout=15000)
    rows = page.locator("[data-key=most_overdue] tbody tr").all_inner_texts()
    assert rows and all("市自然资源局" in row for row in rows), rows
    assert page.js_errors == []
