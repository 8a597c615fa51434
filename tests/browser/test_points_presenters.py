"""A period scored by a points scheme (issue 13) in a real browser: the draft bulletin's section 二 shows one points
table per ranking group with 得分, and the dashboard's glance, ranking tab and 大屏 show the units' points, a
click on one opening the unit's items. Screenshots go to screenshots/ for a human to look at."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.dashboard.tests.dashboard_county import AS_OF, build, make_period

from .helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1920, "height": 1080}


@pytest.fixture
def points_period(users, units):
    from django.core.cache import cache

    from zhaoshang.targets.models import Scheme, SchemeItem

    cache.clear()
    build(users, units)
    period = make_period(users)
    scheme = Scheme.objects.create(period=period, kind="points", ranking="all")
    SchemeItem.objects.create(
        scheme=scheme, order=0, code="K1", name="到位资金", section="base", function="efficacy",
        points=Decimal(60), measure={"what": "funds"},
    )  # fmt: skip
    SchemeItem.objects.create(
        scheme=scheme, order=1, code="K2", name="签约加分", section="bonus", function="banded",
        points=Decimal(0), params={"bands": [["1000", None, "2"]]}, measure={"what": "count"},
    )  # fmt: skip
    return period


def test_bulletin_and_dashboard_show_points(page, new_page, page_log, users, points_period):
    from zhaoshang.bulletins import services as bulletins

    period = points_period
    draft = bulletins.create_draft(user=users["bureau"], period=period, month=dt.date(2026, 6, 1), as_of=AS_OF)
    login(page, "bureau")
    page.goto(draft.get_absolute_url())
    table = page.locator("#points-table-1")
    assert table.locator("thead th").all_inner_texts() == ["名次", "单位", "到位资金", "签约加分", "得分"]
    first = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert first == ["1", "城关镇", "60.00", "5.20", "65.20"]
    assert "城关镇以65.20分位列第一" in page.inner_text("#points-paragraph")
    screenshot(page, "points-bulletin")

    wide = new_page(viewport=WIDE, log=page_log)
    login(wide, "bureau")
    wide.goto(f"/dashboard/?period={period.pk}&as_of={AS_OF.isoformat()}")
    wide.wait_for_selector("#glance-table tr[data-points] .glance-top a[data-points]", timeout=60_000)
    top = wide.locator("#glance-table .glance-top a[data-points]").first
    assert "65.20分" in top.inner_text()
    wide.click("#tab-ranking")
    wide.wait_for_selector("#ranking-body table.ranking-table[data-points]")
    headers = wide.locator("#ranking-body table.ranking-table thead th").all_inner_texts()
    assert any("得分" in header for header in headers)
    screenshot(wide, "points-dashboard")
    with wide.expect_navigation():
        wide.locator("#ranking-body a.points").first.click()
    assert wide.url.endswith("#items") and "/assessment/" in wide.url

    wide.goto(f"/dashboard/screen/?period={period.pk}&as_of={AS_OF.isoformat()}")
    assert "65.20分" in wide.inner_text("#screen-ranking")
    screenshot(wide, "points-screen")
    assert page_log.page_errors == []
