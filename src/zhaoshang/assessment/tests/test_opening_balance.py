"""An opening balance (期初结转: a county sheet's cumulative funds, dated its as-of date) counts in the project's
funds of all time, never inside a period: the assessment's figures, from SQL and from whole facts, stay as
they were when one is recorded inside the period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaoshang.assessment import selectors
from zhaoshang.projects import rules, services
from zhaoshang.projects.models import FundsReceipt

from .conftest import END, d
from .test_period_facts import figures, whole

pytestmark = pytest.mark.django_db
D = Decimal


def test_an_opening_balance_is_in_the_total_but_in_no_period(county):
    period, project = county["period"], county["projects"]["P1"]
    before = figures(selectors.assess_period(period, END))
    before_whole = figures(whole(period, END))
    total = project.funds_total

    FundsReceipt.objects.create(project=project, date=d("06-30"), amount=D("5000"), opening_balance=True)
    services.refresh_funds_total(project)

    project.refresh_from_db()
    assert project.funds_total == total + D("5000")  # 累计到位资金
    assert figures(selectors.assess_period(period, END)) == before  # the period's funds (SQL)
    assert figures(whole(period, END)) == before_whole  # and from whole facts (rules.received_within)
    received = FundsReceipt.objects.filter(project=project).filter(rules.received_within_q(period.start, END))
    assert not received.filter(opening_balance=True).exists()
    assert not rules.received_within(d("06-30"), None, None, opening_balance=True)
