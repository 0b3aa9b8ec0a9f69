"""The three LDAR big screens at 1920×1080 with the demo city: dark, filling the window, every widget
drawn (no empty chart), Chinese text, no script error. Screenshots in test-artifacts/."""

import re

import pytest

from tests.browser.test_shell import sign_in

SCREENS = [
    ("city", "LDAR 城市总览", 8),
    ("comparison", "LDAR 企业对比", 3),
    ("points", "LDAR 密封点统计", 5),
]


def brightness(rgb: str) -> float:
    r, g, b = (int(part) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize(("screen", "title", "widgets"), SCREENS)
def test_a_big_screen_fills_the_window_dark_with_every_widget_drawn(
    demo_site, page, screenshot, screen, title, widgets
):
    sign_in(page, demo_site, "bureau")
    page.goto(f"{demo_site}/ldar/screens/{screen}/")
    page.wait_for_selector("body[data-loaded=true]", timeout=15000)
    page.wait_for_timeout(800)  # ECharts' entry animation
    assert page.locator("h1.screen-title").inner_text() == title
    states = page.locator("[data-widget]").evaluate_all("nodes => nodes.map(n => n.dataset.state)")
    assert len(states) == widgets
    assert states == ["drawn"] * widgets, states
    assert page.locator(".widget-empty").count() == 0
    assert page.locator(".widget-failed").count() == 0
    # dark, and the 1920×1080 stage fills the 1920×1080 window exactly
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert brightness(background) < 40, background
    box = page.locator("#screen-stage").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (1920, 1080)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    # every chart has a canvas with something on it
    undrawn = page.locator("[data-widget]").evaluate_all(
        """nodes => nodes.filter(n => ["bar", "hbar", "pie", "line", "stacked"].includes(n.dataset.widget)
                              && !n.querySelector("canvas")).map(n => n.dataset.key)"""
    )
    assert undrawn == []
    text = page.locator("#screen-stage").inner_text()
    assert "企业" in text
    assert set(re.findall(r"[A-Za-z]{3,}", text)) <= {"LDAR", "GB"}, text  # Chinese, but for codes
    assert page.js_errors == []
    screenshot(f"ldar-bigscreen-{screen}")


def test_a_big_screen_scales_to_a_smaller_window(demo_site, page, screenshot):
    sign_in(page, demo_site, "bureau")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{demo_site}/ldar/screens/points/")
    page.wait_for_selector("body[data-loaded=true]", timeout=15000)
    box = page.locator("#screen-stage").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (1280, 720)  # two thirds, the same layout
    assert page.js_errors == []


def test_the_comparison_screen_changes_year(demo_site, page):
    sign_in(page, demo_site, "bureau")
    page.goto(f"{demo_site}/ldar/screens/comparison/")
    page.wait_for_selector("body[data-loaded=true]", timeout=15000)
    years = page.locator("select[data-screen-param=year] option").all_inner_texts()
    assert "2026" in years
    with page.expect_response(lambda r: "comparison/data/?year=" in r.url):
        page.select_option("select[data-screen-param=year]", years[-1])
    assert page.js_errors == []


def test_a_statistics_page_draws_each_chart_beside_its_table(demo_site, page, screenshot):
    sign_in(page, demo_site, "bureau")
    page.goto(f"{demo_site}/ldar/statistics/sealpoints/")
    page.wait_for_load_state("networkidle")
    states = page.locator("[data-widget]").evaluate_all("nodes => nodes.map(n => n.dataset.state)")
    assert states == ["drawn"] * 3
    assert page.locator("[data-breakdown] table").count() == 3
    assert page.js_errors == []
    screenshot("ldar-statistics-sealpoints")
