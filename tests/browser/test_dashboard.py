"""The leaders' dashboard in a real browser: the charts draw, a click on a funnel stage (through the chart's own
click handler, and through the number beside it) lands on the ledger list with the same count, a chart saves
as PNG, the print layout puts charts two per row without the navbar, and full-page screenshots at 1920×1080
and 390×844 go to screenshots/ for a human to look at."""

from __future__ import annotations

import re

import pytest

from zhaoshang.dashboard.tests.dashboard_county import AS_OF, build, make_period

from .helpers import CJK, PHONE, SCREENSHOTS, ledger_totals, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1920, "height": 1080}
CHARTS = ("chart-funnel", "chart-trend", "chart-funds", "chart-industry", "chart-chain", "chart-origin")


@pytest.fixture
def county(users, units):
    from django.core.cache import cache

    cache.clear()  # the forecast of another test's county must not be shown
    projects = build(users, units)
    period = make_period(users)
    return projects, period


def open_dashboard(page, period, **params) -> None:
    query = "&".join(f"{k}={v}" for k, v in {"period": period.pk, "as_of": AS_OF.isoformat(), **params}.items())
    page.goto(f"/dashboard/?{query}")
    page.wait_for_function(
        "ids => window.zsDashboard && ids.every(id => window.zsDashboard.charts[id])", arg=list(CHARTS)
    )
    # The stalled projects, the ranking and the forecast arrive after the page: wait until no spinner is left.
    page.wait_for_function("!document.querySelector('main .spinner-border')", timeout=60_000)
    page.wait_for_selector("#ranking-body table.ranking-table", state="attached")
    page.wait_for_selector("#stalled-body #stalled-projects")
    page.wait_for_selector("#glance-table")


def no_errors(page_log) -> None:
    errors = [e for e in page_log.console_errors if "/favicon.ico" not in e]
    assert page_log.page_errors == [] and errors == [], (page_log.page_errors, errors)
    assert page_log.static_problems() == []


def funnel_row(page, stage: str) -> tuple[int, str]:
    link = page.locator(f"#funnel-table tr[data-stage={stage}] a[data-count]")
    return int(link.get_attribute("data-count")), link.get_attribute("href")


def test_a_funnel_stage_opens_the_ledger_with_the_same_count(page, page_log, users, county):
    _projects, period = county
    login(page, "bureau")
    open_dashboard(page, period)
    no_errors(page_log)
    count, href = funnel_row(page, "signed")
    assert count == 4
    # The chart's data point carries the same address as the number beside it.
    assert page.evaluate("window.zsDashboard.url('chart-funnel', 2)") == href.replace("&amp;", "&")
    with page.expect_navigation():
        page.evaluate("window.zsDashboard.click('chart-funnel', 2)")
    assert "/projects/" in page.url and "reached=signed" in page.url
    assert ledger_totals(page).count == count
    assert sorted(set(re.findall(r"P\d+", page.inner_text("table.ledger-table tbody")))) == ["P1", "P2", "P3", "P5"]

    # The number beside the funnel: a plain link to the same kind of list.
    page.go_back()
    page.wait_for_selector("#funnel-table")
    count, _href = funnel_row(page, "started")
    page.click("#funnel-table tr[data-stage=started] a[data-count]")
    page.wait_for_url("**/projects/?*")
    assert ledger_totals(page).count == count == 3


def test_a_real_click_on_a_bar_follows_it(page, users, county):
    """A mouse click on the canvas goes through ECharts' own click event."""
    _projects, period = county
    login(page, "bureau")
    open_dashboard(page, period)
    page.click("#tab-breakdowns")
    # The band chart's first bar (planned investment of 1亿 or more), where ECharts drew it.
    page.locator("#chart-band").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """() => {
            const chart = window.zsDashboard.charts['chart-band'];
            const [px, py] = chart.convertToPixel({seriesIndex: 0}, [0, 1]);
            const box = chart.getDom().getBoundingClientRect();
            return [box.left + px, box.top + py + 4];
        }"""
    )
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert "planned_min=10000" in page.url
    assert ledger_totals(page).count == 1


