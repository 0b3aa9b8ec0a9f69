"""The site as a person sees it: log in, the home page per role, the lockout message."""

import pytest

from lantian.core.demo import ACCOUNTS, DEMO_PASSWORD


def sign_in(page, base, username, password=DEMO_PASSWORD):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_bureau_logs_in_and_sees_a_chinese_home_page(demo_site, page, screenshot):
    page.goto(f"{demo_site}/login/")
    assert "登录" in page.title()
    assert page.locator("h1").inner_text() == "蓝天环境监管平台"
    screenshot("login")

    sign_in(page, demo_site, "bureau")
    assert page.url == f"{demo_site}/"
    assert page.locator(".page-title").inner_text() == "渭川市生态环境局"
    sidebar = page.locator("aside")
    assert sidebar.is_visible()
    assert "组织机构" in sidebar.inner_text() and "账户管理" in sidebar.inner_text()
    assert "变更记录" not in sidebar.inner_text()  # only for platform administrators
    page.wait_for_selector("[data-chart] canvas")  # ECharts drew the chart
    page.wait_for_selector(".leaflet-marker-icon")  # Leaflet placed the enterprises, without tiles
    assert page.locator(".leaflet-marker-icon").count() == 3
    assert page.js_errors == []
    screenshot("home-bureau")


@pytest.mark.parametrize(("username", "role", "org"), [(a[0], a[3], a[2]) for a in ACCOUNTS])
def test_each_demo_account_sees_its_own_home(demo_site, page, screenshot, username, role, org):
    sign_in(page, demo_site, username)
    assert page.url == f"{demo_site}/"
    header = page.locator("header").inner_text()
    assert {"system_admin": "系统管理员", "bureau_admin": "市局管理员", "enterprise_admin": "企业管理员",
            "agency_admin": "检测公司管理员", "ops_staff": "运维人员"}[role] in header  # fmt: skip
    assert page.js_errors == []
    screenshot(f"home-{username}")


def test_six_wrong_passwords_show_the_locked_message(demo_site, page, screenshot):
    for _ in range(6):
        sign_in(page, demo_site, "enterprise", "wrong-password")
    message = page.locator("#locked-message")
    assert message.is_visible()
    assert "已被锁定" in message.inner_text() and "15 分钟" in message.inner_text()
    screenshot("login-locked")


def test_english_is_one_click_away(demo_site, page):
    sign_in(page, demo_site, "enterprise")
    page.click("header .nav-link.d-flex")
    with page.expect_navigation():  # the select submits its form on change
        page.select_option("select[name=language]", "en")
    assert "Organizations" in page.locator("aside").inner_text()
