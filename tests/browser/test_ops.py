"""Operations in a real browser: an incident with its clocks, the assessment page, an inspection filled
in on a phone (390 px wide)."""

import datetime

from lantian.core.demo import DEMO_PASSWORD
from lantian.ops import models as m
from tests.browser.test_shell import sign_in


def test_incident_clocks_assessment_and_inspection_on_a_phone(demo_site, browser, page, screenshot):
    """One demo for the three pages (building it is the slow part)."""
    sign_in(page, demo_site, "ops")
    pending = m.Incident.objects.filter(status=m.Incident.Status.PENDING).first()
    page.goto(f"{demo_site}{pending.get_absolute_url()}")
    clocks = page.locator("[data-clocks] [data-clock]")
    assert clocks.count() >= 2
    assert page.locator("[data-clock][data-paused]").count() >= 1
    assert page.js_errors == []
    screenshot("ops-incident")

    breached = m.Incident.objects.filter(breached=True).first()
    page.goto(f"{demo_site}{breached.get_absolute_url()}")
    assert page.locator("[data-clock][data-state=breached]").count() >= 1

    page.context.clear_cookies()  # sign out
    sign_in(page, demo_site, "ops_lead")
    record = m.Assessment.objects.filter(deductions__status="proposed").distinct().first()
    page.goto(f"{demo_site}{record.get_absolute_url()}")
    assert page.locator("[data-categories] tbody tr").count() == 11
    row = page.locator("[data-deduction=proposed]").first
    row.locator("input[name=reason]").fill("甲方原因，同意免除")
    row.locator("button[value=waived]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-deduction=waived]").count() == 1
    assert page.js_errors == []
    screenshot("ops-assessment")
    _inspection_on_a_phone(demo_site, browser)


def _inspection_on_a_phone(demo_site, browser):
    template = m.InspectionTemplate.objects.filter(frequency="daily").first()
    run = m.InspectionRun.objects.create(
        template=template, due_on=datetime.date.today() + datetime.timedelta(days=1)
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, demo_site, "ops", DEMO_PASSWORD)
    page.goto(f"{demo_site}{run.get_absolute_url()}")
    items = page.locator("[data-checklist] [data-item]")
    assert items.count() == len(template.item_list)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    for index in range(items.count()):
        page.locator(f"label[for=pass-{index}]").click()
    page.locator("label[for=fail-2]").click()
    page.fill("input[name=note-2]", "接入率 90.5%")
    page.set_input_files(
        "input[name=photo-2]", files=[{"name": "p.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.locator("[data-checklist] button.btn-primary").click()
    page.wait_for_load_state("networkidle")
    run.refresh_from_db()
    assert run.status == m.InspectionRun.Status.DONE
    result = run.results.get(position=2)
    assert result.passed is False and result.note == "接入率 90.5%" and result.photo
    _shot(page, "ops-inspection-phone")
    context.close()


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _shot(page, name):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
