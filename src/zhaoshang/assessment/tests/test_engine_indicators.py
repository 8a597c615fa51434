"""Indicators: thresholds, period boundaries, skipped stages, credit shares, funds, foreign capital,
recognition rules, drill-down ids. Hand-computed cases on plain dataclasses (no database)."""

from __future__ import annotations

import datetime as dt

from .support import (
    DAY_50,
    END,
    START,
    D,
    count,
    day,
    foreign,
    funds,
    group,
    indicator,
    project,
    receipt,
    run,
    total,
    unit,
)

BEFORE, AFTER = START - dt.timedelta(days=1), END + dt.timedelta(days=1)


# --- "以上" includes the number ------------------------------------------------------------------------


def test_count_threshold_is_inclusive():
    projects = [project(1, signed=day(5), contract="1000"), project(2, signed=day(6), contract="999.99")]
    result = indicator(count("3"), projects)
    assert result.actual == 1 and result.project_ids == [1]
    assert result.completion == D(1) / D(3)


def test_sum_threshold_is_inclusive_and_sums_only_qualifying_projects():
    projects = [
        project(1, signed=day(5), contract="1000"),
        project(2, signed=day(6), contract="999.99"),
        project(3, signed=day(7), contract="2500.50"),
    ]
    result = indicator(total("6000"), projects)
    assert result.actual == D("3500.50") and result.project_ids == [1, 3]


def test_started_threshold_reads_planned_investment():
    # Contract 5000 but planned 999.99: the started indicator measures planned investment.
    projects = [
        project(1, signed=day(1), started=day(2), contract="5000", planned="999.99"),
        project(2, signed=day(1), started=day(3), contract="10", planned="1000"),
    ]
    result = indicator(count("2", stage="started", field="planned_investment"), projects)
    assert result.actual == 1 and result.project_ids == [2]
    result = indicator(total("3000", stage="started", field="planned_investment"), projects)
    assert result.actual == D("1000")


# --- period boundaries ----------------------------------------------------------------------------------


def test_events_on_the_first_and_last_day_count_the_day_before_and_after_do_not():
    projects = [
        project(1, signed=BEFORE, contract="1000"),
        project(2, signed=START, contract="1000"),
        project(3, signed=END, contract="1000"),
        project(4, signed=AFTER, contract="1000"),
    ]
    result = indicator(count("3"), projects, as_of=AFTER)
    assert result.project_ids == [2, 3] and result.actual == 2


def test_receipts_on_the_first_and_last_day_count_the_day_before_and_after_do_not():
    receipts = [receipt(1, 1, BEFORE, "1"), receipt(2, 1, START, "10"), receipt(3, 1, END, "100")]
    receipts.append(receipt(4, 1, AFTER, "1000"))
    result = indicator(funds("1000"), [project(1)], receipts, as_of=AFTER)
    assert result.actual == D("110") and result.receipt_ids == [2, 3] and result.project_ids == [1]


def test_as_of_cuts_events_and_receipts():
    projects = [
        project(1, signed=DAY_50, contract="1000"),
        project(2, signed=DAY_50 + dt.timedelta(days=1), contract="1000"),
    ]
    receipts = [receipt(1, 1, DAY_50, "10"), receipt(2, 1, DAY_50 + dt.timedelta(days=1), "20")]
    assert indicator(count("3"), projects, as_of=DAY_50).project_ids == [1]
    assert indicator(funds("100"), projects, receipts, as_of=DAY_50).actual == D("10")
    assert indicator(funds("100"), projects, receipts, as_of=END).actual == D("30")


# --- skipped stages -------------------------------------------------------------------------------------


def test_started_without_signing_counts_as_signed_on_the_start_date():
    projects = [project(1, started=day(10), contract="1200", planned="1200")]
    assert indicator(count("1"), projects).actual == 1
    assert indicator(count("1", stage="started", field="planned_investment"), projects).actual == 1
    # ...but on the start date, not before: as of day 9 neither counts.
    assert indicator(count("1"), projects, as_of=day(9)).actual == 0


def test_producing_without_signing_or_starting_counts_for_both():
    projects = [project(1, producing=day(20), contract="1000", planned="1000")]
    assert indicator(count("1")).actual == 0
    assert indicator(count("1"), projects).actual == 1
    assert indicator(count("1", stage="started", field="planned_investment"), projects).actual == 1


def test_signed_before_the_period_and_started_inside_counts_for_started_only():
    projects = [project(1, signed=BEFORE, started=day(3), contract="2000", planned="2000")]
    assert indicator(count("1"), projects).actual == 0
    assert indicator(total("1"), projects).actual == 0
    assert indicator(count("1", stage="started", field="planned_investment"), projects).actual == 1


def test_intention_is_not_signing():
    projects = [project(1, intention=day(3), contract="2000")]
    assert indicator(count("1"), projects).actual == 0


