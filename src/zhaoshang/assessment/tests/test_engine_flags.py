"""Ranking within a category, ties, and every flag with hand-computed cases.

Most cases give each unit one group, "funds in place 100万", and a receipt of ``x``: its score is x / 100.
"""

from __future__ import annotations

import datetime as dt

from zhaoshang.assessment import engine

from .support import DAY_50, END, START, D, count, day, flags, funds, group, project, ranked, receipt, run, unit

FUNDS_100 = group("到位资金", funds("100"))


def by_funds(*amounts: str, as_of: dt.date = END, rules: engine.Rules | None = None, category="township"):
    """Units U01, U02, … each receiving ``amounts[i]`` (score amount / 100)."""
    units = [unit(i, category=category) for i in range(1, len(amounts) + 1)]
    projects = [project(i, i) for i in range(1, len(amounts) + 1)]
    receipts = [receipt(i, i, START, a) for i, a in enumerate(amounts, start=1) if D(a) > 0]
    return run(units, [FUNDS_100], projects, receipts, as_of=as_of, rules=rules)


# --- ranking --------------------------------------------------------------------------------------------


def test_ties_share_a_rank_and_are_ordered_by_funds_then_contract_then_code():
    # Every unit signs one ≥1000 project of a target of 2: score 0.5 each. Funds are not an indicator here.
    units = [unit(i) for i in range(1, 6)]
    projects = [
        project(1, 1, signed=day(1), contract="1000"),
        project(2, 2, signed=day(1), contract="3000"),
        project(3, 3, signed=day(1), contract="1000"),
        project(4, 4, signed=day(1), contract="1000"),
        project(5, 5, signed=day(1), contract="1000"),
        project(6, 5, signed=day(2), contract="500"),  # below the threshold: no count, but contract 1500
    ]
    receipts = [receipt(i, i, day(3), "20") for i in (1, 2, 4, 5, 6)] + [receipt(3, 3, day(3), "50")]
    results = run(units, [group("签约", count("2"))], projects, receipts)
    assert {r.score for r in results.values()} == {D("0.5")}
    # U03 most funds (50); U05 funds 40 (two projects); then funds 20: U02 contract 3000, U01 and U04
    # contract 1000 — code decides.
    assert ranked(results) == ["U03", "U05", "U02", "U01", "U04"]
    assert [results[i].order for i in (3, 5, 2, 1, 4)] == [1, 2, 3, 4, 5]
    # Equal scores share the rank (the tie rule printed with the ranking): the order is only the page's.
    assert {r.rank for r in results.values()} == {1}
    assert {r.rank_of for r in results.values()} == {5}


def test_ranks_after_a_tie_skip_the_tied_places():
    results = by_funds("100", "90", "90", "80")
    assert [results[i].rank for i in (1, 2, 3, 4)] == [1, 2, 2, 4]


def test_contract_breaks_a_tie_of_score_and_funds():
    units = [unit(1, "A"), unit(2, "B")]
    projects = [project(1, 1, signed=day(1), contract="1000"), project(2, 2, signed=day(1), contract="1000.01")]
    results = run(units, [group("签约", count("2"))], projects)
    assert ranked(results) == ["B", "A"]


def test_equal_scores_reached_by_different_groups_tie_break_on_funds():
    """Regression (fixed in e717a56): scores compared as 28-digit Decimals differ in the last digit for
    equal scores reached through different groups — (0 + 1 + 2/3)/3 = 0.5555…557 but (1 + 1/3 + 1/3)/3 =
    0.5555…553 — so the tie rule (funds, contract, code) never applied: A ranked first though B has the
    funds, and both show 0.5556. The engine now ranks on the score at the precision shown."""
    before = dt.date(2026, 1, 1)
    groups = [
        group("签约", count("3", floor="0")),
        group("开工", count("3", stage="started", floor="0")),
        group("投产", count("3", stage="producing", floor="0")),
    ]
    projects = [
        # A: signed before the period; 3 started (1), 2 producing (2/3) inside it. Score (0 + 1 + 2/3)/3.
        project(1, 1, signed=before, started=day(2), producing=day(3)),
        project(2, 1, signed=before, started=day(2), producing=day(3)),
        project(3, 1, signed=before, started=day(2)),
        # B: 3 signed (1), 1 of them started (1/3) and producing (1/3). Score (1 + 1/3 + 1/3)/3 = 5/9 too.
        project(4, 2, signed=day(1), started=day(2), producing=day(3)),
        project(5, 2, signed=day(1)),
        project(6, 2, signed=day(1)),
    ]
    results = run([unit(1, "A"), unit(2, "B")], groups, projects, [receipt(1, 4, day(5), "100")])
    assert engine.round4(results[1].score) == engine.round4(results[2].score) == D("0.5556")
    assert (results[1].funds, results[2].funds) == (0, D("100"))
    assert ranked(results) == ["B", "A"]


