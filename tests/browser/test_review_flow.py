"""The review flow in the browser: submit → reject with reason → fix → resubmit → approve → locked."""

import pytest

from tests.conftest import PASSWORD, Tree


@pytest.fixture
def site(transactional_db, live_server):
    from tests.browser.conftest import restore_migrated_data
    from tests.testapp.models import Filing

    restore_migrated_data()  # a transactional test's flush removed what the data migrations loaded
    tree = Tree()
    filing = Filing.objects.create(organization=tree.ent_a1, title="甲一化工排污备案")
    return live_server.url, tree, filing


def signed_in(browser, base, user):
    """A page of its own browser context, signed in as ``user``."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def status(page) -> str:
    return page.locator("#review").get_attribute("data-review-status")


def test_submit_reject_fix_resubmit_approve_locks_the_filing(site, browser):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    base, tree, filing = site
    detail = f"{base}{filing.get_absolute_url()}"
    edit = f"{base}/testapp/filings/{filing.pk}/edit/"

    enterprise = signed_in(browser, base, tree.ent_a1_admin)
    enterprise.goto(detail)
    assert status(enterprise) == "draft"
    enterprise.click("[data-review-action=submit]")
    enterprise.wait_for_load_state("networkidle")
    assert status(enterprise) == "submitted"
    assert enterprise.locator(f"a[href$='/filings/{filing.pk}/edit/']").count() == 0

    bureau = signed_in(browser, base, tree.county_a_admin)
    assert bureau.locator("[data-todo-count]").get_attribute("data-todo-count") == "1"
    bureau.click("[data-todo-count]")
    assert bureau.locator("[data-todo-group=review]").count() == 1
    bureau.screenshot(path=str(ARTIFACTS / "review-0-todo.png"), full_page=True)
    bureau.click(f"a[href='{filing.get_absolute_url()}']")
    bureau.fill("#review-reason", "缺少排污许可证副本，请补充后重新提交。")
    bureau.screenshot(path=str(ARTIFACTS / "review-1-awaiting.png"), full_page=True)
    bureau.click("[data-review-action=reject]")
    bureau.wait_for_load_state("networkidle")
    assert status(bureau) == "rejected"

    enterprise.goto(f"{base}/core/todo/")
    assert enterprise.locator("[data-todo-group=rejected]").count() == 1
    enterprise.goto(detail)
    assert "缺少排污许可证副本" in enterprise.locator("[data-review-reason]").inner_text()
    enterprise.screenshot(path=str(ARTIFACTS / "review-2-rejected.png"), full_page=True)
    enterprise.click(f"a[href$='/filings/{filing.pk}/edit/']")
    enterprise.fill("#id_note", "已补充排污许可证副本。")
    enterprise.click("button.btn-primary[type=submit]")
    enterprise.wait_for_load_state("networkidle")
    enterprise.click("[data-review-action=submit]")
    enterprise.wait_for_load_state("networkidle")
    assert status(enterprise) == "submitted"

    bureau.goto(detail)
    assert bureau.locator("[data-review-history] tbody tr").count() == 3
    bureau.click("[data-review-action=approve]")
    bureau.wait_for_load_state("networkidle")
    assert status(bureau) == "approved"
    bureau.screenshot(path=str(ARTIFACTS / "review-3-approved.png"), full_page=True)

    enterprise.goto(detail)
    assert status(enterprise) == "approved"
    assert enterprise.locator(f"a[href$='/filings/{filing.pk}/edit/']").count() == 0
    assert enterprise.locator("[data-review-action]").count() == 0
    enterprise.goto(edit)  # typed by hand: refused, back on the page with the reason
    assert enterprise.url == detail
    assert enterprise.locator(".alert-danger").count() == 1
    enterprise.screenshot(path=str(ARTIFACTS / "review-4-locked.png"), full_page=True)
    filing.refresh_from_db()
    assert (filing.status, filing.note) == ("approved", "已补充排污许可证副本。")
    assert enterprise.js_errors == [] and bureau.js_errors == []
