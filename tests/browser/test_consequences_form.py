"""Issue 13 part 3 in a real browser: the 奖惩规则 section of the 评分细则 page shows the default rules, a row added
with the button makes a rule of 直接晋档 at 120%, saved without a points scheme."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhaoshang.targets import consequences as rulebook
from zhaoshang.targets import services
from zhaoshang.targets.models import Scheme

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_a_promotion_rule(page, users):
    period = services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    login(page, "bureau")
    page.goto(f"/targets/{period.pk}/scheme/")
    assert page.locator("#consequences-default").inner_text() == "默认规则"
    assert page.locator("#consequence-rows tr").count() == 8  # the default set's 6 rows and 2 blank ones
    page.click("#add-consequence")
    page.fill("#id_rule-8-rule", "5")
    page.select_option("#id_rule-8-condition", "completion_at_least")
    page.fill("#id_rule-8-parameter", "120%")
    page.select_option("#id_rule-8-action", "promotion")
    with page.expect_navigation():
        page.click("#consequences-form button[name=save_consequences]")
    assert page.locator("#consequences-default").count() == 0
    stored = rulebook.from_json(Scheme.objects.get(period=period).consequences)
    assert stored == (
        *rulebook.DEFAULT,
        rulebook.Rule("promotion", (rulebook.Condition("completion_at_least", value=D("1.2")),)),
    )
