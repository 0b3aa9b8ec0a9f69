"""Power supervision in a real browser: an enterprise's one-line view with its curves, and an alarm
event taken to closure (the enterprise explains, the bureau verifies), on the small demo."""

from playwright.sync_api import expect

from tests.browser.test_shell import sign_in


def test_enterprise_view_and_event_closure(demo_site, page, screenshot):
    sign_in(page, demo_site, "enterprise")
    page.goto(f"{demo_site}/power/mine/")
    page.wait_for_selector("[data-power-curves][data-loaded=true]")
    assert page.locator("[data-facility=production]").count() >= 1
    assert page.locator("[data-facility=treatment]").count() >= 1
    assert page.locator("[data-power-curves] canvas").count() >= 1
    screenshot("power-enterprise-view")
    page.click("[data-open-event]")
    page.wait_for_selector("[data-power-evidence][data-loaded=true]")
    event_url = page.url
    page.fill("#explanation", "1# 风机检修，已向分局报备。")
    page.click("[data-explain-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-event-status]")).to_have_attribute("data-event-status", "explained")
    assert page.locator("[data-explain-form]").count() == 0
    screenshot("power-event-explained")
    assert page.js_errors == []

    page.context.clear_cookies()
    sign_in(page, demo_site, "bureau")
    page.goto(event_url)
    page.wait_for_selector("[data-power-evidence][data-loaded=true]")
    page.fill("#decision-text", "情况属实。")
    page.click("[data-decide-form] button[value=verify]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-event-status]")).to_have_attribute("data-event-status", "verified")
    screenshot("power-event-verified")
    page.goto(f"{demo_site}/power/overview/")
    expect(page.locator("[data-online]")).to_be_visible()
    screenshot("power-overview")
    assert page.js_errors == []
