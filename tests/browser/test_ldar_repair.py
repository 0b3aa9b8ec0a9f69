"""One leak through its life in the browser: the agency's reading → leak → repair task → the enterprise's
delay, rejected by the bureau with its reason → a repair work order → the agency's passing re-test →
closed; and a late repair in the bureau's to-do."""

import datetime

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD, Tree


@pytest.fixture
def site(transactional_db, live_server):
    from tests.browser.conftest import restore_migrated_data
    from tests.ldar.detection_factories import Detection
    from tests.ldar.factories import Archive, more_points

    restore_migrated_data()  # a transactional test's flush removed what the data migrations loaded
    tree = Tree()
    d = Detection(tree, Archive(tree))
    more_points(d.archive.group, 1)
    return live_server.url, tree, d


def signed_in(browser, base, user):
    """A page of its own browser context (Chinese, desktop), signed in as ``user``."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def save(page, selector="form button.btn-primary[type=submit]"):
    page.locator(selector).first.click()
    page.wait_for_load_state("networkidle")


def test_a_leak_from_reading_to_closed_repair_and_a_late_one_in_the_bureaus_todo(site, browser):
    from django.utils import timezone

    from lantian.core.models import ReviewStatus
    from lantian.ldar.actions_repair import open_repair_tasks
    from lantian.ldar.models import DetectionRecord
    from lantian.ldar.models.repair import DelayedRepair, RepairOrder, RepairTask
    from lantian.ldar.repair_jobs import overdue_job

    base, tree, d = site
    point = d.archive.group.points.order_by("-pk").first()

    # the agency records a leaking reading: the platform opens the repair task
    agency = signed_in(browser, base, tree.agency_admin)
    agency.goto(f"{base}/ldar/detectionrecords/add/")
    agency.fill("#id_tag", point.tag)
    agency.fill("#id_background", "1.6")
    agency.fill("#id_reading", "8600")
    agency.fill("#id_started_at", "2026-05-06T09:30:00")
    agency.fill("#id_ended_at", "2026-05-06T09:30:40")
    agency.fill("#id_operator", "张伟")
    save(agency)
    leak = DetectionRecord.objects.get(seal_point=point)
    assert leak.is_leak
    task = RepairTask.objects.get(detection=leak)
    assert (task.first_attempt_due, task.complete_due) == (
        datetime.date(2026, 5, 11),
        datetime.date(2026, 5, 21),
    )

    # the enterprise finds it on the point's page and asks for a delay
    enterprise = signed_in(browser, base, tree.ent_a1_admin)
    enterprise.goto(f"{base}{point.get_absolute_url()}")
    assert enterprise.locator("#point-repairs").is_visible()
    enterprise.click(f"#point-repairs a[href='{task.get_absolute_url()}']")
    enterprise.wait_for_load_state("networkidle")
    shoot(enterprise, "ldar-repair-1-task")
    enterprise.click("#add-delay")
    enterprise.wait_for_load_state("networkidle")
    enterprise.select_option("#id_reason_kind", "shutdown")
    enterprise.fill("#id_reason", "阀门内漏，需装置停工后更换。")
    enterprise.fill("#id_planned_date", "2026-09-20")
    shoot(enterprise, "ldar-repair-2-delay-form")
    save(enterprise)
    delay = DelayedRepair.objects.get(task=task)
    enterprise.click("[data-review-action=submit]")
    enterprise.wait_for_load_state("networkidle")
    delay.refresh_from_db()
    assert delay.status == ReviewStatus.SUBMITTED

    # the bureau rejects it with its reason, from its to-do
    bureau = signed_in(browser, base, tree.county_a_admin)
    bureau.goto(f"{base}/core/todo/")
    bureau.click(f"a[href='{delay.get_absolute_url()}']")
    bureau.wait_for_load_state("networkidle")
    bureau.fill("#review-reason", "该阀门有旁路，可在线更换，不同意延迟修复。")
    shoot(bureau, "ldar-repair-3-delay-review")
    bureau.click("[data-review-action=reject]")
    bureau.wait_for_load_state("networkidle")
    delay.refresh_from_db()
    task.refresh_from_db()
    assert delay.status == ReviewStatus.REJECTED and not task.delayed and task.due_on == task.complete_due

    # the enterprise reads the reason and records the repair
    enterprise.goto(f"{base}{task.get_absolute_url()}")
    assert "不同意延迟修复" in enterprise.locator("#task-delays").inner_text()
    enterprise.click("#add-repair-order")
    enterprise.wait_for_load_state("networkidle")
    enterprise.fill("#id_repaired_on", "2026-05-09")
    enterprise.fill("#id_repaired_by", "马志远")
    enterprise.select_option("#id_method", "packing")
    enterprise.fill("#id_description", "走旁路，更换阀杆填料。")
    save(enterprise)
    order = RepairOrder.objects.get(task=task)
    assert enterprise.locator("#retest-form").count() == 0  # the re-test is the agency's

    # the agency re-tests: below the threshold, the task closes
    agency.goto(f"{base}{order.get_absolute_url()}")
    agency.fill("#id_background", "1.5")
    agency.fill("#id_reading", "42")
    agency.fill("#id_operator", "张伟")
    agency.fill("#id_tested_at", "2026-05-10T10:15:00")
    shoot(agency, "ldar-repair-4-retest")
    agency.click("#save-retest")
    agency.wait_for_load_state("networkidle")
    task.refresh_from_db()
    order.refresh_from_db()
    assert order.result == RepairOrder.Result.PASSED and order.retest_value == 40.5
    assert (
        task.state == RepairTask.State.REPAIRED
        and task.closed_on == datetime.date(2026, 5, 9)
        and not task.late
    )
    enterprise.goto(f"{base}{task.get_absolute_url()}")
    assert enterprise.locator("#task-state").get_attribute("data-state") == "repaired"
    shoot(enterprise, "ldar-repair-5-closed")

    # a leak found in April and never repaired: late, in the bureau's to-do
    open_repair_tasks([d.leak.pk])
    overdue_job(timezone.now())
    late = RepairTask.objects.get(detection=d.leak)
    assert late.overdue
    bureau.goto(f"{base}/core/todo/")
    item = bureau.locator(f"[data-todo-group=overdue] a[href='{late.get_absolute_url()}']")
    assert item.count() == 1 and late.tag in item.inner_text()
    shoot(bureau, "ldar-repair-6-bureau-todo")
    bureau.goto(f"{base}/ldar/repairtasks/?overdue=true")
    assert bureau.locator(f"a[href='{late.get_absolute_url()}']").count() == 1
    assert agency.js_errors == enterprise.js_errors == bureau.js_errors == []
