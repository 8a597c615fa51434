"""The reported assessment from facts reduced in SQL (``selectors.period_facts``) against the same
assessment from whole projects and receipts (``selectors.facts`` and ``facts.assess``): every figure, the
rows behind it, and how the rows of a funds figure are read after the engine (``read_drill_downs``).

The county of conftest.py, plus a foreign project, a funds figure with a minimum contract amount, an
intention count and a unit-specific group, so that every kind of indicator and every recognition rule of
the period (industry K, government-funded, local relocation, second phase, the 100万 floor) is exercised.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.assessment import engine, facts, selectors, serialize
from zhaoshang.projects import rules, services
from zhaoshang.targets import services as targets
from zhaoshang.targets.services import IndicatorData

from .conftest import DAY_50, END, START, d

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def wider(county, users, make_project):
    """The county with more kinds of figure: tier one gets a foreign-capital group, a funds group of
    projects signed at ≥2000万 and an intention count; T02 has its own funds group (≥1000万 planned)."""
    bureau, period, units = users["bureau"], county["period"], county["units"]
    targets.save_group(
        user=bureau,
        period=period,
        tier=1,
        name="利用外资",
        indicators=[IndicatorData(kind="foreign", stage="started", target=D("100"))],
    )
    targets.save_group(
        user=bureau,
        period=period,
        tier=1,
        name="大项目到位",
        indicators=[
            IndicatorData(kind="funds", amount_field="contract_amount", min_amount=D("2000"), target=D("1500")),
            IndicatorData(kind="count", stage="intention", amount_field="planned_investment", target=D("2")),
        ],
    )
    targets.save_group(
        user=bureau,
        period=period,
        unit=units["b"],
        name="到位资金",
        indicators=[IndicatorData(kind="funds", min_amount=D("1000"), target=D("800"))],
    )
    foreign = make_project(
        units["a"],
        code="P16",
        contract_amount=D("1500"),
        planned_investment=D("1500"),
        capital_type="foreign",
        currency="USD",
        foreign_investment=D("120"),
    )
    services.record_stage(user=bureau, project=foreign, stage="intention", date=d("06-03"))
    services.record_stage(user=bureau, project=foreign, stage="started", date=d("07-02"))
    services.add_receipt(user=bureau, project=foreign, date=d("07-03"), amount=D("75.5"))
    services.add_receipt(user=bureau, project=foreign, date=d("06-30"), amount=D("0.25"))
    county["projects"]["P16"] = foreign
    return county


def whole(period, as_of) -> engine.Assessment:
    """The same assessment from whole projects and receipts."""
    units = selectors.unit_infos()
    projects, receipts, _count = selectors.facts(period, as_of)
    return facts.assess(
        units=units,
        groups_by_unit=selectors.group_specs(period, units),
        projects=projects,
        receipts=receipts,
        start=period.start,
        end=period.end,
        as_of=as_of,
        schedule_basis=period.schedule_basis,
        rules=selectors.rules_for(period, as_of),
    )


def figures(assessment: engine.Assessment) -> dict:
    return {
        r.unit.code: (
            r.score,
            r.rank,
            r.rank_of,
            r.flags,
            r.funds,
            r.contract,
            [
                (g.completion, g.met, [(i.actual, i.met, i.project_ids, i.receipt_ids) for i in g.indicators])
                for g in r.groups
            ],
        )
        for r in assessment.units
    }


@pytest.mark.parametrize(
    "as_of",
    [START - dt.timedelta(days=1), START, d("06-30"), DAY_50, END, END + dt.timedelta(days=1)],
)
def test_the_same_figures_and_rows_as_from_whole_facts(wider, as_of):
    expected = figures(whole(wider["period"], as_of))
    everything = selectors.assess_period(wider["period"], as_of)
    selectors.read_drill_downs(wider["period"], everything)
    assert figures(everything) == expected


def test_the_new_figures_by_hand(wider):
    """T01 at the end: P16's 120万 USD, started 07-02 (P1 started too, but is domestic); funds of projects
    signed at ≥2000万: P1's 600 + 400 + 1000 (P16's contract is 1500, P4 is excluded, P15 received
    nothing); intention reached inside the period: P16's own, and P1, P2, P3, P15 through their signing."""
    assessment = selectors.assess_period(wider["period"], END)
    selectors.read_drill_downs(wider["period"], assessment)
    results = {r.unit.code: r for r in assessment.units}
    t01 = {g.spec.name: g for g in results["T01"].groups}
    projects = wider["projects"]
    assert t01["利用外资"].indicators[0].actual == D("120")
    big_funds, intentions = t01["大项目到位"].indicators
    assert big_funds.actual == D("2000") and big_funds.project_ids == [projects["P1"].pk]
    assert sorted(big_funds.receipt_ids) == sorted(
        r.pk for r in projects["P1"].receipts.all() if r.date >= wider["period"].start
    )
    assert intentions.actual == 5
    # T02's own funds group replaces its tier's: P5 (3000 planned, 60%) received 1000.
    t02 = {g.spec.name: g for g in results["T02"].groups}
    assert t02["到位资金"].indicators[0].spec.min_amount == D("1000")
    assert t02["到位资金"].indicators[0].actual == D("600")
    assert results["T01"].funds == D("2075.75")


