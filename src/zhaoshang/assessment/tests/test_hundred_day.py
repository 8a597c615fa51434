"""The 100-day competition table (seed 001) reproduced in the database: the county of conftest.py,
assessed by selectors.assess_period and compared, unit by unit, with figures computed by hand.

Targets of the preset (signed: contract amount; started: planned investment; funds: receipts):

    一档  签约 3 projects ≥1000 or 6000   开工 2 projects ≥1000 or 3000   到位资金 2000 (tier_one_funds)
    二档  签约 2 projects ≥1000 or 4000   开工 1 project ≥1000            到位资金 1000
    三档  签约 1 project ≥1000            开工 1 project ≥500             到位资金 500
    四档  签约 1 project ≥500             开工 1 project ≥300             到位资金 250
    园区  签约 4 projects ≥1000 or 8000   开工 2 projects ≥1000 or 4000   到位资金 4000
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaoshang.assessment import engine, selectors
from zhaoshang.targets.models import TargetGroup

from .conftest import DAY_50, END

pytestmark = pytest.mark.django_db

# As of day 50 (2026-07-20): schedule progress 50/100 = 0.5; yellow card below 0.7 × 0.5 = 0.35.
#
# T01  签约 count P1, P2 (P3 999.99 below, P4 government-funded) 2/3 = 0.6667; sum 3500/6000 = 0.5833
#           → 0.6667, not met.  开工 count P1 1/2 = 0.5; sum 3000/3000 = 1 → 1, met.
#      到位资金 600 + 400 (07-20, the as-of day; 100 on 05-31 is before the start) = 1000/2000 = 0.5.
#      score (0.6667 + 1 + 0.5)/3 = 13/18 = 0.7222.
# T0101 nothing: 0, zero achievement.
# T02  60% of P5: 签约 count 0.6/2 = 0.3, sum 1800/4000 = 0.45 → 0.45.  开工 0.6/1 = 0.6.
#      到位资金 600/1000 = 0.6.  score (0.45 + 0.6 + 0.6)/3 = 0.55.
# T03  P7 started 07-05 without signing: signed on 07-05, 1500 ≥ 1000 → 签约 1/1 = 1; 开工 1/1 = 1;
#      到位资金 250/500 = 0.5 (P14's 100 is below the floor; P12, P13 excluded). score 2.5/3 = 0.8333.
# T04  P8 is real estate (K): nothing counts. 0, zero achievement.
#   Townships: T03 0.8333, T01 0.7222, T02 0.55, then T0101 and T04 at 0 with no funds and no contract:
#   by code, T0101 before T04. Bottom 1 (T04) criticised; top 1 (T03) commended.
# D01  40% of P5 and P6 (signed 05-20, before the start; started 06-15): 签约 count 0.4/2 = 0.2,
#      sum 1200/4000 = 0.3 → 0.3.  开工 0.4 + 1 = 1.4/1 = 1.4 (capped at 1 in the score).
#      到位资金 400/1000 = 0.4.  score (0.3 + 1 + 0.4)/3 = 0.5667.
# D02  P10: 签约 1/1 = 1; 开工 0; 到位资金 500/500 = 1. score 2/3 = 0.6667. Vetoed.
#   Departments: D02, D01. D01 criticised; no one commended (D02 vetoed, D01 criticised).
# P01  P9: 签约 count 1/4 = 0.25, sum 8000/8000 = 1 → 1, met; 开工 count 1/2, sum 8000/4000 = 2 → 2, met;
#      到位资金 2000/4000 = 0.5. score (1 + 1 + 0.5)/3 = 0.8333. Alone in its category: commended.
DAY_50_EXPECTED = {
    "T01": ("0.7222", 2, 5, {"签约": ("0.6667", False), "开工": ("1.0000", True), "到位资金": ("0.5000", False)}, []),
    "T0101": ("0.0000", 4, 5, {"签约": ("0.0000", False), "开工": ("0.0000", False), "到位资金": ("0.0000", False)},
              ["yellow_card", "half_time_warning", "zero_achievement"]),
    "T02": ("0.5500", 3, 5, {"签约": ("0.4500", False), "开工": ("0.6000", False), "到位资金": ("0.6000", False)}, []),
    "T03": ("0.8333", 1, 5, {"签约": ("1.0000", True), "开工": ("1.0000", True), "到位资金": ("0.5000", False)},
            ["commended"]),
    # T04 ties with T0101 at the bottom (rank 4 of 5); criticising both would pass a third of five: neither is.
    "T04": ("0.0000", 4, 5, {"签约": ("0.0000", False), "开工": ("0.0000", False), "到位资金": ("0.0000", False)},
            ["yellow_card", "half_time_warning", "zero_achievement"]),
    # 56.7% is ahead of the schedule's 50%: not criticised (issue 12), the best unit no rule holds back.
    "D01": ("0.5667", 2, 2, {"签约": ("0.3000", False), "开工": ("1.4000", True), "到位资金": ("0.4000", False)},
            ["commended"]),
    "D02": ("0.6667", 1, 2, {"签约": ("1.0000", True), "开工": ("0.0000", False), "到位资金": ("1.0000", True)},
            ["vetoed"]),
    "P01": ("0.8333", 1, 1, {"签约": ("1.0000", True), "开工": ("2.0000", True), "到位资金": ("0.5000", False)},
            ["commended"]),
}  # fmt: skip

# As of the end (2026-09-08): progress 1; yellow card below 0.7.
# T01  P15 signed 08-15: 签约 count 3/3 = 1, sum 6500/6000 = 1.0833 → 1.0833, met (1 in the score);
#      到位资金 600 + 400 + 1000 (09-08, the last day) = 2000/2000 = 1. score (1 + 1 + 1)/3 = 1.
# T02  P11 signed 09-09, after the end: unchanged, 0.55 < 0.7 → yellow card (0.55 ≥ 0.5: no half-time).
# T03  0.8333, T0101 and T04 unchanged; D01 0.5667 and D02 0.6667 below 0.7: yellow cards.
#   Townships: T01 1, T03 0.8333, T02 0.55, T0101, T04. T01 commended.
END_EXPECTED = {
    "T01": ("1.0000", 1, 5, {"签约": ("1.0833", True), "开工": ("1.0000", True), "到位资金": ("1.0000", True)},
            ["commended"]),
    "T0101": ("0.0000", 4, 5, {"签约": ("0.0000", False), "开工": ("0.0000", False), "到位资金": ("0.0000", False)},
              ["yellow_card", "half_time_warning", "zero_achievement"]),
    "T02": ("0.5500", 3, 5, {"签约": ("0.4500", False), "开工": ("0.6000", False), "到位资金": ("0.6000", False)},
            ["yellow_card"]),
    "T03": ("0.8333", 2, 5, {"签约": ("1.0000", True), "开工": ("1.0000", True), "到位资金": ("0.5000", False)}, []),
    "T04": ("0.0000", 4, 5, {"签约": ("0.0000", False), "开工": ("0.0000", False), "到位资金": ("0.0000", False)},
            ["yellow_card", "half_time_warning", "zero_achievement"]),
    # Behind, but a third of a category of two is 0: never more than a third is criticised.
    "D01": ("0.5667", 2, 2, {"签约": ("0.3000", False), "开工": ("1.4000", True), "到位资金": ("0.4000", False)},
            ["yellow_card"]),
    "D02": ("0.6667", 1, 2, {"签约": ("1.0000", True), "开工": ("0.0000", False), "到位资金": ("1.0000", True)},
            ["yellow_card", "vetoed"]),
    # 83.3% at the end misses the year's target: not commended, even as the only park.
    "P01": ("0.8333", 1, 1, {"签约": ("1.0000", True), "开工": ("2.0000", True), "到位资金": ("0.5000", False)}, []),
}  # fmt: skip


def _observed(assessment: engine.Assessment) -> dict:
    return {
        r.unit.code: (
            str(engine.round4(r.score)),
            r.rank,
            r.rank_of,
            {g.spec.name: (str(engine.round4(g.completion)), g.met) for g in r.groups},
            r.flags,
        )
        for r in assessment.units
        if r.score is not None
    }


def test_preset_loads_the_table(county):
    period = county["period"]
    # Tiers 1–4: 2 + 3 + 3 + 3 groups, tier one's funds figure, and the park's three.
    assert county["groups_set"] == 15
    rows = {
        (g.tier, g.unit.code if g.unit else None, g.name): [
            (i.kind, i.stage, i.amount_field, i.min_amount, i.target) for i in g.indicators.order_by("id")
        ]
        for g in TargetGroup.objects.filter(period=period)
    }
    c, p = "contract_amount", "planned_investment"
    assert rows[(1, None, "签约")] == [("count", "signed", c, 1000, 3), ("amount", "signed", c, 1000, 6000)]
    assert rows[(1, None, "开工")] == [("count", "started", p, 1000, 2), ("amount", "started", p, 1000, 3000)]
    assert rows[(1, None, "到位资金")] == [("funds", "", p, 0, 2000)]
    assert rows[(2, None, "签约")] == [("count", "signed", c, 1000, 2), ("amount", "signed", c, 1000, 4000)]
    assert rows[(2, None, "开工")] == [("count", "started", p, 1000, 1)]
    assert rows[(2, None, "到位资金")] == [("funds", "", p, 0, 1000)]
    assert rows[(3, None, "签约")] == [("count", "signed", c, 1000, 1)]
    assert rows[(3, None, "开工")] == [("count", "started", p, 500, 1)]
    assert rows[(3, None, "到位资金")] == [("funds", "", p, 0, 500)]
    assert rows[(4, None, "签约")] == [("count", "signed", c, 500, 1)]
    assert rows[(4, None, "开工")] == [("count", "started", p, 300, 1)]
    assert rows[(4, None, "到位资金")] == [("funds", "", p, 0, 250)]
    assert rows[(None, "P01", "签约")] == [("count", "signed", c, 1000, 4), ("amount", "signed", c, 1000, 8000)]
    assert rows[(None, "P01", "开工")] == [("count", "started", p, 1000, 2), ("amount", "started", p, 1000, 4000)]
    assert rows[(None, "P01", "到位资金")] == [("funds", "", p, 0, 4000)]
    assert len(rows) == 15


def test_preset_leaves_tier_one_funds_to_the_user(units, users):
    from zhaoshang.targets import services

    period = services.save_period(user=users["bureau"], data={"code": "Y", "name": "Y", "start": DAY_50, "end": END})
    assert services.apply_hundred_day_preset(user=users["bureau"], period=period) == 11
    assert not TargetGroup.objects.filter(period=period, tier=1, name="到位资金").exists()
    # Applying it again replaces, never duplicates.
    services.apply_hundred_day_preset(user=users["bureau"], period=period, tier_one_funds=Decimal("3000"))
    assert TargetGroup.objects.filter(period=period).count() == 12


def test_hundred_days_as_of_day_50(county):
    assessment = selectors.assess_period(county["period"], DAY_50)
    assert assessment.schedule_progress == Decimal("0.5")
    assert _observed(assessment) == DAY_50_EXPECTED


def test_hundred_days_as_of_the_end(county):
    assessment = selectors.assess_period(county["period"], END)
    assert assessment.schedule_progress == 1
    assert _observed(assessment) == END_EXPECTED


def test_veto_reason_and_units_without_targets(county):
    results = {r.unit.code: r for r in selectors.assess_period(county["period"], END).units}
    assert results["D02"].veto_reason == "安全生产事故"
    assert results["C00"].score is None and results["C00"].rank is None  # the county itself has no tier


def test_figures_drill_down_to_projects_and_receipts(county):
    projects = county["projects"]
    ids = {key: p.pk for key, p in projects.items()}
    assessment = selectors.assess_period(county["period"], END)
    selectors.read_drill_downs(county["period"], assessment)
    results = {r.unit.code: r for r in assessment.units}
    t01 = {g.spec.name: g for g in results["T01"].groups}
    assert sorted(t01["签约"].indicators[0].project_ids) == sorted([ids["P1"], ids["P2"], ids["P15"]])
    assert sorted(t01["开工"].indicators[1].project_ids) == [ids["P1"]]
    receipts = projects["P1"].receipts.order_by("date")
    in_period = sorted(r.pk for r in receipts if r.date >= county["period"].start)
    assert sorted(t01["到位资金"].indicators[0].receipt_ids) == in_period
    assert t01["到位资金"].indicators[0].actual == Decimal("2000")
    # The shared project shows up for both of its units, with their shares.
    t02 = {g.spec.name: g for g in results["T02"].groups}
    d01 = {g.spec.name: g for g in results["D01"].groups}
    assert t02["签约"].indicators[1].project_ids == [ids["P5"]] and t02["签约"].indicators[1].actual == 1800
    assert sorted(d01["开工"].indicators[0].project_ids) == sorted([ids["P5"], ids["P6"]])
    assert (results["T02"].funds, results["D01"].funds) == (Decimal("600"), Decimal("400"))
    # T01's headline contract: P1, P2, P3 and P15 signed in the period (P4 excluded).
    assert results["T01"].contract == Decimal("2500") + 1000 + Decimal("999.99") + 3000
