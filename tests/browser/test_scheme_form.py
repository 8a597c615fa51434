"""Issue 13 in a real browser: the bureau builds a two-item points scheme on the 评分细则 page (the second item
added with the button), saves it, and the period says how it scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhaoshang.targets import services
from zhaoshang.targets.models import Scheme
from zhaoshang.targets.services import IndicatorData

from .helpers import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fill_and_save_a_two_item_scheme(page, users):
    period = services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    services.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="签约",
        indicators=[IndicatorData(kind="count", stage="signed", target=D("3"))],
    )
    login(page, "bureau")
    page.goto(f"/targets/{period.pk}/")
    assert "加权完成率" in page.locator("#scoring-kind").inner_text()
    page.click("#scheme-link")
    page.fill("#id_item-0-code", "A1")
    page.fill("#id_item-0-name", "签约亿元项目")
    page.fill("#id_item-0-points", "30")
    page.select_option("#id_item-0-task_group", "签约")
    page.fill("#id_item-0-low", "10000")
    # 认定条件: shown for a ledger measure, hidden for an occurrence one.
    assert page.locator("[data-field='private']").first.is_visible()
    page.check("#id_item-0-private")
    page.fill("#id_item-0-within_years", "2")
    page.fill("#id_item-0-low_by_category", "县直部门: 5000")
    page.click("#add-item")
    page.fill("#id_item-1-code", "A5")
    page.fill("#id_item-1-name", "月报表少报")
    page.select_option("#id_item-1-section", "deduction")
    page.select_option("#id_item-1-function", "per_occurrence")
    page.select_option("#id_item-1-what", "missing_reports")
    assert not page.locator("#id_item-1-private").is_visible()
    page.fill("#id_item-1-each", "1")
    page.fill("#id_item-1-cap", "12")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "scheme_form.png"), full_page=True)
    page.click("#scheme-form button[type=submit]")
    page.wait_for_url(f"**/targets/{period.pk}/")
    assert page.locator("#scoring-kind").inner_text() == "按项计分（2项，满分100分）"
    scheme = Scheme.objects.get(period=period)
    assert [(i.code, i.function, i.points, i.cap, i.params) for i in scheme.items.all()] == [
        ("A1", "ratio", D("30"), None, {}),
        ("A5", "per_occurrence", D("0"), D("12"), {"each": "1"}),
    ]
    measure = scheme.items.get(code="A1").measure
    assert (measure["private"], measure["within_years"]) == (True, 2)
    assert measure["low_by_category"] == {"department": "5000"}
    assert "private" not in scheme.items.get(code="A5").measure
