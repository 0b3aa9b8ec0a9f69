"""Entering readings point by point on a phone (390 × 844) during the walk."""

from tests.browser.test_shell import sign_in


def test_an_inspector_enters_the_next_points_reading_on_a_phone(demo_site, page, screenshot):
    from lantian.ldar.models import DetectionRecord, WorkOrder

    order = WorkOrder.objects.filter(enterprise__name="渭川金泰石化有限公司").order_by("pk").first()
    point, following = (
        order.plan.points().filter(accessible=True).order_by("group__code", "extension_number")[:2]
    )
    DetectionRecord.objects.filter(seal_point__in=[point, following]).delete()  # the walk's next two points
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, demo_site, "agency")
    page.goto(f"{demo_site}/ldar/workorders/{order.pk}/walk/")
    assert page.locator("#walk-tag").inner_text() == point.tag
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    save = page.locator("#walk-save").bounding_box()
    assert save["x"] >= 0 and save["x"] + save["width"] <= 390
    screenshot("ldar-walk-phone")
    assert page.locator("#id_instrument").input_value()  # the work order's last instrument
    page.fill("#id_background", "1.4")
    page.fill("#id_reading", "6200")
    page.fill("#id_started_at", "2026-04-20T09:00:00")  # within the cycle's accounting period
    page.fill("#id_ended_at", "2026-04-20T09:00:35")
    page.click("#walk-save")
    page.wait_for_load_state("networkidle")
    saved = DetectionRecord.objects.get(seal_point=point)
    assert saved.is_leak and saved.net_value == 6198.6 and saved.work_order == order
    assert point.tag in page.locator(".alert-success").inner_text()
    assert page.locator("#walk-tag").inner_text() == following.tag  # on to the next point
    assert page.locator(f"a.walk-leak[title='{point.tag}']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.js_errors == []
    screenshot("ldar-walk-phone-saved")
