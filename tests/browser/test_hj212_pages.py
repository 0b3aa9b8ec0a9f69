"""The HJ 212 operator pages in a browser: the status page and a device page with its chart."""

from lantian.hj212.models import Device
from tests.browser.test_shell import sign_in


def test_the_bureau_follows_a_device_from_the_status_page(demo_site, page, screenshot):
    sign_in(page, demo_site, "bureau")
    page.goto(f"{demo_site}/hj212/status/")
    page.wait_for_selector("#status-table tbody tr[data-device]")
    # Every device of the demo city: the HJ 212 demo's six, and the air stations and power meters
    # the other modules' demos register.
    count = {name: page.locator(f"[data-count={name}]").inner_text() for name in ("total", "never")}
    assert count == {
        "total": str(Device.objects.count()),
        "never": str(Device.objects.filter(last_seen_at__isnull=True).count()),
    }
    assert page.js_errors == []
    screenshot("hj212-status")

    # 金泰石化's two HJ 212 demo devices: the micro-station silent for six hours, the meter that
    # never sent anything.
    page.fill("#filter-form [name=q]", "61032300JT")
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector("#status-table tbody tr[data-device='61032300JTPWR001']")
    counts = ("total", "online", "offline", "never")
    assert [page.locator(f"[data-count={name}]").inner_text() for name in counts] == ["2", "0", "1", "1"]
    assert page.locator("#status-table tbody tr[data-device]").count() == 2
    assert page.locator("tr[data-device='61032300JTAIR001'] .badge").inner_text() != ""

    page.fill("#filter-form [name=q]", "61032300HY")
    page.click("#filter-form button[type=submit]")
    page.wait_for_selector("#status-table tbody tr[data-device='61032300HYAIR002']")
    assert page.locator("[data-count=total]").inner_text() == "4"
    assert page.locator("[data-count=never]").inner_text() == "0"
    page.click("tr[data-device='61032300HYAIR002'] td a")
    page.wait_for_selector("[data-capture-chart][data-loaded=true] canvas")  # ECharts drew the JSON
    device = Device.objects.get(mn="61032300HYAIR002")
    assert page.url.endswith(device.get_absolute_url())
    assert "••••••••2B4D" in page.locator(".card").first.inner_text()  # the SM4 key, masked
    assert page.locator("#latest-values tbody tr").count() == 11
    assert page.locator("#measurements tbody tr").count() > 10
    assert page.js_errors == []
    screenshot("hj212-device")

    page.goto(f"{demo_site}{device.packets.filter(cn='2051').latest('received_at').get_absolute_url()}")
    page.wait_for_selector("[data-frame]")
    assert "a34004" in page.locator("[data-part]").inner_text()  # decrypted with the device key
    screenshot("hj212-packet")