def test_save_png_and_print_layout(page, page_log, users, county, tmp_path):
    _projects, period = county
    login(page, "bureau")
    open_dashboard(page, period)
    with page.expect_download() as download:
        page.click("button[data-save=chart-funnel]")
    path = tmp_path / "funnel.png"
    download.value.save_as(path)
    assert download.value.suggested_filename == "funnel.png"
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
    # The chart at twice its size, with two lines above it: its heading, and the dashboard's title and scope.
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    chart = page.locator("#chart-funnel").bounding_box()
    assert abs(width - 2 * chart["width"]) <= 2 and height >= 2 * chart["height"] + 2 * 2 * 26, (width, height, chart)

    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    page.emulate_media(media="print")
    page.evaluate("window.zsDashboard.resize()")
    assert page.locator("nav.navbar").is_hidden()
    assert page.locator("#dashboard-form").is_hidden()
    trend = page.locator("#chart-trend").bounding_box()
    funds = page.locator("#chart-funds").bounding_box()
    assert abs(trend["y"] - funds["y"]) < 2 and funds["x"] > trend["x"] + trend["width"] - 5, (trend, funds)
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf[:4] == b"%PDF"
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "dashboard_print.pdf").write_bytes(pdf)
    no_errors(page_log)


def test_screenshots(page, new_page, page_log, users, county):
    """The whole dashboard at 1920×1080 and on a 390-px phone, for a human to look at."""
    _projects, period = county
    wide = new_page(viewport=WIDE, log=page_log)
    login(wide, "bureau")
    open_dashboard(wide, period)
    no_errors(page_log)
    assert CJK.search(wide.inner_text("#funnel-table"))
    screenshot(wide, "dashboard_1920x1080")

    phone = new_page(viewport=PHONE, log=page_log)
    login(phone, "bureau")
    open_dashboard(phone, period)
    no_errors(page_log)
    phone.click("#tab-trend")
    # Charts stack one per row and nothing is wider than the screen.
    boxes = [phone.locator(f"#{chart}").bounding_box() for chart in ("chart-trend", "chart-funds")]
    assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    screenshot(phone, "dashboard_390x844")

    reporter = new_page(viewport=WIDE, log=page_log)
    login(reporter, "reporter_a")
    open_dashboard(reporter, period)
    no_errors(page_log)
    assert reporter.locator("#ranking-body tr[data-unit]").count() == 2  # their township and its section
    assert reporter.locator("#glance-table a[data-unit]").count() == 2
    screenshot(reporter, "dashboard_reporter_1920x1080")


