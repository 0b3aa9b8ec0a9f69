"""Names typed by users are text wherever script puts them into the page (penetration test, issue 11)."""

from decimal import Decimal

from lantian.core.models import Division, Organization, User
from tests.browser.test_shell import sign_in
from tests.conftest import make_credit_code

MAP_NAME = '宏远"><img src=x onerror=alert(1)>'
CHART_NAME = "<img src=y onerror=alert(2)>县"


def planted_requests(page) -> list[str]:
    requests = []
    page.on(
        "request",
        lambda request: request.url.rsplit("/", 1)[-1] in ("x", "y") and requests.append(request.url),
    )
    return requests


def test_an_organisation_name_is_text_in_the_home_map_tooltip_and_chart(demo_site, page, screenshot):
    bureau = User.objects.get(username="bureau").organization
    division = Division.objects.create(code="619999", name=CHART_NAME, level=Division.Level.COUNTY)
    Organization.objects.create(
        name=MAP_NAME,
        kind=Organization.Kind.ENTERPRISE,
        parent=bureau,
        division=division,
        credit_code=make_credit_code("610300", "MA6XK0999"),
        latitude=Decimal("34.30"),
        longitude=Decimal("107.10"),
    )
    requests = planted_requests(page)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    sign_in(page, demo_site, "bureau")
    page.wait_for_selector(".leaflet-marker-icon")
    markers = page.locator(".leaflet-marker-icon")
    shown = set()
    for index in range(markers.count()):
        markers.nth(index).hover(force=True)
        page.locator(".leaflet-tooltip").first.wait_for()
        shown.update(page.locator(".leaflet-tooltip").all_inner_texts())
    assert MAP_NAME in shown  # the literal text, quotes and brackets included

    # The division chart's tooltip, shown for the planted division's bar.
    page.wait_for_selector("[data-chart] canvas")
    chart_text = page.evaluate(
        """(name) => {
            const el = document.querySelector("[data-chart]");
            const chart = echarts.getInstanceByDom(el);
            const index = chart.getOption().xAxis[0].data.indexOf(name);
            chart.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: index});
            return index;
        }""",
        CHART_NAME,
    )
    assert chart_text >= 0
    page.wait_for_timeout(300)
    assert CHART_NAME in page.inner_text("[data-chart]")  # ECharts puts its tooltip inside the chart

    assert page.locator('img[src="x"], img[src="y"]').count() == 0
    assert requests == [] and dialogs == []
    assert page.js_errors == []
    screenshot("home-escaped-names")
