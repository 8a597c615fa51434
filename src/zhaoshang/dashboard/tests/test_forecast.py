"""The year-end forecast: estimates from history up to the as-of date only, seeded and repeatable runs,
the engine's own rules at the period's end, and sane monotonic figures.

The synthetic county (``build_history``): forty projects of the conftest units drawn by a seeded
``random.Random`` through the project services — talks from 2025-01 on, then intention, signing, start and
production with fixed odds and gaps, receipts after signing — plus two units of known standing: T05
(tier 4) has met all its targets by the as-of date, T03 (tier 3) has nothing at all. The period is
2026-01-01 … 2026-10-31 with the 100-day preset; the forecast is made as of 2026-06-30.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from zhaoshang.assessment import selectors
from zhaoshang.assessment.facts import assess as assess_facts
from zhaoshang.dashboard import forecast as fc
from zhaoshang.dashboard.forecast import ProjectHistory, estimate, forecast, load_history
from zhaoshang.organization.models import Unit
from zhaoshang.projects import services
from zhaoshang.projects.models import Project
from zhaoshang.targets import services as target_services

pytestmark = pytest.mark.django_db

D = Decimal
AS_OF = dt.date(2026, 6, 30)
START, END = dt.date(2026, 1, 1), dt.date(2026, 10, 31)
LAST_DAY = dt.date(2026, 11, 1)  # history is recorded up to here (never in the future)
ODDS = {"intention": 0.85, "signed": 0.8, "started": 0.75, "producing": 0.4}
GAPS = {"intention": (15, 90), "signed": (15, 90), "started": (20, 120), "producing": (60, 200)}


def make(user, code, unit, planned, events=(), receipts=(), **data):
    project = services.create_project(
        user=user,
        data={"code": code, "name": f"项目{code}", "planned_investment": D(planned), **data},
        credits=[(unit, D("100"))],
    )
    for stage, day, amount in events:
        services.record_stage(user=user, project=project, stage=stage, date=day, amount=amount)
    for day, amount in receipts:
        services.add_receipt(user=user, project=project, date=day, amount=D(amount))
    return project


def build_history(users, units, *, n: int = 40, seed: int = 5) -> dict:
    rng = random.Random(seed)
    bureau = users["bureau"]
    pool = [units["a"], units["b"], units["dept"], units["a_section"]]
    for i in range(n):
        planned = D(rng.choice([400, 800, 1200, 2500, 6000]))
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(560))
        events, signed = [("negotiating", day, None)], None
        for stage in ("intention", "signed", "started", "producing"):
            if rng.random() >= ODDS[stage]:
                break
            day += dt.timedelta(days=rng.randint(*GAPS[stage]))
            if day > LAST_DAY:
                break
            if stage == "signed":
                signed = (day, (planned * D("0.8")).quantize(D("1")))
            events.append((stage, day, signed[1] if stage == "signed" else None))
        receipts = []
        if signed:
            for month in range(1, 10):
                paid = signed[0] + dt.timedelta(days=30 * month)
                if paid > LAST_DAY:
                    break
                if rng.random() < 0.4:
                    receipts.append((paid, signed[1] / 10))
        project = make(bureau, f"H{i:03d}", pool[i % len(pool)], planned, events, receipts)
        if rng.random() < 0.1:
            when = min(day + dt.timedelta(days=40), LAST_DAY)
            services.set_status(user=bureau, project=project, status="stalled", reason="资金困难", date=when)
    county = units["county"]
    done = Unit.objects.create(code="T05", name="达标镇", parent=county, category="township", tier=4)
    empty = Unit.objects.create(code="T03", name="空白乡", parent=county, category="township", tier=3)
    met = make(
        bureau,
        "M01",
        done,
        800,
        [("signed", dt.date(2026, 2, 10), D("600")), ("started", dt.date(2026, 3, 20), None)],
        [(dt.date(2026, 4, 15), "300")],
    )
    more = make(bureau, "M02", done, 900, [("negotiating", dt.date(2026, 5, 1), None)])
    public = make(
        bureau,
        "G01",
        units["b"],
        5000,
        [("negotiating", dt.date(2026, 1, 5), None), ("intention", dt.date(2026, 3, 1), None)],
        government_funded=True,
    )
    return {"done": done, "empty": empty, "met": met, "more": more, "public": public}


@pytest.fixture
def history(users, units):
    return build_history(users, units)


@pytest.fixture
def campaign(users):
    period = target_services.save_period(
        user=users["bureau"], data={"code": "FC-2026", "name": "百日竞赛", "start": START, "end": END}
    )
    target_services.apply_hundred_day_preset(user=users["bureau"], period=period, tier_one_funds=D("2000"))
    return period


def _comparable(result):
    return result.units, result.county, result.estimates, result.runs, result.seed


# --- the estimator -----------------------------------------------------------------------------------


def _h(pk, stages, *, status="active", planned="2000", contract=None, receipts=(), credits=None):
    return ProjectHistory(
        id=pk,
        stage_dates=stages,
        status=status,
        credits=credits or {1: D("1")},
        planned_investment=D(planned),
        contract_amount=D(contract) if contract is not None else None,
        receipts=tuple((day, D(amount)) for day, amount in receipts),
    )


def test_rates_count_young_projects_as_undecided_and_old_or_dropped_ones_as_not_converted():
    d = dt.date
    histories = [
        _h(1, {"negotiating": d(2026, 1, 1), "intention": d(2026, 2, 1)}),  # 31 days
        _h(2, {"negotiating": d(2026, 1, 1), "intention": d(2026, 3, 2)}),  # 60 days
        _h(3, {"negotiating": d(2026, 6, 20)}),  # 10 days old: too young to tell
        _h(4, {"negotiating": d(2025, 6, 1)}),  # far past the 90th percentile: not converted
        _h(5, {"negotiating": d(2026, 6, 25)}, status="dropped"),  # dropped: not converted, however young
        # Its intention comes after the as-of date: invisible, so it has waited 180 days — not converted.
        _h(6, {"negotiating": d(2026, 1, 1), "intention": d(2026, 7, 15)}),
    ]
    step = estimate(histories, AS_OF).transitions[1]
    assert step.name == "negotiating→intention"
    assert (step.converted, step.failed, step.censored) == (2, 3, 1)
    assert step.durations == (31, 60) and step.censor_days == 60 and step.median_days == 60
    assert step.rate == pytest.approx(2 / 5)
    # Already waited 45 days: only the 60-day duration is still possible, S = 1/2.
    odds, durations = step.given_waited(45)
    assert odds == pytest.approx(0.4 * 0.5 / (0.4 * 0.5 + 0.6)) and durations == (60,)
    assert step.given_waited(90) == (0.0, ())


def test_funds_pace_counts_fully_observed_months_after_signing_and_ignores_later_receipts():
    d = dt.date
    signed = _h(
        7,
        {"signed": d(2026, 1, 1)},
        planned="2000",
        contract="1000",
        receipts=[(d(2026, 1, 10), "100"), (d(2026, 3, 5), "50"), (d(2026, 7, 10), "500")],
    )
    estimates = estimate([signed], AS_OF)
    # 181 days from signing to the as-of date: six whole 30-day months (0 … 5) are observed.
    assert [list(b) for b in estimates.pace[:7]] == [[D("0.1")], [0], [D("0.05")], [0], [0], [0], []]
    assert estimates.contract_ratios == (D("0.5"),)
    assert estimates.pace_mean(0) == pytest.approx(0.1)


def test_arrivals_are_the_projects_first_seen_in_the_last_year_per_unit_and_share():
    d = dt.date
    histories = [
        _h(1, {"negotiating": d(2025, 5, 1)}),  # before the window
        _h(2, {"negotiating": d(2025, 9, 1)}, credits={1: D("0.6"), 2: D("0.4")}),
        _h(3, {"signed": d(2026, 6, 1)}, contract="100"),
        _h(4, {"negotiating": d(2026, 7, 1)}),  # after the as-of date: does not exist yet
    ]
    estimates = estimate(histories, AS_OF)
    assert estimates.arrival_templates == (2, 3)
    rates = dict(estimates.arrival_rates)
    assert rates[1] == pytest.approx(1.6 / 365) and rates[2] == pytest.approx(0.4 / 365)


def test_the_estimates_ignore_everything_recorded_after_the_as_of_date(history, campaign, users, units):
    bureau = users["bureau"]
    before = estimate(load_history(campaign, AS_OF).values(), AS_OF)
    first = forecast(campaign, AS_OF, runs=60, seed=3)
    # The future arrives: stages reached, funds received, a drop, a brand-new project — all after as_of.
    waiting = Project.objects.filter(stage__in=["negotiating", "intention"], stage_date__lte=AS_OF).first()
    services.record_stage(user=bureau, project=waiting, stage="signed", date=dt.date(2026, 8, 1), amount=D("900"))
    services.add_receipt(user=bureau, project=waiting, date=dt.date(2026, 9, 1), amount=D("450"))
    active = Project.objects.filter(status="active").exclude(pk=waiting.pk).first()
    services.set_status(user=bureau, project=active, status="dropped", reason="外迁", date=dt.date(2026, 7, 2))
    make(bureau, "NEW", units["b"], 3000, [("negotiating", dt.date(2026, 7, 5), None)])
    after = estimate(load_history(campaign, AS_OF).values(), AS_OF)
    assert after == before
    assert _comparable(forecast(campaign, AS_OF, runs=60, seed=3)) == _comparable(first)
    # And the estimates do move with the as-of date once the new events are in the past.
    later = dt.date(2026, 10, 1)
    assert estimate(load_history(campaign, later).values(), later) != before


# --- the forecast ------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_forecast(history, campaign):
    one = forecast(campaign, AS_OF, runs=150, seed=11)
    two = forecast(campaign, AS_OF, runs=150, seed=11)
    assert _comparable(one) == _comparable(two)
    assert one.runs == 150 and one.seed == 11 and one.as_of == AS_OF and one.period_end == END
    other = forecast(campaign, AS_OF, runs=150, seed=12)
    assert [u.unit_id for u in other.units] == [u.unit_id for u in one.units]


def test_every_run_scores_like_the_engine_on_all_the_facts(history, campaign):
    """The shortcuts (the baseline for units no simulated project touches, one evaluation per outcome the
    engine can tell apart, the real facts reduced once, projects that cannot add never simulated) change
    nothing: each run of the forecast's own pipeline is scored again the plain way — every
    unit, every simulated project and receipt — and gives the same scores, and the same completions and
    outcomes of the open groups (a group met at the cap is final: its further completion is not followed)."""
    for as_of in (AS_OF, dt.date(2025, 11, 15), dt.date(2026, 9, 30)):
        scoring = fc.Scoring(campaign, as_of)
        histories = load_history(campaign, as_of)
        pipeline = fc.Pipeline(
            histories,
            estimate(histories.values(), as_of),
            scoring.open,
            start=campaign.start,
            as_of=as_of,
            end=campaign.end,
            seed=21,
            arrivals=True,
        )
        moved = 0
        for _ in range(120):
            world = pipeline.run()
            outcomes = scoring.score(world, pipeline.relevant)
            projects, receipts = scoring.facts(world, scoring.targets, world.moved)
            plain = assess_facts(
                units=scoring.targets,
                groups_by_unit=scoring.groups,
                projects=projects,
                receipts=receipts,
                as_of=campaign.end,
                **scoring.assess_args,
            )
            for result in plain.units:
                outcome = outcomes[result.unit.id]
                assert result.score == outcome.score, result.unit.code
                for gi, group in enumerate(result.groups):
                    if (result.unit.id, gi) not in scoring.settled:
                        assert (group.completion, group.met) == outcome.groups[gi], (result.unit.code, gi)
            moved += len(world.moved)
        assert moved  # the runs did move projects


def test_figures_are_monotonic_and_rest_on_the_units_own_live_projects(history, campaign):
    result = forecast(campaign, AS_OF, runs=300)
    assessed = {r.unit.id: r for r in selectors.assess_period(campaign, AS_OF).units}
    credited = {}
    for project in Project.objects.prefetch_related("credits"):
        credited[project.pk] = {c.unit_id for c in project.credits.all()}
    assert {u.unit_id for u in result.units} == {uid for uid, r in assessed.items() if r.score is not None}
    for unit in result.units:
        now = assessed[unit.unit_id]
        assert unit.current_score == round(now.score, 4)
        # A simulation only adds events and funds: no run ends below today's standing.
        assert unit.current_score <= unit.p10 <= unit.p90 <= D("1")
        assert unit.current_score <= unit.expected_score <= D("1")
        for group, real in zip(unit.groups, now.groups, strict=True):
            assert group["name"] == real.spec.name
            assert group["current_completion"] == round(real.completion, 4)
            assert group["current_completion"] <= group["p10_completion"] <= group["p90_completion"]
            assert 0 <= group["probability_met"] <= 1
            if real.met:
                assert group["probability_met"] == 1
        for pid in unit.project_ids:
            assert unit.unit_id in credited[pid]
            assert 0 < unit.project_odds[pid] <= 1
        assert history["public"].pk not in unit.project_ids  # government-funded: excluded by the rules
    somewhere = [u for u in result.units if u.project_ids]
    assert somewhere and any(u.expected_score > u.current_score for u in somewhere)


def test_a_unit_that_has_met_every_target_keeps_probability_one(history, campaign):
    unit = next(u for u in forecast(campaign, AS_OF, runs=100).units if u.code == "T05")
    assert unit.current_score == unit.expected_score == unit.p10 == unit.p90 == D("1.0000")
    assert [g["probability_met"] for g in unit.groups] == [1.0, 1.0, 1.0]
    assert all(g["current_met"] for g in unit.groups)
    assert unit.project_ids == [] and unit.expected_new_projects == 0  # nothing left to rest on


def test_a_unit_with_nothing_in_its_pipeline_stays_where_it_is(history, campaign):
    unit = next(u for u in forecast(campaign, AS_OF, runs=100).units if u.code == "T03")
    assert unit.current_score == unit.expected_score == unit.p10 == unit.p90 == D("0")
    assert [g["probability_met"] for g in unit.groups] == [0.0, 0.0, 0.0]
    assert [g["expected_completion"] for g in unit.groups] == [D("0")] * 3
    assert unit.project_ids == [] and unit.expected_new_projects == 0


def test_a_forecast_at_the_period_end_is_the_assessment(history, campaign):
    result = forecast(campaign, END, runs=500)
    assessed = {r.unit.id: r for r in selectors.assess_period(campaign, END).units}
    assert result.runs == 0
    for unit in result.units:
        assert unit.expected_score == unit.current_score == unit.p10 == round(assessed[unit.unit_id].score, 4)
        assert [g["probability_met"] for g in unit.groups] == [float(g.met) for g in assessed[unit.unit_id].groups]


def test_unit_ids_limit_the_units_and_the_county(history, campaign, units):
    mine = [units["a"].pk, units["a_section"].pk]
    result = forecast(campaign, AS_OF, unit_ids=mine, runs=100)
    assert sorted(u.unit_id for u in result.units) == sorted(mine)
    county = result.county
    assert county.is_county and county.code == "C00" and county.category == "jurisdiction"
    scores = [u.current_score for u in result.units]
    assert abs(county.current_score - sum(scores) / len(scores)) <= D("0.0001")
    assert county.p10 <= county.p90
    assert [g["name"] for g in county.groups] == ["签约", "开工", "到位资金"]
    for group in county.groups:
        assert group["units"] == 2
        shares = [next(g for g in u.groups if g["name"] == group["name"])["probability_met"] for u in result.units]
        assert group["probability_met"] == pytest.approx(sum(shares) / 2)
    assert set(county.project_ids) == {pid for u in result.units for pid in u.project_ids}


def test_without_arrivals_only_ledger_projects_move(history, campaign):
    result = forecast(campaign, AS_OF, runs=100, arrivals=False)
    assert not result.arrivals
    assert all(u.expected_new_projects == 0 for u in result.units)
    assert result.county.expected_new_projects == 0