def test_a_project_counts_once_per_indicator_however_many_stages_or_receipts():
    projects = [project(1, signed=day(1), started=day(2), producing=day(3), contract="2000", planned="2000")]
    receipts = [receipt(1, 1, day(4), "5"), receipt(2, 1, day(5), "6")]
    assert indicator(count("3"), projects).actual == 1
    assert indicator(total("6000"), projects).actual == D("2000")
    result = indicator(funds("100"), projects, receipts)
    assert (result.actual, result.project_ids, result.receipt_ids) == (D("11"), [1], [1, 2])


# --- credit shares --------------------------------------------------------------------------------------


def test_shares_split_count_amount_and_funds_60_40():
    # Threshold applies to the whole project: 1000 at 60% still qualifies as a "≥1000万" project.
    projects = [project(1, {1: "0.6", 2: "0.4"}, signed=day(1), contract="1000", planned="1000")]
    receipts = [receipt(1, 1, day(2), "500")]
    groups = [group("签约", count("3"), total("6000")), group("到位资金", funds("1000"))]
    results = run([unit(1), unit(2)], groups, projects, receipts)
    a, b = (results[i].groups for i in (1, 2))
    assert [i.actual for i in a[0].indicators] == [D("0.6"), D("600")]
    assert [i.actual for i in b[0].indicators] == [D("0.4"), D("400")]
    assert (a[1].indicators[0].actual, b[1].indicators[0].actual) == (D("300"), D("200"))
    assert (results[1].funds, results[2].funds) == (D("300"), D("200"))
    assert (results[1].contract, results[2].contract) == (D("600"), D("400"))
    # Both units drill down to the same project and receipt.
    assert a[1].indicators[0].receipt_ids == b[1].indicators[0].receipt_ids == [1]


def test_a_unit_without_a_share_gets_nothing():
    projects = [project(1, 2, signed=day(1), contract="5000")]
    assert indicator(count("1"), projects, unit_id=1).actual == 0


# --- funds ----------------------------------------------------------------------------------------------


def test_funds_do_not_depend_on_a_stage_in_the_period():
    # Signed years ago, money arriving now: counts.
    projects = [project(1, signed=dt.date(2024, 1, 1), contract="100")]
    assert indicator(funds("100"), projects, [receipt(1, 1, day(9), "40")]).actual == D("40")


def test_funds_with_a_minimum_project_amount():
    projects = [project(1, planned="999.99"), project(2, planned="1000"), project(3, planned="5000")]
    receipts = [receipt(1, 1, day(1), "1"), receipt(2, 2, day(1), "10"), receipt(3, 3, day(1), "100")]
    result = indicator(funds("1000", floor="1000"), projects, receipts)
    assert (result.actual, result.project_ids, result.receipt_ids) == (D("110"), [2, 3], [2, 3])
    by_contract = indicator(funds("1000", floor="1000", field="contract_amount"), projects, receipts)
    assert by_contract.actual == 0


# --- foreign capital ------------------------------------------------------------------------------------


def test_foreign_capital_in_usd_with_shares():
    projects = [
        project(1, {1: "0.6", 2: "0.4"}, signed=day(3), contract="7100", foreign_usd="1000"),
        project(2, 1, signed=day(4), contract="3000"),  # domestic
        project(3, 1, signed=BEFORE, foreign_usd="50"),  # signed before the period
    ]
    results = run([unit(1), unit(2)], [group("利用外资", foreign("1000"))], projects)
    one, two = (results[i].groups[0].indicators[0] for i in (1, 2))
    assert (one.actual, one.project_ids, one.completion) == (D("600"), [1], D("0.6"))
    assert (two.actual, two.completion) == (D("400"), D("0.4"))


# --- recognition rules ----------------------------------------------------------------------------------


def test_excluded_projects_count_nowhere():
    projects = [project(1, signed=day(1), started=day(2), contract="9000", planned="9000", excluded=True)]
    receipts = [receipt(1, 1, day(3), "700")]
    groups = [
        group("签约", count("1"), total("1000")),
        group("开工", count("1", stage="started", field="planned_investment")),
        group("到位资金", funds("100")),
    ]
    result = run([unit(1)], groups, projects, receipts)[1]
    assert all(i.actual == 0 and not i.project_ids for g in result.groups for i in g.indicators)
    assert (result.funds, result.contract, result.score) == (0, 0, 0)
    assert "zero_achievement" in result.flags


# --- drill-down -----------------------------------------------------------------------------------------


def test_every_figure_lists_its_projects_and_receipts():
    projects = [
        project(1, signed=day(1), contract="1000"),
        project(2, signed=day(2), contract="500"),
        project(3, signed=day(3), contract="3000"),
    ]
    receipts = [receipt(7, 3, day(4), "10"), receipt(8, 2, day(5), "20"), receipt(9, 1, BEFORE, "40")]
    result = run(
        [unit(1)], [group("签约", count("3"), total("6000")), group("到位资金", funds("100"))], projects, receipts
    )
    signed, money = result[1].groups
    assert [i.project_ids for i in signed.indicators] == [[1, 3], [1, 3]]
    assert (money.indicators[0].project_ids, sorted(money.indicators[0].receipt_ids)) == ([2, 3], [7, 8])