def test_categories_rank_separately():
    units = [
        unit(1, "T01"),
        unit(2, "T02"),
        unit(3, "D01", category="department"),
        unit(4, "D02", category="department"),
        unit(5, "D03", category="department"),
    ]
    receipts = [receipt(i, i, START, a) for i, a in zip(range(1, 6), ("10", "20", "30", "50", "40"), strict=True)]
    results = run(units, [FUNDS_100], [project(i, i) for i in range(1, 6)], receipts)
    assert ranked(results) == ["T02", "T01"]
    assert ranked(results, "department") == ["D02", "D03", "D01"]
    assert (results[1].rank_of, results[3].rank_of) == (2, 3)


# --- criticised and accountability ---------------------------------------------------------------------
# At the end of the period the schedule progress is 1: a unit below 100% is behind its schedule.


def test_only_units_behind_schedule_are_criticised_bottom_three_by_default():
    # Nine units: a third is 3. Units at 100% or more are on schedule and never criticised.
    results = by_funds("150", "120", "100", "100", "95", "90", "85", "80", "75")
    assert [c for c, f in flags(results).items() if "criticised" in f] == ["U07", "U08", "U09"]


def test_a_unit_on_schedule_is_never_criticised_however_small_its_category():
    """Issue 12: the demo's two parks met every target and were both listed under 通报批评 because "bottom 3
    of the category" covered a category of 2."""
    results = by_funds("123.8", "110", category="park")
    assert not any("criticised" in r.flags for r in results.values())
    behind = by_funds("99", "98", "97", rules=engine.Rules(criticise_beyond_third=True))
    assert all("criticised" in r.flags for r in behind.values())


def test_never_more_than_a_third_of_a_category_unless_the_bureau_says_so():
    amounts = ("90", "80", "70", "60", "50", "40")  # six units, all behind: a third is 2
    results = by_funds(*amounts)
    assert [c for c, f in flags(results).items() if "criticised" in f] == ["U05", "U06"]
    small = by_funds("50", "40")  # a third of 2 is 0
    assert not any("criticised" in r.flags for r in small.values())
    allowed = by_funds(*amounts, rules=engine.Rules(criticise_beyond_third=True))
    assert [c for c, f in flags(allowed).items() if "criticised" in f] == ["U04", "U05", "U06"]


def test_criticised_count_per_category():
    units = [unit(i, f"T{i}") for i in range(1, 10)] + [unit(i, f"D{i}", category="department") for i in range(10, 19)]
    receipts = [receipt(i, i, START, str(100 - i)) for i in range(1, 19)]
    projects = [project(i, i) for i in range(1, 19)]
    rules = engine.Rules(criticise_bottom={"township": 1, "department": 2})
    results = run(units, [FUNDS_100], projects, receipts, rules=rules)
    assert [r.unit.code for r in results.values() if "criticised" in r.flags] == ["T9", "D17", "D18"]
    none = run(units, [FUNDS_100], projects, receipts, rules=engine.Rules(criticise_bottom={"township": 0}))
    assert [r.unit.code for r in none.values() if "criticised" in r.flags] == ["D16", "D17", "D18"]


