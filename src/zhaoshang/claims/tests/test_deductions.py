"""重复申报 in the 考核办法: a points scheme deducts for every project a unit claimed that another unit had, as the
bureau decided (merged) in the period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from zhaoshang.assessment import selectors
from zhaoshang.claims import decide

from .support import make_pair

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def merged(users, units, make_project):
    """P2 (T02) merged into P1 (T01): T02 double-claimed. P3 (T01 50%, D01 50%) merged into P4 (D01): T01
    double-claimed, D01 did not (it had P4). P5 and P6 told apart: nobody."""
    from zhaoshang.projects import services
    from zhaoshang.targets import services as targets
    from zhaoshang.targets.models import Scheme, SchemeItem

    bureau = users["bureau"]
    period = targets.save_period(user=bureau, data={"code": "Y26", "name": "年度考核", "start": START, "end": END})
    scheme = Scheme.objects.create(period=period, kind="points")
    SchemeItem.objects.create(
        scheme=scheme,
        order=1,
        code="K1",
        name="重复申报",
        section="deduction",
        function="per_occurrence",
        params={"each": "5"},
        measure={"what": "double_claims"},
    )
    p1, p2 = make_project(units["a"], code="P1"), make_project(units["b"], code="P2")
    p3 = services.create_project(
        user=bureau, data={"code": "P3", "name": "P3"}, credits=[(units["a"], D("50")), (units["dept"], D("50"))]
    )
    p4 = make_project(units["dept"], code="P4")
    p5, p6 = make_project(units["b"], code="P5"), make_project(units["dept"], code="P6")
    first = make_pair(p1, p2)
    decide.merge(user=bureau, pair=first, kept=p1, shares=[(units["a"], D("50")), (units["b"], D("50"))])
    second = make_pair(p3, p4)
    decide.merge(user=bureau, pair=second, kept=p4, shares=[(units["dept"], D("100"))])
    decide.decide_different(user=bureau, pair=make_pair(p5, p6))
    return {"period": period, "first": first, "second": second}


def test_a_points_scheme_deducts_per_double_claim(units, merged):
    assessment = selectors.assess_period(merged["period"], END)
    items = {r.unit.code: {i.code: i for i in r.items} for r in assessment.units if r.items}
    assert items["T02"]["K1"].occurrence_ids == [merged["first"].pk] and items["T02"]["K1"].points == D("-5.00")
    assert items["T01"]["K1"].occurrence_ids == [merged["second"].pk] and items["T01"]["K1"].points == D("-5.00")
    assert items["D01"]["K1"].occurrence_ids == [] and items["D01"]["K1"].points == D("0.00")


def test_a_merge_decided_after_the_period_is_not_counted(units, merged):
    from zhaoshang.organization.models import User
    from zhaoshang.targets import services as targets

    earlier = targets.save_period(
        user=User.objects.get(username="bureau"),
        data={"code": "H1", "name": "上半年", "start": START, "end": dt.date(2026, 6, 30)},
    )
    found = selectors.occurrences(earlier, dt.date(2026, 6, 30), ["double_claims"])
    assert dict(found["double_claims"]) == {}


def test_the_unit_page_drills_down_to_the_pair(client, users, units, merged):
    period = merged["period"]
    url = reverse("assessment:unit", args=[period.pk, units["b"].pk])
    client.force_login(users["bureau"])
    body = client.get(url, {"as_of": END.isoformat()}).content.decode()
    assert reverse("claims:pair", args=[merged["first"].pk]) in body and "重复申报（经认定为同一项目）" in body
    client.force_login(users["reporter_b"])
    response = client.get(url, {"as_of": END.isoformat()})
    assert response.status_code == 200
    body = response.content.decode()
    assert "P2" in body and reverse("claims:pair", args=[merged["first"].pk]) not in body