def test_the_first_screen_answers_at_a_glance_and_the_tabs_switch(page, new_page, page_log, users, county):
    """At 1920×1080, without scrolling: the headline cards with the schedule progress, the units at the top and
    the bottom of the ranking, and the overdue block. The rest is on tabs; a chart in a tab shown later gets its
    size."""
    _projects, period = county
    wide = new_page(viewport=WIDE, log=page_log)
    login(wide, "bureau")
    open_dashboard(wide, period)
    no_errors(page_log)
    assert wide.evaluate("window.scrollY") == 0
    blocks = ["#section-headline .dash-card", "#schedule-progress", "#glance-table .glance-top a[data-unit]"]
    blocks += ["#glance-table .glance-bottom a[data-unit]", "#section-overdue", "#overdue-figures", "#stalled-count"]
    for selector in blocks:
        boxes = [element.bounding_box() for element in wide.locator(selector).all()]
        assert boxes and all(box and box["height"] > 0 for box in boxes), selector
        bottom = max(box["y"] + box["height"] for box in boxes)
        assert bottom <= WIDE["height"], f"{selector} ends at {bottom}px, below the first screen"
    assert wide.locator("#section-headline .dash-card").count() == 5
    assert re.search(r"\d+\.\d%", wide.inner_text("#schedule-progress"))
    assert CJK.search(wide.inner_text("#section-overdue"))
    # The overdue figures link to their lists.
    links = wide.locator("#overdue-figures a[data-count]")
    assert links.count() == 3 and all(link.get_attribute("href") for link in links.all())

    # Tabs: one panel at a time, the selected tab says so, and charts drawn in a hidden panel get their size.
    tabs = wide.locator("[role=tab]")
    assert tabs.count() == 6
    assert wide.locator("#tab-pipeline").get_attribute("aria-selected") == "true"
    assert wide.locator("#panel-trend").is_hidden() and wide.locator("#chart-funnel").is_visible()
    wide.click("#tab-trend")
    assert wide.locator("#tab-trend").get_attribute("aria-selected") == "true"
    assert wide.locator("#tab-pipeline").get_attribute("aria-selected") == "false"
    assert wide.locator("#panel-pipeline").is_hidden() and wide.locator("#panel-trend").is_visible()
    width = wide.evaluate("window.zsDashboard.charts['chart-trend'].getWidth()")
    assert width > 400, width
    # The keyboard moves along the tabs.
    wide.focus("#tab-trend")
    wide.keyboard.press("ArrowRight")
    assert wide.locator("#tab-breakdowns").get_attribute("aria-selected") == "true"
    assert wide.evaluate("window.zsDashboard.charts['chart-industry'].getWidth()") > 400
    wide.click("#tab-ranking")
    assert wide.locator("#ranking-body table.ranking-table").first.is_visible()
    wide.click("#tab-forecast")
    wide.wait_for_selector("#forecast-body #chart-forecast, #forecast-body table", timeout=60_000)
    if wide.locator("#chart-forecast").count():
        assert wide.evaluate("window.zsDashboard.charts['chart-forecast'].getWidth()") > 200
    wide.click("#tab-watch")
    assert wide.locator("#big-projects").is_visible()
    no_errors(page_log)

    wide.click("#tab-pipeline")
    SCREENSHOTS.mkdir(exist_ok=True)
    wide.screenshot(path=str(SCREENSHOTS / "dashboard_first_screen_1920x1080.png"))


def test_the_command_centre_screen_fills_1920x1080_without_scrolling(page, new_page, page_log, users, county):
    _projects, period = county
    wide = new_page(viewport=WIDE, log=page_log)
    login(wide, "bureau")
    wide.goto(f"/dashboard/?period={period.pk}&as_of={AS_OF.isoformat()}")
    href = wide.get_attribute("#screen-link", "href")
    assert href.startswith("/dashboard/screen/?") and f"period={period.pk}" in href
    wide.goto(href)
    wide.wait_for_function(
        "window.zsScreen && window.zsScreen.charts['chart-trend'] && window.zsScreen.charts['chart-funnel']"
    )
    no_errors(page_log)
    height = wide.evaluate("document.documentElement.scrollHeight")
    assert height <= WIDE["height"], f"the screen is {height}px high"
    assert wide.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    assert re.search(r"更新于 \d\d:\d\d", wide.inner_text("#screen-updated"))
    assert wide.locator(".screen-card").count() == 5
    assert wide.locator("#screen-ranking tbody tr").count() >= 1
    for chart in ("chart-trend", "chart-funnel"):
        assert wide.evaluate(f"window.zsScreen.charts['{chart}'].getHeight()") > 250
    # Every block ends inside the screen.
    for selector in (".screen-card", ".screen-panel"):
        for box in (element.bounding_box() for element in wide.locator(selector).all()):
            assert box["y"] + box["height"] <= WIDE["height"], (selector, box)
    refresh = wide.get_attribute("meta[http-equiv=refresh]", "content")
    assert refresh == "300"
    SCREENSHOTS.mkdir(exist_ok=True)
    wide.screenshot(path=str(SCREENSHOTS / "dashboard_screen_1920x1080.png"))