def test_ties_at_the_bottom_are_criticised_alike():
    # Nine units, N=2: U07 and U08 tie for the second-last place behind U09; both are criticised (3 ≤ a third).
    results = by_funds(
        "100", "100", "100", "100", "100", "100", "80", "80", "70", rules=engine.Rules(criticise_bottom={"township": 2})
    )
    assert [c for c, f in flags(results).items() if "criticised" in f] == ["U07", "U08", "U09"]
    # Six units, N=2, a third is 2: the tie at the boundary would make 3, so the tied units are left out.
    capped = by_funds("100", "100", "100", "80", "80", "70", rules=engine.Rules(criticise_bottom={"township": 2}))
    assert [c for c, f in flags(capped).items() if "criticised" in f] == ["U06"]


def test_a_bigger_n_never_criticises_fewer_units():
    amounts = ("100", "90", "80", "70", "60", "50", "40", "30", "20")
    counts = []
    for n in range(0, 7):
        results = by_funds(*amounts, rules=engine.Rules(criticise_bottom={"township": n}))
        counts.append(sum("criticised" in r.flags for r in results.values()))
    assert counts == sorted(counts), counts


def test_criticised_again_makes_a_candidate_for_accountability_never_a_verdict():
    # U08 and U09 are criticised now; U09 and U01 were criticised in the last issued bulletin.
    rules = engine.Rules(criticise_bottom={"township": 2}, previously_criticised=frozenset({9, 1}))
    results = by_funds("100", "95", "90", "85", "80", "75", "70", "65", "60", rules=rules)
    assert "accountability_candidate" in results[9].flags and "criticised" in results[9].flags
    assert "accountability_candidate" not in results[8].flags  # criticised for the first time
    assert "accountability_candidate" not in results[1].flags  # criticised before, not now
    assert not any("accountability" in r.flags for r in results.values())  # a person decides


def test_a_vertical_department_criticised_again_is_referred_to_its_superior():
    rules = engine.Rules(
        criticise_bottom={"vertical": 1},
        previously_criticised=frozenset({3}),
        referred_categories=frozenset({"vertical"}),
    )
    results = by_funds("100", "90", "50", category="vertical", rules=rules)
    assert results[3].flags[:2] == ["criticised", "referred"]
    assert "accountability_candidate" not in results[3].flags


# --- yellow card and half-time warning ------------------------------------------------------------------


def test_yellow_card_below_70_percent_of_schedule_progress():
    # Day 50: progress 0.5, threshold 0.35. 34.99 → 0.3499 carded; 35 → 0.35 not (below, not at).
    results = by_funds("34.99", "35", as_of=DAY_50, rules=engine.Rules(criticise_bottom={"township": 0}))
    assert "yellow_card" in results[1].flags and "yellow_card" not in results[2].flags
    # At the end (progress 1): threshold 0.7.
    results = by_funds("69.99", "70", rules=engine.Rules(criticise_bottom={"township": 0}))
    assert "yellow_card" in results[1].flags and "yellow_card" not in results[2].flags


def test_yellow_card_ratio_is_configurable_and_nothing_before_the_start():
    rules = engine.Rules(yellow_card_ratio=D("0.5"))
    results = by_funds("49", "50", rules=rules)
    assert "yellow_card" in results[1].flags and "yellow_card" not in results[2].flags
    early = by_funds("0", "0", as_of=START - dt.timedelta(days=1))
    assert not any("yellow_card" in r.flags or "half_time_warning" in r.flags for r in early.values())


def test_half_time_warning():
    # Day 50: half the time gone. 49.99 → 0.4999 warned, 50 → 0.5 not.
    results = by_funds("49.99", "50", as_of=DAY_50)
    assert "half_time_warning" in results[1].flags and "half_time_warning" not in results[2].flags
    # Day 49: progress 0.49, not yet half: no warning even at zero (but a yellow card: 0.1 < 0.343).
    results = by_funds("10", as_of=day(49))
    assert results[1].flags.count("half_time_warning") == 0 and "yellow_card" in results[1].flags
    # Switched off by the period.
    results = by_funds("10", as_of=DAY_50, rules=engine.Rules(half_time_check=False))
    assert "half_time_warning" not in results[1].flags


# --- zero achievement -----------------------------------------------------------------------------------


