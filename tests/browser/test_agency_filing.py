"""The agency filing in the browser (ldar spec §5): the agency fills in its filing with a staff member
(photo and PDF certificate) and an instrument and submits it; the bureau rejects it with a reason; the
agency reads the reason, adds the missing training record and resubmits; the bureau approves; the
filing and its staff rows are then locked."""

import io

import pytest

from tests.conftest import PASSWORD, Tree


@pytest.fixture
def site(transactional_db, live_server, settings, tmp_path):
    from tests.browser.conftest import restore_migrated_data

    settings.MEDIA_ROOT = tmp_path
    restore_migrated_data()  # a transactional test's flush removed what the data migrations loaded
    return live_server.url, Tree()


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


def save(page):
    page.click("button.btn-primary[type=submit]")
    page.wait_for_load_state("networkidle")


def review_status(page) -> str:
    return page.locator("#review").get_attribute("data-review-status")


def photo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 320), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 50, 170, 150), fill=(120, 140, 170))
    draw.rectangle((50, 170, 190, 320), fill=(120, 140, 170))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


CERTIFICATE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 120]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_fill_submit_reject_fix_resubmit_approve_locks_the_filing_and_its_staff(site, browser):
    from lantian.agencies.models import AgencyFiling
    from tests.agencies.helpers import id_number
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    base, tree = site

    def shot(page, name):
        page.screenshot(path=str(ARTIFACTS / f"agency-filing-{name}.png"), full_page=True)

    # The agency opens "my filing": no filing yet, so the add page, with the agency chosen.
    agency = signed_in(browser, base, tree.agency_admin)
    agency.goto(f"{base}/agencies/mine/")
    assert agency.url.endswith("/agencies/agencyfilings/add/")
    assert agency.locator("#id_agency").input_value() == str(tree.agency.pk)
    agency.fill("#id_legal_representative", "孙建华")
    agency.fill("#id_registered_capital", "1000")
    agency.fill("#id_laboratory_address", "渭川市渭滨区高新二路 16 号检测楼 3 层")
    agency.fill("#id_cma_number", "221612050317")
    agency.fill("#id_cma_valid_until", "2029-06-30")
    agency.fill("#id_contact_person", "孙丽娟")
    agency.fill("#id_contact_phone", "0917-3688001")
    agency.fill("#id_introduction", "具备 CMA 资质，开展石化、化工企业 LDAR 检测服务。")
    shot(agency, "1-company")
    save(agency)
    filing = AgencyFiling.objects.get(agency=tree.agency)
    detail = f"{base}{filing.get_absolute_url()}"
    assert agency.url == detail and review_status(agency) == "draft"

    # A staff member, with a photo and the PDF of the certificate.
    agency.click("[data-add=staff]")
    assert agency.locator("#id_filing").input_value() == str(filing.pk)
    agency.fill("#id_name", "张伟")
    agency.select_option("#id_gender", "male")
    agency.fill("#id_id_number", id_number(31, "19880612"))
    agency.fill("#id_position", "检测员")
    agency.fill("#id_title", "工程师")
    agency.fill("#id_certificate_name", "LDAR检测员证")
    agency.fill("#id_certificate_number", "SXLDAR-2023-0145")
    agency.fill("#id_certificate_valid_until", "2028-12-31")
    save(agency)
    member = filing.staff.get()
    staff_page = f"{base}{member.get_absolute_url()}"
    assert agency.url == staff_page
    agency.set_input_files(
        "#attachments input[type=file]",
        files=[
            {"name": "张伟.png", "mimeType": "image/png", "buffer": photo_png()},
            {"name": "LDAR检测员证.pdf", "mimeType": "application/pdf", "buffer": CERTIFICATE_PDF},
        ],
    )
    agency.click("#attachments button[type=submit]")
    agency.wait_for_load_state("networkidle")
    assert agency.locator("#attachments [data-attachment]").count() == 2
    shot(agency, "2-staff")

    # An instrument, then submit.
    agency.goto(detail)
    agency.click("[data-add=instruments]")
    agency.fill("#id_name", "便携式有机气体分析仪")
    agency.fill("#id_model_number", "Thermo TVA2020")
    agency.fill("#id_serial_number", "TVA2020-1045223")
    agency.select_option("#id_detector_type", "fid")
    agency.fill("#id_calibration_certificate", "JZ2026-0312")
    agency.fill("#id_calibration_due", "2027-06-30")
    save(agency)
    agency.goto(detail)
    assert agency.locator("[data-section=staff] tbody tr").count() == 1
    agency.click("[data-review-action=submit]")
    agency.wait_for_load_state("networkidle")
    assert review_status(agency) == "submitted"
    assert agency.locator("[data-add]").count() == 0  # no rows can be added while it is reviewed
    shot(agency, "3-submitted")

    # The bureau finds it in its to-do centre and rejects it with a reason.
    bureau = signed_in(browser, base, tree.city_admin)
    assert bureau.locator("[data-todo-count]").get_attribute("data-todo-count") == "1"
    bureau.click("[data-todo-count]")
    bureau.click(f"a[href='{filing.get_absolute_url()}']")
    bureau.fill("#review-reason", "缺少检测人员培训记录，请补充 HJ 733 操作培训记录后重新提交。")
    shot(bureau, "4-review")
    bureau.click("[data-review-action=reject]")
    bureau.wait_for_load_state("networkidle")
    assert review_status(bureau) == "rejected"

    # The agency reads the reason, adds the training record and resubmits.
    agency.goto(detail)
    assert "缺少检测人员培训记录" in agency.locator("[data-review-reason]").inner_text()
    shot(agency, "5-rejected")
    agency.click("[data-add=training]")
    agency.fill("#id_date", "2026-03-12")
    agency.fill("#id_topic", "HJ 733-2014 泄漏检测操作培训")
    agency.fill("#id_trainer", "李娜")
    agency.fill("#id_hours", "6")
    agency.fill("#id_participants", "张伟、刘洋")
    save(agency)
    agency.goto(detail)
    assert agency.locator("[data-section=training] tbody tr").count() == 1
    agency.click("[data-review-action=submit]")
    agency.wait_for_load_state("networkidle")
    assert review_status(agency) == "submitted"

    # The bureau approves: the filing is archived and locked.
    bureau.goto(detail)
    assert bureau.locator("[data-review-history] tbody tr").count() == 3
    bureau.click("[data-review-action=approve]")
    bureau.wait_for_load_state("networkidle")
    assert review_status(bureau) == "approved"
    assert bureau.locator("#archives [data-archive]").count() == 1
    shot(bureau, "6-approved")

    # The agency can change neither the filing nor its staff: no buttons, and typed URLs are refused.
    agency.goto(detail)
    assert review_status(agency) == "approved"
    assert agency.locator("[data-add]").count() == 0
    assert agency.locator(f"a[href$='/agencyfilings/{filing.pk}/edit/']").count() == 0
    assert agency.locator("[data-revise]").count() == 1  # revising is the one way to change it
    shot(agency, "7-locked")
    agency.goto(staff_page)
    assert agency.locator("[data-part-locked]").count() == 1
    assert agency.locator(f"a[href$='/staffmembers/{member.pk}/edit/']").count() == 0
    assert agency.locator("#attachments input[type=file]").count() == 0
    agency.goto(f"{base}/agencies/staffmembers/{member.pk}/edit/")
    assert agency.url == staff_page and agency.locator(".alert-danger").count() == 1
    shot(agency, "8-staff-locked")
    agency.goto(f"{base}/agencies/agencyfilings/{filing.pk}/edit/")
    assert agency.url == detail and agency.locator(".alert-danger").count() == 1

    member.refresh_from_db()
    filing.refresh_from_db()
    assert (filing.status, member.name, filing.archives.count()) == ("approved", "张伟", 1)
    assert agency.js_errors == [] and bureau.js_errors == []
