"""The air-quality pages in a browser: the live map draws the county outline and every station with
no tile server configured, the table fills, a station's 72 hours are charted; the evaluation page
ranks the townships."""

import pytest

from lantian.air.models import Station
from tests.browser.test_shell import sign_in


@pytest.fixture
def air_site(transactional_db, live_server):
    """The core demo city and the air demo only (the other modules' demos are not needed here)."""
    from lantian.air import demo
    from lantian.core import demo as core_demo
    from tests.browser.conftest import restore_migrated_data

    restore_migrated_data()  # a transactional test's flush removed what the data migrations loaded
    core_demo.build_demo()
    demo.build_demo()
    return live_server.url


def test_the_live_map_without_tiles_and_the_evaluation_page(air_site, page, screenshot, settings):
    demo_site = air_site
    settings.LANTIAN_MAP_TILE_URL = ""
    sign_in(page, demo_site, "airanalyst")
    page.goto(f"{demo_site}/air/live/")
    page.wait_for_selector("#live-table tbody tr[data-station]")
    stations = Station.objects.count()
    assert page.locator("#live-table tbody tr").count() == stations == 90
    assert page.locator(".leaflet-tile").count() == 0  # no tiles: the outline and stations alone
    page.wait_for_function("document.querySelectorAll('#air-map path.leaflet-interactive').length > 90")
    assert page.locator("#air-map path.leaflet-interactive").count() == stations + 1  # markers + outline
    coloured = page.locator("#live-table .air-badge:not(.air-level-0)").count()
    assert coloured > 80  # stations reporting the latest hour have an AQI colour
    page.locator("#live-table tbody tr").first.click()
    page.wait_for_selector("#air-chart canvas")
    page.wait_for_function("document.getElementById('chart-title').textContent.length > 0")
    assert page.js_errors == []
    screenshot("air-live")

    page.goto(f"{demo_site}/air/evaluation/?period=month&grouping=township&rules=2026")
    page.wait_for_selector("#evaluation-table tbody tr")
    assert page.locator("#evaluation-table tbody tr").count() == 10  # nine townships and the bureau's own
    first_rank = page.locator("#evaluation-table tbody tr").first.locator("td").nth(9).inner_text()
    assert first_rank == "1"
    assert page.js_errors == []
    screenshot("air-evaluation")