def test_zero_achievement():
    units = [unit(i) for i in range(1, 6)]
    projects = [
        project(2, 2, signed=day(1), contract="999.99"),  # U02: signed, but nothing counted
        project(3, 3, signed=day(1), contract="1000"),  # U03: a counted project, no funds
        project(4, 4, signed=dt.date(2025, 1, 1), contract="10"),  # U04: funds only
        project(5, 5, signed=day(2), contract="5000", excluded=True),  # U05: only an excluded project
    ]
    receipts = [receipt(1, 4, day(3), "0.01"), receipt(2, 5, day(3), "100")]
    results = run(units, [group("签约", count("1"))], projects, receipts, rules=engine.Rules(criticise_bottom={}))
    zero = [r.unit.code for r in results.values() if "zero_achievement" in r.flags]
    assert zero == ["U01", "U02", "U05"]


# --- veto and commendation ------------------------------------------------------------------------------


def test_vetoed_never_commended_whatever_its_score():
    rules = engine.Rules(vetoes={1: "安全生产事故"}, criticise_bottom={"township": 0})
    results = by_funds("130", "120", "110", "105", rules=rules)
    assert results[1].rank == 1 and "vetoed" in results[1].flags and "commended" not in results[1].flags
    assert results[1].veto_reason == "安全生产事故" and results[2].veto_reason == ""
    # The veto bars the vetoed unit only; the commendations go to the best units no rule holds back.
    assert [c for c, f in flags(results).items() if "commended" in f] == ["U02", "U03", "U04"]


def test_top_three_commended_by_default_and_per_category():
    # Half-way through (schedule progress 50%): five units ahead of it, four behind.
    amounts = ("90", "85", "80", "75", "70", "45", "40", "35", "30")
    results = by_funds(*amounts, as_of=DAY_50)
    assert [c for c, f in flags(results).items() if "commended" in f] == ["U01", "U02", "U03"]
    assert [c for c, f in flags(results).items() if "criticised" in f] == ["U07", "U08", "U09"]
    one = by_funds(*amounts, as_of=DAY_50, rules=engine.Rules(commend_top={"township": 1}))
    assert [c for c, f in flags(one).items() if "commended" in f] == ["U01"]


def test_units_behind_schedule_are_not_commended():
    # Nobody reaches 100% at the end: the best of them cannot meet the year's target, so nobody is commended.
    results = by_funds("99", "98", "97", "10", rules=engine.Rules(criticise_bottom={"township": 0}))
    assert not any("commended" in r.flags for r in results.values())
    # Half-way through, 60% is ahead of the schedule's 50%: commended.
    midway = by_funds("60", "45", as_of=DAY_50, rules=engine.Rules(criticise_bottom={"township": 0}))
    assert "commended" in midway[1].flags and "commended" not in midway[2].flags


def test_ties_at_the_top_are_commended_alike():
    # 17 townships at 100%: all share the first rank and all are commended, not "the first three" by an
    # unstated order.
    results = by_funds(*(["100"] * 17), "50")
    commended = [c for c, f in flags(results).items() if "commended" in f]
    assert len(commended) == 17 and {results[i].rank for i in range(1, 18)} == {1}


def test_no_commendation_for_carded_criticised_or_zero_units():
    # Progress 1: U01 0.69 carded; U02 zero.
    results = by_funds("69", "0", rules=engine.Rules(criticise_bottom={"township": 0}))
    assert not any("commended" in r.flags for r in results.values())


def test_flags_come_in_a_fixed_order():
    rules = engine.Rules(vetoes={1: "x"}, previously_criticised=frozenset({1}), criticise_beyond_third=True)
    results = by_funds("0", as_of=DAY_50, rules=rules)
    assert results[1].flags == [
        "criticised",
        "accountability_candidate",
        "yellow_card",
        "half_time_warning",
        "zero_achievement",
        "vetoed",
    ]
    assert list(engine.FLAGS) == [
        "criticised",
        "accountability_candidate",
        "referred",
        "yellow_card",
        "half_time_warning",
        "zero_achievement",
        "vetoed",
        "barred",
        "commended",
        "promoted",
    ]
