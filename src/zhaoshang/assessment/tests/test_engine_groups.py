"""Groups with alternatives ("3 projects ≥1000万 or their contract total 6000万"), weights and the cap."""

from __future__ import annotations

from zhaoshang.assessment import engine

from .support import D, count, day, funds, group, project, receipt, run, total, unit

SIGNED = group("签约", count("3"), total("6000"))


def test_met_by_either_alternative_and_completion_is_the_best_one():
    projects = [
        # Unit 1: three projects of 1000 — count 3/3 = 1 (met), total 3000/6000 = 0.5.
        *(project(i, 1, signed=day(i), contract="1000") for i in (1, 2, 3)),
        # Unit 2: one project of 7000 — count 1/3, total 7000/6000 = 1.1667 (met).
        project(4, 2, signed=day(4), contract="7000"),
        # Unit 3: two projects of 1500 — count 2/3 = 0.6667, total 3000/6000 = 0.5: not met.
        project(5, 3, signed=day(5), contract="1500"),
        project(6, 3, signed=day(6), contract="1500"),
    ]
    results = run([unit(1), unit(2), unit(3)], [SIGNED], projects)
    one, two, three = (results[i].groups[0] for i in (1, 2, 3))
    assert [i.met for i in one.indicators] == [True, False] and one.met and one.completion == 1
    assert [i.met for i in two.indicators] == [False, True] and two.met
    assert engine.round4(two.completion) == D("1.1667")
    assert not three.met and [i.met for i in three.indicators] == [False, False]
    assert engine.round4(three.completion) == D("0.6667")


def test_met_exactly_at_the_target():
    projects = [project(1, signed=day(1), contract="6000")]
    result = run([unit(1)], [SIGNED], projects)[1].groups[0]
    assert result.indicators[1].met and result.indicators[1].completion == 1 and result.met


def test_score_is_the_weighted_mean_of_capped_group_completions():
    # Group A (weight 2): funds 1500 of 1000 = 1.5, capped at 1. Group B (weight 1): 300 of 1000 = 0.3.
    # Score = (2 × 1 + 1 × 0.3) / 3 = 2.3 / 3 = 0.7667.
    projects = [project(1, planned="1"), project(2, planned="2")]
    a = group("A", funds("1000", floor="0", field="planned_investment"), weight="2")
    b = group("B", funds("1000", floor="2", field="planned_investment"), weight="1")
    receipts = [receipt(1, 1, day(1), "1200"), receipt(2, 2, day(1), "300")]
    result = run([unit(1)], [a, b], projects, receipts)[1]
    assert [g.completion for g in result.groups] == [D("1.5"), D("0.3")]  # reported uncapped
    assert result.score == D("2.3") / D("3")
    assert engine.round4(result.score) == D("0.7667")
    # With a cap of 1.2: (2 × 1.2 + 0.3) / 3 = 0.9.
    capped = run([unit(1)], [a, b], projects, receipts, rules=engine.Rules(score_cap=D("1.2")))[1]
    assert capped.score == D("0.9")


def test_unweighted_groups_average_and_no_groups_means_no_score():
    projects = [project(1, 1, signed=day(1), contract="1000")]
    groups = {1: [group("签约", count("1")), group("到位资金", funds("100"))], 2: []}
    results = run([unit(1), unit(2)], groups, projects)
    assert results[1].score == D("0.5")
    assert results[2].score is None and results[2].rank is None and results[2].flags == []