def test_a_units_funds_rows_are_read_after_the_engine(wider, django_assert_num_queries):
    # Units, indicators, groups, the scheme, vetoes, the last issued bulletin, the facts (2), the foreign projects.
    with django_assert_num_queries(9):
        assessment = selectors.assess_period(wider["period"], END)
    t01 = next(r for r in assessment.units if r.unit.code == "T01")
    funds = next(g for g in t01.groups if g.spec.name == "到位资金").indicators[0]
    assert funds.project_ids is None and funds.receipt_ids is None  # the engine reads nothing
    with django_assert_num_queries(1):
        selectors.read_drill_downs(wider["period"], assessment, unit_ids={t01.unit.id})
    p16, p1 = wider["projects"]["P16"], wider["projects"]["P1"]
    assert funds.project_ids == [p16.pk, p1.pk]  # newest first
    by_date = [r.pk for r in p16.receipts.order_by("date", "pk")] + [
        r.pk for r in p1.receipts.order_by("date", "pk") if r.date >= START
    ]
    assert funds.receipt_ids == by_date
    others = [i for r in assessment.units if r.unit.code != "T01" for g in r.groups for i in g.indicators]
    assert any(i.project_ids is None for i in others)  # only the unit asked for was read


def test_every_figures_rows_in_one_query(wider, django_assert_num_queries):
    assessment = selectors.assess_period(wider["period"], END)
    with django_assert_num_queries(1):
        selectors.read_drill_downs(wider["period"], assessment)
    with django_assert_num_queries(0):
        data = serialize.assessment_data(assessment, period_code="BR100", basis="reported")
    expected = serialize.assessment_data(whole(wider["period"], END), period_code="BR100", basis="reported")
    assert data == expected


def test_the_queries_do_not_grow_with_the_county(wider, users, make_project, django_assert_num_queries):
    for n in range(5):
        project = make_project(wider["units"]["b"], contract_amount=D("1200"), planned_investment=D("1200"))
        services.record_stage(user=users["bureau"], project=project, stage="signed", date=d("07-01"))
        services.add_receipt(user=users["bureau"], project=project, date=d("07-02"), amount=D(10 + n))
    with django_assert_num_queries(9):
        selectors.assess_period(wider["period"], END)


@pytest.mark.parametrize(
    ("rule", "project_data"),
    [
        ({"excluded_kinds": ["tertiary", "agriculture"]}, {"kind": "tertiary"}),
        ({"excluded_industries": ["K"]}, {"industry": "K"}),
        ({"exclude_government_funded": True}, {"government_funded": True}),
        ({"exclude_local_relocation": True}, {"local_relocation": True}),
        ({"exclude_second_phase": True}, {"second_phase": True}),
        ({"floor_amount": D("1000.01")}, {"planned_investment": D("1000")}),
    ],
)
def test_the_rules_in_sql_are_the_rules_in_python(users, units, make_project, rule, project_data):
    """The recognition rules in SQL keep exactly the projects the selectors' facts do not exclude."""
    from django.db import connection

    period = targets.save_period(
        user=users["bureau"],
        data={
            "code": "R",
            "name": "R",
            "start": START,
            "end": END,
            "exclude_government_funded": False,
            "exclude_local_relocation": False,
            **rule,
        },
    )
    amounts = {"planned_investment": D("1000.01"), "contract_amount": D("1000")}
    plain = make_project(**amounts)
    caught = make_project(**{**amounts, **project_data})
    for project in (plain, caught):
        services.record_stage(user=users["bureau"], project=project, stage="signed", date=d("06-10"))
    projects, _receipts, _count = selectors.facts(period, END)
    kept_in_python = {p.id for p in projects if not p.excluded}
    conditions, params = rules.recognition_sql(rules.Recognition.of(period))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM projects_project p WHERE 1 = 1{conditions}", params)
        kept_in_sql = {pk for (pk,) in cursor.fetchall()}
    assert kept_in_python == kept_in_sql == {plain.pk}
