"""A points scheme's recognition conditions (认定条件) and floors by unit category, by hand (issue 13).

Period CND: 2026-01-01 … 2026-12-31, assessed as of 2026-06-30; no recognition exclusions; no task groups, so every
active unit is scored. Money in 万元 (1亿 = 10000). Projects (dates 2026 unless written out; receipts amount@date):

    P1 T01  20000  signed 03-01  市级 event, 民营, C 13, registered 02-01, land paid 04-01     1000@03-10
    P2 T01  20000  signed 04-01  县级 event, 国有, K 70, registered 01-01, land paid 07-01     500@04-10
    P3 T01   6000  signed 2024-01-01 (exactly 2 years before the start), started 05-01, 民营, H 62
    P4 T01   6000  signed 2023-12-31 (2 years and a day), started 06-01, H 61
    D1 D01   6000  signed 02-01                                                          300@02-10
    D2 D01   9000  signed 03-01                                                          700@03-10

Items (each per_count, +1 per whole project above a task of 0, so the points are the count; E7/E8 ratio 10 without
a task: 10 when there is anything):
    E1 signed at a 市级 event or higher:  T01 P1 (P2's is 县级) → 1
    E2 signed, 民营:                      T01 P1 (P3 is 民营 but signed before the period) → 1
    E3 signed, registered and land paid within 01-01 … 06-30: P1 yes; P2 registered on the start day (in) but land
       paid 07-01, after the as-of date → 1
    E4 started, signed within 2 years:   P3 (signed on 2024-01-01, exactly 2 years before) yes, P4 no → 1
    E5 started, 大类 62 excluded:         P3 (62) out, P4 (61, the next code, same section) in → 1
    E6 signed at 1亿 or more, 县直 (department) 5000万: T01 P1, P2 → 2; D01 D1 (6000), D2 (9000) → 2 (at 1亿 it
       would be 0); T02 0
    E7 funds of 民营 projects: T01 1000 (P1; P2's 500 is 国有); D01 0
    E8 funds at 1亿 or more, 县直 5000万: T01 1500; D01 300 + 700 = 1000
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhaoshang.assessment import engine, selectors
from zhaoshang.assessment.facts import summarize

START, END, AS_OF = dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 6, 30)
COUNT = {"per_above": "1"}
ITEMS = [
    ("E1", "per_count", COUNT, {"what": "count", "event_level": "city"}),
    ("E2", "per_count", COUNT, {"what": "count", "private": True}),
    ("E3", "per_count", COUNT, {"what": "count", "registered_land_paid": True}),
    ("E4", "per_count", COUNT, {"what": "count", "stage": "started", "within_years": 2}),
    ("E5", "per_count", COUNT, {"what": "count", "stage": "started", "exclude_divisions": ["62"]}),
    ("E6", "per_count", COUNT, {"what": "count", "low": "10000", "low_by_category": {"department": "5000"}}),
    ("E7", "ratio", {}, {"what": "funds", "private": True}),
    ("E8", "ratio", {}, {"what": "funds", "low": "10000", "low_by_category": {"department": "5000"}}),
]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text if len(text) > 5 else f"2026-{text}")


@pytest.fixture
def county(units, users, make_project):
    from zhaoshang.projects import services
    from zhaoshang.targets import services as targets
    from zhaoshang.targets.models import Scheme, SchemeItem

    bureau = users["bureau"]
    period = targets.save_period(user=bureau, data={"code": "CND", "name": "认定条件", "start": START, "end": END})
    scheme = Scheme.objects.create(period=period, kind="points", ranking="all")
    for order, (code, function, params, measure) in enumerate(ITEMS):
        SchemeItem.objects.create(
            scheme=scheme,
            order=order,
            code=code,
            name=code,
            section="base",
            function=function,
            points=D("10"),
            params=params,
            measure=measure,
        )
    projects = {}
    for key, unit, contract, stages, receipts, fields in [
        (
            "P1",
            "a",
            "20000",
            [("signed", "03-01")],
            [("1000", "03-10")],
            {"signing_event_level": "city", "ownership": "private", "industry": "C", "industry_division": "13"}
            | {"company_registered_on": d("02-01"), "land_paid_on": d("04-01")},
        ),
        (
            "P2",
            "a",
            "20000",
            [("signed", "04-01")],
            [("500", "04-10")],
            {"signing_event_level": "county", "ownership": "state", "industry": "K", "industry_division": "70"}
            | {"company_registered_on": d("01-01"), "land_paid_on": d("07-01")},
        ),
        (
            "P3",
            "a",
            "6000",
            [("signed", "2024-01-01"), ("started", "05-01")],
            [],
            {"ownership": "private", "industry": "H", "industry_division": "62"},
        ),
        (
            "P4",
            "a",
            "6000",
            [("signed", "2023-12-31"), ("started", "06-01")],
            [],
            {"industry": "H", "industry_division": "61"},
        ),
        ("D1", "dept", "6000", [("signed", "02-01")], [("300", "02-10")], {}),
        ("D2", "dept", "9000", [("signed", "03-01")], [("700", "03-10")], {}),
    ]:
        project = make_project(
            units[unit], code=key, contract_amount=D(contract), planned_investment=D(contract), **fields
        )
        for stage, when in stages:
            services.record_stage(user=bureau, project=project, stage=stage, date=d(when))
        for amount, when in receipts:
            services.add_receipt(user=bureau, project=project, date=d(when), amount=D(amount))
        projects[key] = project
    return {"period": period, "projects": projects}


EXPECTED_ACTUAL = {
    "T01": {"E1": 1, "E2": 1, "E3": 1, "E4": 1, "E5": 1, "E6": 2, "E7": D("1000"), "E8": D("1500")},
    "D01": {"E1": 0, "E2": 0, "E3": 0, "E4": 0, "E5": 0, "E6": 2, "E7": 0, "E8": D("1000")},
    "T02": dict.fromkeys(("E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"), 0),
}


def _actuals(assessment) -> dict:
    return {
        r.unit.code: {item.code: item.actual for item in r.items}
        for r in assessment.units
        if r.unit.code in EXPECTED_ACTUAL
    }


def test_each_condition_by_hand(county):
    assessment = selectors.assess_period(county["period"], AS_OF)
    assert _actuals(assessment) == EXPECTED_ACTUAL
    by_code = {r.unit.code: r for r in assessment.units}
    points = {item.code: item.points for item in by_code["T01"].items}
    assert points == {
        "E1": D("1.00"),
        "E2": D("1.00"),
        "E3": D("1.00"),
        "E4": D("1.00"),
        "E5": D("1.00"),
        "E6": D("2.00"),
        "E7": D("10.00"),
        "E8": D("10.00"),
    }
    assert by_code["D01"].points == D("12.00")  # E6 2 + E8 10 + (E7: nothing) 0


def test_the_rows_behind_each_condition(county):
    period, p = county["period"], county["projects"]
    assessment = selectors.assess_period(period, AS_OF)
    selectors.read_drill_downs(period, assessment)
    t01 = {item.code: item for item in next(r for r in assessment.units if r.unit.code == "T01").items}
    d01 = {item.code: item for item in next(r for r in assessment.units if r.unit.code == "D01").items}
    assert t01["E1"].project_ids == [p["P1"].pk]
    assert t01["E4"].project_ids == [p["P3"].pk]
    assert t01["E5"].project_ids == [p["P4"].pk]
    assert set(t01["E6"].project_ids) == {p["P1"].pk, p["P2"].pk}
    assert t01["E7"].project_ids == [p["P1"].pk]  # read after the engine for the funds summed per unit
    assert set(d01["E8"].project_ids) == {p["D1"].pk, p["D2"].pk}
    assert len(d01["E8"].receipt_ids) == 2


def test_whole_projects_read_the_same_conditions(county):
    """The path of the verified basis and the forecast (whole projects reduced in Python) finds the same figures."""
    period = county["period"]
    scheme = selectors.points_scheme(period)
    spec, lines = selectors.scheme_lines(scheme)
    from zhaoshang.assessment import points

    measures = points.measure_specs(lines)
    units = selectors.unit_infos()
    rules = selectors.rules_for(period, AS_OF, scheme, units)
    projects, receipts, _count = selectors.facts(period, AS_OF)
    reduced = summarize(projects, receipts, START, AS_OF, engine.stages_read({}, measures.values()))
    assessment = engine.assess_facts(
        units=units,
        groups_by_unit={},
        facts=reduced,
        start=START,
        end=END,
        as_of=AS_OF,
        rules=rules,
        measures=measures,
        points=points.Points(scheme=spec, lines=lines, group_of=rules.ranking_groups),
    )
    assert _actuals(assessment) == EXPECTED_ACTUAL


def test_a_condition_moves_with_the_as_of_date(county):
    """Land paid on 07-01: P2 meets 已注册且缴纳土地出让金 as of 07-01, not the day before."""
    period = county["period"]
    before = _actuals(selectors.assess_period(period, d("06-30")))["T01"]["E3"]
    after = _actuals(selectors.assess_period(period, d("07-01")))["T01"]["E3"]
    assert (before, after) == (1, 2)


def test_the_workbook_names_the_conditions():
    from zhaoshang.assessment.xlsx import measure_label

    measure = {"what": "count", "stage": "signed", "low": "10000", **dict(ITEMS[5][3])}
    measure |= {"event_level": "city", "private": True, "within_years": 2, "exclude_divisions": ["70", "62"]}
    assert measure_label(measure) == (
        "签约项目个数（协议引资额10000万元以上；市级及以上活动签约；民营；2年内签约；不含行业大类 70、62；"
        "县直部门协议引资额5000万元以上）"
    )
    assert measure_label({"what": "funds", "registered_land_paid": True}) == "实际到位资金（当期注册并缴纳土地出让金）"


def test_the_verified_basis_reads_the_same_conditions(users, county):
    """Verified: P1's and P2's signings confirmed, D1's adjusted to 4000万 (below 县直's 5000万 floor), D2's rejected;
    P1's receipt confirmed. E1 (市级 event) T01 1 (P1); E6 T01 2, D01 0; E7 (民营 funds) T01 1000."""
    from zhaoshang.projects.models import FundsReceipt, StageEvent
    from zhaoshang.supervision import services as supervision

    p = county["projects"]
    batch = supervision.create_batch(
        user=users["supervisor"], name="上半年", start=START, end=AS_OF, method="threshold", min_amount=D("0")
    )

    def verify(result, **kwargs):
        comment = "核查意见" if result != "confirmed" else ""
        supervision.verify(user=users["supervisor"], batch=batch, result=result, comment=comment, **kwargs)

    for key, result, extra in (("P1", "confirmed", {}), ("P2", "confirmed", {}), ("D2", "rejected", {})):
        verify(result, stage_event=StageEvent.objects.get(project=p[key], stage="signed"), **extra)
    verify("adjusted", stage_event=StageEvent.objects.get(project=p["D1"], stage="signed"), amount=D("4000"))
    verify("confirmed", receipt=FundsReceipt.objects.get(project=p["P1"]))
    verified = _actuals(selectors.assess_period(county["period"], AS_OF, basis="verified"))
    assert (verified["T01"]["E1"], verified["T01"]["E6"], verified["T01"]["E7"]) == (1, 2, D("1000"))
    assert (verified["T01"]["E2"], verified["T01"]["E3"]) == (1, 1)  # P1: 民营, registered and land paid
    assert verified["D01"]["E6"] == 0
