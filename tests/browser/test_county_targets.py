"""Issue 14 part 1 in a real browser: the bureau adds the county's target from above on the target page, which
warns that the units' split falls short; the dashboard's first screen shows the county's completion of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhaoshang.projects import services as projects
from zhaoshang.targets import services
from zhaoshang.targets.models import CountyTarget

from .helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_target_from_above_on_the_target_page_and_the_dashboard(page, users, units):
    bureau = users["bureau"]
    period = services.save_period(
        user=bureau,
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    amount = services.IndicatorData(kind="amount", stage="signed", target=D("20000"))
    services.save_group(user=bureau, period=period, name="引资额", tier=1, indicators=[amount])  # T01 and T0101
    shared = projects.create_project(
        user=bureau,
        data={"code": "P1", "name": "共建项目", "contract_amount": D("60000"), "planned_investment": D("60000")},
        credits=[(units["a"], D("50")), (units["b"], D("50"))],
    )
    projects.record_stage(user=bureau, project=shared, stage="signed", date=dt.date(2026, 3, 1))

    login(page, "bureau")
    page.goto(f"/targets/{period.pk}/")
    page.click("#county-target-add")
    page.select_option("#id_kind", "amount")
    page.select_option("#id_stage", "signed")
    page.select_option("#id_amount_field", "contract_amount")
    page.fill("#id_target", "50000")
    page.fill("#id_document", "关于下达2026年度招商引资目标任务的通知")
    page.fill("#id_document_number", "地政发〔2026〕3号")
    page.fill("#id_issued_by", "地区行署")
    with page.expect_navigation():
        page.click("#county-target-form button[type=submit]")
    assert CountyTarget.objects.get().target == D("50000")
    warning = page.locator("#county-targets .split-warning").inner_text()
    assert warning == "分解到单位的任务合计低于上级下达任务 10,000.00 万元。"  # 50000 - 2 × 20000
    screenshot(page, "county-target-page")

    page.goto(f"/dashboard/?period={period.pk}&as_of=2026-06-30")
    headline = page.locator("#county-headline")
    assert headline.inner_text() == "完成上级下达任务 120.0%"  # 60000 of 50000
    screenshot(page, "county-dashboard-headline")
    with page.expect_navigation():
        headline.click()
    assert page.locator("#county-rows-total").inner_text() == "60,000.00"
