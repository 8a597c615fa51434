"""The demo's project library (``library.demo``), built on the test county (the whole demo county takes a minute
to build; the figures snapshot test builds it with the library in it): fifteen opportunities, most published,
some in talks, landed ones linked to signed projects of their own unit, the projects themselves untouched."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from zhaoshang.library import demo
from zhaoshang.library.models import Opportunity
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import record_stage

pytestmark = pytest.mark.django_db


def test_demo_library(units, users, make_project):
    signed = make_project(units["a"], planned_investment=Decimal("3000"))
    record_stage(user=users["bureau"], project=signed, stage="signed", date=dt.date(2026, 5, 1), amount=Decimal("2000"))
    make_project(units["a"])  # negotiating: not landed as
    before = {p.pk: (p.stage, p.planned_investment, p.history.count()) for p in Project.objects.all()}
    codes = {row[0] for row in demo.OPPORTUNITIES}
    county = {code: units["a"] if code in ("P01", "T04") else units["b"] for code in codes}
    assert demo.build_demo(random.Random(1), county, users, dt.date(2026, 11, 21)) == 15
    statuses = dict.fromkeys(("proposed", "published", "in_talks", "landed"), 0)
    for opportunity in Opportunity.objects.all():
        statuses[opportunity.status] += 1
    assert sum(statuses.values()) == 15
    assert statuses["published"] > 7 and 2 <= statuses["in_talks"] <= 5 and statuses["landed"] == 1
    assert Opportunity.objects.get(status="landed").project == signed  # the only signed project of its unit
    assert {p.pk: (p.stage, p.planned_investment, p.history.count()) for p in Project.objects.all()} == before
    codes = list(Opportunity.objects.exclude(code=None).order_by("code").values_list("code", flat=True))
    assert codes[0] == "ZS2026-001" and len(codes) == 13
    assert all(o.published_on.year == 2026 for o in Opportunity.objects.exclude(published_on=None))
