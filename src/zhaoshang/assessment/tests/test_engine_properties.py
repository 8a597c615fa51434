"""Properties of the engine over generated counties (hypothesis; plain dataclasses, no database)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zhaoshang.assessment import engine, facts

from .support import END, START, D, count, foreign, funds, group, receipt, run, total, unit

FAST = settings(max_examples=50, deadline=None)
UNIT_IDS = (1, 2, 3, 4)
UNITS = [unit(1), unit(2), unit(3), unit(4, category="department", tier=2)]
# The 100-day table's tier-one row (with a funds figure) for every unit.
TIER_ONE = [
    group("签约", count("3"), total("6000")),
    group(
        "开工",
        count("2", stage="started", field="planned_investment"),
        total("3000", stage="started", field="planned_investment"),
    ),
    group("到位资金", funds("2000")),
]
AMOUNTS = [D(a) for a in ("0", "300", "500", "999.99", "1000", "1000.01", "2500", "7000")]
SPLITS = [(D("0.6"), D("0.4")), (D("0.5"), D("0.5")), (D("0.3333"), D("0.6667")), (D("0.01"), D("0.99"))]

dates = st.integers(min_value=-15, max_value=115).map(lambda n: START + dt.timedelta(days=n))
as_of_dates = st.integers(min_value=-3, max_value=105).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def credits(draw, units=UNIT_IDS):
    first = draw(st.sampled_from(units))
    others = [u for u in units if u != first]
    if not others or draw(st.booleans()):
        return {first: D("1")}
    a, b = draw(st.sampled_from(SPLITS))
    return {first: a, draw(st.sampled_from(others)): b}


@st.composite
def project_facts(draw, pk, units=UNIT_IDS):
    stages = {}
    signed = draw(st.none() | dates)
    if signed is not None:
        stages["signed"] = signed
    if draw(st.booleans()):
        base = signed or draw(dates)
        stages["started"] = base + dt.timedelta(days=draw(st.integers(0, 60)))
        if draw(st.booleans()):
            stages["producing"] = stages["started"] + dt.timedelta(days=draw(st.integers(0, 60)))
    return facts.ProjectFact(
        id=pk,
        credits=draw(credits(units)),
        stage_dates=stages,
        contract_amount=draw(st.sampled_from(AMOUNTS)),
        planned_investment=draw(st.sampled_from(AMOUNTS)),
        foreign_usd=draw(st.sampled_from([D("0"), D("0"), D("120.5")])),
        excluded=draw(st.integers(0, 9)) == 0,
    )


@st.composite
def counties(draw, units=UNIT_IDS, first_pk=1):
    n = draw(st.integers(0, 12))
    projects = [draw(project_facts(first_pk + i, units)) for i in range(n)]
    receipts = []
    for p in projects:
        for _ in range(draw(st.integers(0, 2))):
            amount = draw(st.sampled_from([D("0.01"), D("100"), D("333.33"), D("1500")]))
            receipts.append(receipt(len(receipts) + 1, p.id, draw(dates), amount))
    return projects, receipts


def _assess(projects, receipts, as_of, units=UNITS, groups=TIER_ONE):
    return run(units, groups, projects, receipts, as_of=as_of)


@FAST
@given(county=counties(), as_of=as_of_dates, target=st.sampled_from(UNIT_IDS), data=st.data())
def test_adding_a_qualifying_project_never_lowers_completion(county, as_of, target, data):
    projects, receipts = county
    until = min(as_of, END)
    if until < START:
        return
    when = START + dt.timedelta(days=data.draw(st.integers(0, (until - START).days)))
    amount = data.draw(st.sampled_from([D("1000"), D("2500"), D("7000")]))
    new = facts.ProjectFact(
        id=999,
        credits={target: D("1")},
        stage_dates={"signed": when, "started": when},
        contract_amount=amount,
        planned_investment=amount,
    )
    before = _assess(projects, receipts, as_of)[target]
    after = _assess([*projects, new], [*receipts, receipt(999, 999, when, "10")], as_of)[target]
    assert after.score >= before.score
    for old, now in zip(before.groups, after.groups, strict=True):
        assert now.completion >= old.completion
        assert now.met or not old.met
        for old_i, now_i in zip(old.indicators, now.indicators, strict=True):
            assert now_i.actual >= old_i.actual


@FAST
@given(county=counties(units=(2, 3, 4), first_pk=1), only=project_facts(500, units=(1,)), as_of=as_of_dates)
def test_removing_a_units_only_project_never_improves_its_rank(county, only, as_of):
    projects, receipts = county
    extra = [receipt(900, 500, START, "100"), receipt(901, 500, END, "50")]
    with_it = _assess([*projects, only], [*receipts, *extra], as_of)[1]
    without = _assess(projects, receipts, as_of)[1]
    assert without.rank >= with_it.rank
    assert without.score <= with_it.score


@FAST
@given(county=counties(), as_of=as_of_dates)
def test_completions_never_negative_orders_are_a_permutation_and_ties_share_a_rank(county, as_of):
    results = _assess(*county, as_of)
    for result in results.values():
        assert result.score >= 0 and result.funds >= 0 and result.contract >= 0
        for g in result.groups:
            assert g.completion >= 0
            assert g.completion == max(i.completion for i in g.indicators)
            assert g.met == any(i.met for i in g.indicators)
            for i in g.indicators:
                assert i.actual >= 0 and i.completion >= 0
                assert i.met == (i.completion >= 1)
        assert set(result.flags) <= set(engine.FLAGS)
        assert not ({"vetoed", "zero_achievement"} & set(result.flags) and "commended" in result.flags)
    townships = sorted((r for r in results.values() if r.unit.category == "township"), key=lambda r: r.order)
    assert [r.order for r in townships] == [1, 2, 3]
    for above, below in itertools.pairwise(townships):
        tied = engine.round4(above.score) == engine.round4(below.score)
        assert below.rank == (above.rank if tied else below.order)
    # Only units behind the schedule are criticised, only units on it commended.
    progress = engine.round4(engine.schedule_progress(START, END, as_of))
    for result in townships:
        assert "criticised" not in result.flags or engine.round4(result.score) < progress
        assert "commended" not in result.flags or engine.round4(result.score) >= progress


@FAST
@given(county=counties(), as_of=as_of_dates)
def test_shares_summing_to_one_conserve_the_county_totals(county, as_of):
    projects, receipts = county
    groups = [
        group("个数", count("1", floor="0")),
        group("协议额", total("1", floor="0")),
        group("到位", funds("1")),
        group("外资", foreign("1")),
    ]
    results = run(UNITS, groups, projects, receipts, as_of=as_of)
    until = min(as_of, END)
    counted = [p for p in projects if not p.excluded and (s := p.reached_on("signed")) and START <= s <= until]
    live = {p.id for p in projects if not p.excluded}
    money = sum((r.amount for r in receipts if r.project_id in live and START <= r.date <= until), Decimal(0))

    def actual(index):
        return sum((r.groups[index].indicators[0].actual for r in results.values()), Decimal(0))

    assert actual(0) == len(counted)
    assert actual(1) == sum((p.contract_amount for p in counted), Decimal(0))
    assert actual(2) == money
    assert actual(3) == sum((p.foreign_usd for p in counted), Decimal(0))
    assert sum((r.funds for r in results.values()), Decimal(0)) == money
    assert sum((r.contract for r in results.values()), Decimal(0)) == actual(1)


def _summed_per_unit(reduced: engine.PeriodFacts, floors) -> tuple[engine.PeriodFacts, object]:
    """The same facts with the funds summed per unit, as the selectors give them from SQL, and a function
    that fills in the rows of the figures the engine left unread (as ``selectors.read_drill_downs`` does)."""
    sums: dict[int, engine.UnitFunds] = {}
    for fact in reduced.projects:
        if fact.funds is None:
            continue
        for unit_id, share in fact.credits.items():
            found = sums.setdefault(unit_id, engine.UnitFunds(D(0), {key: D(0) for key in floors}))
            sums[unit_id] = found._replace(total=found.total + share * fact.funds)
            for key in floors:
                if engine.passes(key, fact):
                    found.floors[key] += share * fact.funds

    def read_rows(assessment) -> None:
        for result in assessment.units:
            for group_result in result.groups:
                for indicator in group_result.indicators:
                    if indicator.project_ids is not None:
                        continue
                    spec = indicator.spec
                    kept = [
                        f
                        for f in reduced.projects
                        if f.funds is not None
                        and f.credits.get(result.unit.id)
                        and (not spec.min_amount or getattr(f, spec.amount_field) >= spec.min_amount)
                    ]
                    indicator.project_ids = [f.id for f in kept]
                    indicator.receipt_ids = [r for f in kept for r in f.receipt_ids]

    summed = engine.PeriodFacts(projects=[f._replace(funds=None, receipt_ids=()) for f in reduced.projects], funds=sums)
    return summed, read_rows


@FAST
@given(county=counties(), as_of=as_of_dates)
def test_funds_summed_per_unit_give_the_same_figures_and_rows(county, as_of):
    projects, receipts = county
    groups = {u.id: [*TIER_ONE, group("大项目", funds("500", floor="1000", field="contract_amount"))] for u in UNITS}
    common = {"units": UNITS, "groups_by_unit": groups, "start": START, "end": END, "as_of": as_of}
    whole = facts.assess(projects=projects, receipts=receipts, **common)
    reduced = facts.summarize(projects, receipts, START, min(as_of, END), engine.stages_read(groups))
    summed, read_rows = _summed_per_unit(reduced, engine.funds_floors(groups))
    from_sums = engine.assess_facts(facts=summed, **common)
    funds_figures = [i for r in from_sums.units for g in r.groups for i in g.indicators if i.spec.kind == "funds"]
    # The engine reads nothing: a funds figure summed per unit has no rows until the selectors read them.
    assert all(i.project_ids is None for i in funds_figures if i.actual)
    read_rows(from_sums)

    def figures(assessment):
        return [
            (
                (r.score, r.rank, r.flags, r.funds, r.contract),
                [(i.actual, i.met, i.project_ids, i.receipt_ids) for g in r.groups for i in g.indicators],
            )
            for r in assessment.units
        ]

    assert figures(from_sums) == figures(whole)
