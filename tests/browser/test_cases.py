"""The command centre in a real browser: a grid worker reports from a phone (390 px wide, the camera's
photo, the device's position), the case is registered, dispatched, handled, checked and closed."""

import io

import pytest
from django.utils import translation
from PIL import Image

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_shell import sign_in

PHONE = {"width": 390, "height": 844}
POSITION = {"latitude": 34.3123, "longitude": 107.1111}  # inside 仁和镇第1网格


@pytest.fixture
def renhe_site(transactional_db, live_server, settings):
    """The core demo city and the command centre's demo (not every module's: faster)."""
    from lantian.cases import demo
    from lantian.core.demo import build_demo
    from tests.browser.conftest import restore_migrated_data

    settings.LANTIAN_DEMO_SCALE = "small"
    restore_migrated_data()  # a transactional test's flush removed what the data migrations loaded
    _reseed()
    build_demo()
    demo.build_demo()
    return live_server.url


def _reseed():
    """The flush also removed the built-in roles."""
    from lantian.core.roles import create_registered_permissions, sync_builtin_roles

    create_registered_permissions()
    sync_builtin_roles()


def jpeg(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN",
        geolocation=POSITION, permissions=["geolocation"],
    )  # fmt: skip
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    page.js_errors = errors
    yield page
    context.close()


def shoot(page, name: str) -> None:
    """A full-page screenshot of ``page`` (the phone's or the desktop's) in the test artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose(page, select_id: str, text: str):
    """Pick the option containing ``text`` in a searchable (Tom Select) dropdown."""
    page.locator(f"#{select_id} + .ts-wrapper .ts-control").click()
    page.locator(f"#{select_id}-ts-control").press_sequentially(text, delay=30)
    page.locator(".ts-dropdown .option", has_text=text).first.click()


def act(page, base, case_url, username, button, shot, screenshot, department=None, photo=None):
    sign_in(page, base, username)
    page.goto(case_url)
    if department:
        page.select_option("#id_department", label=department)
    if photo:
        page.set_input_files("#id_photos", {"name": "after.jpg", "mimeType": "image/jpeg", "buffer": photo})
    page.fill("#id_opinion", f"{button}，意见见现场照片")
    page.locator("#case-act-form button[name=target]", has_text=button).click()
    page.wait_for_load_state("networkidle")
    screenshot(shot)
    page.context.clear_cookies()


def test_a_grid_worker_reports_from_a_phone_and_the_case_reaches_closing(renhe_site, phone, page, screenshot):
    from lantian.cases.models import Case, State

    base = renhe_site
    sign_in(phone, base, "rh_grid1")
    phone.goto(f"{base}/cases/report/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing overflows
    assert phone.locator("#id_photos").get_attribute("capture") == "environment"
    choose(phone, "id_category", "工地扬尘")
    phone.fill("#id_description", "幸福路工地裸土未覆盖，扬尘明显")
    phone.fill("#id_address", "仁和镇幸福路 18 号")
    phone.click("#locate-me")
    phone.wait_for_function("() => document.getElementById('id_lat').value !== ''")
    assert phone.input_value("#id_lat") == "34.312300" and phone.input_value("#id_lng") == "107.111100"
    phone.set_input_files(
        "#id_photos", {"name": "before.jpg", "mimeType": "image/jpeg", "buffer": jpeg((150, 120, 90))}
    )
    phone.wait_for_selector("#photo-preview img")
    shoot(phone, "cases-1-phone-report")
    phone.click("#report-submit")
    phone.wait_for_load_state("networkidle")
    if phone.locator("#duplicate-warning").count():  # a demo case of the class nearby: it is a new one
        phone.set_input_files(
            "#id_photos", {"name": "before.jpg", "mimeType": "image/jpeg", "buffer": jpeg((150, 120, 90))}
        )
        phone.click("#duplicate-warning button[name=confirm]")
        phone.wait_for_load_state("networkidle")
    case = Case.objects.filter(reporter__username="rh_grid1").latest("pk")
    assert case.step == "register" and case.channel == "grid" and str(case.lat) == "34.312300"
    assert phone.locator("#photos-before img").count() == 1
    shoot(phone, "cases-2-phone-reported")
    case_url = f"{base}/cases/cases/{case.pk}/"

    act(page, base, case_url, "rh_operator", "立案", "cases-3-registered", screenshot)
    act(
        page,
        base,
        case_url,
        "rh_dispatch",
        "派遣",
        "cases-4-dispatched",
        screenshot,
        department="仁和镇城管执法中队",
    )
    act(
        page,
        base,
        case_url,
        "rh_street",
        "处置完毕",
        "cases-5-handled",
        screenshot,
        photo=jpeg((90, 160, 90)),
    )
    phone.goto(case_url)
    phone.fill("#id_opinion", "现场已覆盖防尘网")
    phone.locator("#case-act-form button[name=target]", has_text="核查通过").click()
    phone.wait_for_load_state("networkidle")
    shoot(phone, "cases-6-phone-checked")
    act(page, base, case_url, "rh_operator", "结案", "cases-7-closed", screenshot)

    case.refresh_from_db()
    assert case.state == "closed" and case.department.name == "仁和镇城管执法中队"
    assert list(case.events.filter(kind="transition").values_list("step", flat=True)) == [
        "register", "dispatch", "handle", "check", "close",
    ]  # fmt: skip
    sign_in(page, base, "rh_leader")
    page.goto(case_url)
    with translation.override("zh-hans"):
        assert page.locator("#case-state").inner_text() == str(State.CLOSED.label)
    assert page.locator("#photos-after img").count() == 1
    screenshot("cases-8-leader-sees-closed")
    assert phone.js_errors == [] and page.js_errors == []
