"""The engine's measures for a points scheme, on plain facts (no database): amount bands [low, high), kind,
industry and high-tech filters, on stage figures and on funds (per project and summed per unit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from zhaoshang.assessment import engine, points
from zhaoshang.targets import scoring

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
UNIT = engine.UnitInfo(id=1, code="T01", name="城关镇", category="township", tier=1)


def fact(pk, contract, *, kind="industrial", industry="C", high_tech=False, funds=None, share="1"):
    return engine.PeriodFact(
        id=pk,
        credits={1: D(share)},
        reached={"signed": dt.date(2026, 3, 1)},
        contract_amount=D(contract),
        planned_investment=D(contract),
        funds=None if funds is None else D(funds),
        receipt_ids=() if funds is None else [pk * 10],
        kind=kind,
        industry=industry,
        high_tech=high_tech,
    )


FACTS = [
    fact(1, "999.99", funds="10"),  # below the band
    fact(2, "1000", funds="20", high_tech=True),  # exactly the low limit: in
    fact(3, "4999.99", industry="G", kind="tertiary", funds="40", share="0.5"),
    fact(4, "5000", funds="80"),  # exactly the high limit: out
]


def measured(measure_json: dict) -> engine.IndicatorResult:
    measure = scoring.Measure.from_json(measure_json, item="x")
    specs = points.measure_specs([points.SchemeLine(item=scoring.Item("x", "x", "threshold"), measure=measure)])
    result = engine.assess_facts(
        units=[UNIT],
        groups_by_unit={},
        facts=engine.PeriodFacts(projects=FACTS),
        start=START,
        end=END,
        as_of=END,
        measures=specs,
    )
    return result.units[0].measured["x"]


def test_a_band_includes_its_low_limit_and_excludes_its_high_one():
    figure = measured({"what": "count", "low": "1000", "high": "5000"})
    assert figure.actual == D("1.5") and figure.project_ids == [2, 3]
    assert figure.amounts == [(D("1000"), D("1")), (D("4999.99"), D("0.5"))]
    assert measured({"what": "amount", "low": "1000", "high": "5000"}).actual == D("1000") + D("4999.99") / 2


def test_kind_industry_and_high_tech_filters():
    assert measured({"what": "count", "industries": ["G"]}).project_ids == [3]
    assert measured({"what": "count", "kinds": ["industrial"], "low": "1000"}).project_ids == [2, 4]
    assert measured({"what": "count", "high_tech": True}).project_ids == [2]
    assert measured({"what": "count", "high_tech": False}).project_ids == [1, 3, 4]


def test_funds_filters_per_project_and_summed_per_unit():
    figure = measured({"what": "funds", "low": "1000", "high": "5000"})
    assert figure.actual == D("20") + D("40") / 2 and figure.receipt_ids == [20, 30]
    # Summed per unit (the reported basis' SQL): the same filters key the sums the engine reads.
    key = engine.FundsKey("contract_amount", D("1000"), D("5000"))
    assert engine.passes(key, FACTS[1]) and not engine.passes(key, FACTS[3])
    summed = engine.PeriodFacts(projects=[], funds={1: engine.UnitFunds(total=D("150"), floors={key: D("40")})})
    spec = points.ledger_spec(scoring.Measure.from_json({"what": "funds", "low": "1000", "high": "5000"}), "x")
    assert engine.funds_floors({}, [spec]) == {key}
    result = engine.assess_facts(
        units=[UNIT], groups_by_unit={}, facts=summed, start=START, end=END, as_of=END, measures={"x": spec}
    )
    assert result.units[0].measured["x"].actual == D("40") and result.units[0].measured["x"].project_ids is None


def test_a_ratio_of_nothing_is_zero():
    assert points.ratio_of(D("3"), D("0")) == 0 and points.ratio_of(D("1"), D("4")) == D("0.25")
