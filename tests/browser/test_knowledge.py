"""The knowledge base and the manuals in a real browser: htmx search, marks, CSP-clean help pages."""

from playwright.sync_api import expect

from tests.browser.test_shell import sign_in


def test_an_enterprise_searches_the_knowledge_base_and_opens_a_result(demo_site, page, screenshot):
    sign_in(page, demo_site, "enterprise")
    page.goto(f"{demo_site}/knowledge/documents/")
    assert page.locator("#object-list tbody tr").count() == 6  # the seed entries
    page.fill("#id_q", "泄漏　检测")  # a full-width space separates the terms too
    page.press("#id_q", "Enter")
    page.wait_for_selector("#object-list [data-fragment] mark")
    assert "q=" in page.url  # htmx pushed the search into the address
    rows = page.locator("#object-list tbody tr")
    assert rows.count() == 5
    assert page.locator("#object-list mark").first.inner_text() in {"泄漏", "检测"}
    screenshot("knowledge-search")
    page.fill("#id_q", "37822")
    page.press("#id_q", "Enter")
    expect(page.locator("#object-list tbody tr")).to_have_count(1)
    page.click("#object-list tbody td a")
    page.wait_for_load_state("networkidle")
    assert "挥发性有机物无组织排放控制标准" in page.locator(".page-title").inner_text()
    assert page.locator("#document-status").is_visible()
    assert page.js_errors == []
    screenshot("knowledge-detail")


def test_the_manuals_open_from_the_help_menu_without_errors(demo_site, page, screenshot):
    sign_in(page, demo_site, "bureau")
    page.goto(f"{demo_site}/core/help/")
    assert page.locator("#own-manuals [data-manual]").first.get_attribute("data-manual") == "bureau-admin"
    page.click("#own-manuals [data-manual=bureau-admin]")
    page.wait_for_load_state("networkidle")
    images = page.locator("#manual img")
    assert images.count() >= 3
    # Every screenshot of the manual loaded (naturalWidth is 0 for a broken image).
    assert page.evaluate(
        "Array.from(document.querySelectorAll('#manual img')).every(i => i.naturalWidth > 0)"
    )
    page.click("#manual a[href='/core/help/knowledge/#维护条目市局管理员']")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(
        "/core/help/knowledge/#%E7%BB%B4%E6%8A%A4%E6%9D%A1%E7%9B%AE%E5%B8%82%E5%B1%80%E7%AE%A1%E7%90%86%E5%91%98"
    )
    assert page.locator("h2#维护条目市局管理员").is_visible()
    assert page.js_errors == []  # a CSP violation would be reported here
    screenshot("help-knowledge")
