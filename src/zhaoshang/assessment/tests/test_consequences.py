"""Consequences as rules (``targets.consequences``) applied by the engine: the default set is decision 18 exactly,
and a county's own set worked by hand."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhaoshang.assessment import engine
from zhaoshang.targets import consequences as rulebook

from .support import DAY_50, END, START, D, funds, group, project, receipt, run, unit

FUNDS_100 = group("到位资金", funds("100"))


def county(amounts: dict[int, str], categories: dict[int, str] | None = None, *, as_of=END, rules=None):
    """Units by id, each receiving ``amounts[id]`` (its score amount / 100)."""
    categories = categories or {}
    units = [unit(pk, category=categories.get(pk, "township")) for pk in amounts]
    projects = [project(pk, pk) for pk in amounts]
    receipts = [receipt(pk, pk, START, a) for pk, a in amounts.items() if D(a) > 0]
    return run(units, [FUNDS_100], projects, receipts, as_of=as_of, rules=rules)


def legacy_flags(results: dict[int, engine.UnitResult], progress: Decimal, rules: engine.Rules) -> dict[int, list]:
    """Decision 18 as the engine coded it before the rules (``_rank_and_flag`` of 9e1852c), on the ranked results."""
    out = {pk: [] for pk in results}
    groups: dict[str, list] = {}
    for r in sorted((r for r in results.values() if r.rank is not None), key=lambda r: r.order):
        groups.setdefault(r.ranking_group, []).append(r)
    for category, ranked in groups.items():
        behind = [r for r in ranked if engine._behind(r, progress)]
        n = rules.criticise_bottom.get(category, rules.default_n)
        cap = len(ranked) if rules.criticise_beyond_third else len(ranked) // 3
        n = min(n, cap)
        worst_first = list(reversed(behind))
        chosen = engine._first(worst_first, n)
        if len(chosen) > cap:
            last = engine._value(worst_first[n - 1])
            chosen = [r for r in chosen if engine._value(r) != last]
        for r in chosen:
            out[r.unit.id].append("criticised")
            if r.unit.id in rules.previously_criticised:
                referred = category in rules.referred_categories
                out[r.unit.id].append("referred" if referred else "accountability_candidate")
        for r in ranked:
            f = out[r.unit.id]
            if r.score is not None and progress > 0 and r.score < rules.yellow_card_ratio * progress:
                f.append("yellow_card")
            if r.score is not None and rules.half_time_check and progress >= D("0.5") and r.score < D("0.5"):
                f.append("half_time_warning")
            if r.funds == 0 and not engine._any_actual(r):
                f.append("zero_achievement")
            if r.unit.id in rules.vetoes:
                f.append("vetoed")
        top = rules.commend_top.get(category, rules.default_n)
        barred = {"vetoed", "zero_achievement", "criticised", "yellow_card"}
        eligible = [
            r
            for r in ranked
            if not barred.intersection(out[r.unit.id]) and engine._value(r) > 0 and not engine._behind(r, progress)
        ]
        for r in engine._first(eligible, top):
            out[r.unit.id].append("commended")
    return {pk: sorted(f, key=engine.FLAGS.index) for pk, f in out.items()}


TOWNSHIPS_9 = {i: a for i, a in enumerate(("100", "100", "95", "90", "69", "60", "60", "10", "0"), start=1)}
FIXTURES = [
    pytest.param(TOWNSHIPS_9, {}, END, engine.Rules(), id="nine-townships-end"),
    pytest.param(TOWNSHIPS_9, {}, DAY_50, engine.Rules(), id="nine-townships-day-50"),
    pytest.param(
        TOWNSHIPS_9,
        {},
        END,
        engine.Rules(previously_criticised=frozenset({8, 9}), vetoes={1: "安全事故"}),
        id="vetoed-and-criticised-before",
    ),
    pytest.param(
        {1: "100", 2: "40", 3: "30", 4: "30", 5: "80", 6: "20", 7: "0"},
        {5: "vertical", 6: "vertical", 7: "vertical"},
        END,
        engine.Rules(
            previously_criticised=frozenset({4, 6, 7}),
            referred_categories=frozenset({"vertical"}),
            criticise_beyond_third=True,
            criticise_bottom={"township": 1},
        ),
        id="referred-vertical-ties-beyond-third",
    ),
    pytest.param(
        {1: "120", 2: "100", 3: "100", 4: "50", 5: "50", 6: "50"},
        {},
        END,
        engine.Rules(commend_top={"township": 1}, criticise_bottom={"township": 5}, yellow_card_ratio=D("0.4")),
        id="tied-at-the-third",
    ),
    pytest.param({1: "80", 2: "90"}, {1: "park", 2: "park"}, END, engine.Rules(), id="category-of-two"),
]


@pytest.mark.parametrize(("amounts", "categories", "as_of", "rules"), FIXTURES)
def test_the_default_set_is_decision_18(amounts, categories, as_of, rules):
    results = county(amounts, categories, as_of=as_of, rules=rules)
    progress = engine.schedule_progress(START, END, as_of)
    assert {pk: r.flags for pk, r in results.items()} == legacy_flags(results, progress, rules)
    # And the same stored and read back as rules (not ``None``).
    explicit = county(amounts, categories, as_of=as_of, rules=dataclasses.replace(rules, consequences=rulebook.DEFAULT))
    assert {pk: r.flags for pk, r in explicit.items()} == {pk: r.flags for pk, r in results.items()}


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(st.sampled_from(("0", "10", "50", "69", "70", "90", "100", "130")), min_size=1, max_size=9),
    day=st.integers(min_value=0, max_value=100),
    before=st.sets(st.integers(min_value=1, max_value=9)),
    beyond=st.booleans(),
)
def test_the_default_set_is_decision_18_on_generated_counties(amounts, day, before, beyond):
    as_of = START + (END - START) * day // 100
    rules = engine.Rules(previously_criticised=frozenset(before), criticise_beyond_third=beyond)
    results = county(dict(enumerate(amounts, start=1)), as_of=as_of, rules=rules)
    progress = engine.schedule_progress(START, END, as_of)
    assert {pk: r.flags for pk, r in results.items()} == legacy_flags(results, progress, rules)


# --- a county's own set, by hand --------------------------------------------------------------------------

C = rulebook.Condition
OWN = (
    rulebook.Rule("commend", (C("on_schedule"), C("rank_top", n=2))),
    rulebook.Rule("criticise", (C("behind_schedule"), C("rank_bottom", n=1, third=False))),
    rulebook.Rule("accountability_candidate", (C("consecutive_criticisms", n=3),)),
    rulebook.Rule("yellow_card", (C("completion_below"),)),
    rulebook.Rule("promotion", (C("completion_at_least", value=D("1.2")),)),
)
# Townships U01…U09 and parks 10, 11; scores capped at 200% so they differ above 100%.
OWN_AMOUNTS = {1: "130", 2: "125", 3: "110", 4: "100", 5: "95", 6: "90", 7: "60", 8: "50", 9: "0", 10: "80", 11: "40"}
PARKS = {10: "park", 11: "park"}


def test_a_countys_own_set_worked_by_hand():
    # The two bulletins before: U09 and park 11 criticised in the last, U09 alone in the one before.
    rules = engine.Rules(score_cap=D("2"), consequences=OWN, criticised_history=(frozenset({9, 11}), frozenset({9})))
    results = county(OWN_AMOUNTS, PARKS, rules=rules)
    # At the end, progress 1. Scores 1.3, 1.25, 1.1, 1, .95, .9, .6, .5, 0; parks .8, .4.
    # Commended: the top 2 on schedule (U01, U02; no tie with U03 at 1.1). Promoted: completion ≥ 120% (U01 1.3,
    # U02 1.25; U03 1.1 not). Criticised: the bottom 1 behind schedule per group, no third cap — U09 and, in a
    # category of two, park 11 (the default's third would criticise no park). Accountable: criticised now and in
    # both bulletins before — U09 only (park 11 twice in a row). Yellow: below 70% — U07 .6, U08 .5, U09, park 11.
    # Half-time warning (below 50%): U09 and park 11; zero achievement: U09.
    assert {pk: r.flags for pk, r in results.items()} == {
        1: ["commended", "promoted"],
        2: ["commended", "promoted"],
        3: [],
        4: [],
        5: [],
        6: [],
        7: ["yellow_card"],
        8: ["yellow_card"],
        9: ["criticised", "accountability_candidate", "yellow_card", "half_time_warning", "zero_achievement"],
        10: [],
        11: ["criticised", "yellow_card", "half_time_warning"],
    }
    default = county(OWN_AMOUNTS, PARKS, rules=engine.Rules(score_cap=D("2")))
    assert "criticised" not in default[11].flags  # the default's third of two is none


def test_consecutive_criticisms_need_every_bulletin_before():
    rules = engine.Rules(consequences=OWN, criticised_history=(frozenset({9}),))  # one bulletin before only
    results = county(OWN_AMOUNTS, PARKS, rules=rules)
    assert "accountability_candidate" not in results[9].flags
    assert "criticised" in results[9].flags


def test_barred_units_get_no_honours_and_the_next_ones_do():
    own = (
        rulebook.Rule("barred", (C("completion_at_least", value=D("1.25")),)),
        rulebook.Rule("commend", (C("on_schedule"), C("rank_top", n=2))),
        rulebook.Rule("promotion", (C("completion_at_least", value=D("1.2")),)),
    )
    results = county(OWN_AMOUNTS, PARKS, rules=engine.Rules(score_cap=D("2"), consequences=own))
    # U01 (1.3) and U02 (1.25) barred: no commendation, no promotion; U03 and U04 are the top 2 left.
    assert results[1].flags == results[2].flags == ["barred"]
    assert results[3].flags == results[4].flags == ["commended"]


def test_per_group_numbers_and_accountability_of_a_vertical_department_is_a_referral():
    own = (
        rulebook.Rule(
            "criticise", (C("behind_schedule"), C("rank_bottom", n=1, per_group=(("park", 2),), third=False))
        ),
        rulebook.Rule("accountability_candidate", (C("consecutive_criticisms", n=2),)),
        rulebook.Rule("referral", (C("vetoed"),)),
    )
    rules = engine.Rules(
        consequences=own,
        previously_criticised=frozenset({9, 11}),
        referred_categories=frozenset({"park"}),
        vetoes={5: "x"},
    )
    results = county(OWN_AMOUNTS, PARKS, rules=rules)
    assert results[9].flags[:2] == ["criticised", "accountability_candidate"]
    assert [pk for pk, r in results.items() if "criticised" in r.flags] == [9, 10, 11]  # both parks
    assert results[11].flags[:2] == ["criticised", "referred"]
    assert "referred" in results[5].flags and "criticised" not in results[5].flags


def test_points_thresholds_read_points_at_two_places():
    own = (
        rulebook.Rule("yellow_card", (C("points_below", value=D("60")),)),
        rulebook.Rule("promotion", (C("points_at_least", value=D("95")),)),
    )
    results = county({1: "100", 2: "100", 3: "100"}, rules=engine.Rules(consequences=own))
    for result, points in zip(results.values(), ("94.995", "59.994", "59.995"), strict=True):
        result.points, result.flags = D(points), []
    engine._apply_consequences(list(results.values()), D("1"), engine.Rules(consequences=own), "township")
    # 94.995 shows as 95.00: promoted; 59.994 shows 59.99: carded; 59.995 shows 60.00: not.
    assert [r.flags for r in results.values()] == [["promoted"], ["yellow_card"], []]
