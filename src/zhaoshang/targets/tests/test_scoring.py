"""Points-based schemes (issue 13): two published 考核办法 transcribed, each unit's points worked out by hand.

Scheme A follows a county's 产业专班招商引资绩效评价指标及评分细则 (quarterly): 省外亿元项目 30分 and 到位资金
20分 "按完成时序目标进度得分…得分=(完成/时序目标任务)×分值", bonus "每超目标任务引进1个…加2分，最高不超过6分"
and "每引进1个10亿元以上项目加4分；每引进1个50亿元以上项目加8分，单个项目不重复加分", and the deduction of
another county's 评分标准 "每少报1个月报表扣1分" (at most 12). Scheme B follows 高安市's 乡镇 scheme, whose
实际利用外资 (30分) is scored by 功效系数 ("最大的计100分，最小的计60分，其他…×40+60"), and 漯河's "完成年度目标
任务的，满分；未完成的按完成比例得分…每提高1个百分点，加0.6分". The expected figures are computed in the comments,
not by the engine.
"""

from decimal import Decimal as D

import pytest

from zhaoshang.targets import scoring
from zhaoshang.targets.scoring import Item, Scheme, SchemeError, Value

SCHEME_A = Scheme(
    items=(
        Item("A1", "新引进省外亿元项目数量", "ratio", points=D("30")),
        Item("A2", "当年实际到位资金", "ratio", points=D("20")),
        Item("A3", "超目标任务引进省外亿元项目", "per_count", section="bonus", params={"per_above": "2"}, cap=D("6")),
        Item(
            "A4",
            "新增10亿元以上重大项目",
            "banded",
            section="bonus",
            params={"bands": [("100000", "500000", "4"), ("500000", None, "8")]},
        ),
        Item("A5", "月报表少报", "per_occurrence", section="deduction", params={"each": "1"}, cap=D("12")),
    )
)


def values_a(rows: dict[str, tuple]) -> dict[str, dict[str, Value]]:
    """rows: unit → (亿元项目, 任务, 到位资金, 任务, [(amount, share)], 少报月数)."""
    out: dict[str, dict[str, Value]] = {code: {} for code in ("A1", "A2", "A3", "A4", "A5")}
    for unit, (count, count_task, funds, funds_task, amounts, missing) in rows.items():
        out["A1"][unit] = Value(D(count), D(count_task))
        out["A2"][unit] = Value(D(funds), D(funds_task))
        out["A3"][unit] = Value(D(count), D(count_task))
        out["A4"][unit] = Value(amounts=[(D(a), D(s)) for a, s in amounts])
        out["A5"][unit] = Value(D(missing))
    return out


def test_scheme_a_by_hand():
    rows = {
        # 5 of 4 → 37.5, capped at 30; 1800/2000 × 20 = 18; 1 above → +2; 12亿 → +4, 60亿 at half → +8 × 0.5 = 4;
        # 2 reports missing → −2. Total 30 + 18 + 2 + 8 − 2 = 56.
        "U1": ("5", "4", "1800", "2000", [("120000", "1"), ("600000", "0.5")], "2"),
        # 3 of 4 → 22.5; 2500/2000 × 20 = 25, capped at 20; 1 below: no bonus, no loss; exactly 10亿 and exactly
        # 50亿 (以上 includes the number) → 4 + 8 = 12. Total 54.5.
        "U2": ("3", "4", "2500", "2000", [("100000", "1"), ("500000", "1")], "0"),
        # No project at all; 13 reports missing → −13, capped at −12. Total −12.
        "U3": ("0", "4", "0", "2000", [], "13"),
        # 1 of 3 → 10; 1000/3000 × 20 = 6.666… → 6.67 (rounded per item, half up); 9.99亿 is below the band.
        # Total 16.67.
        "U4": ("1", "3", "1000", "3000", [("99999.99", "1")], "0"),
        # 9 of 2 → 30; 7 above → 14, capped at 6; no task for funds but funds received → the full 20.
        "U5": ("9", "2", "50", "0", [], "0"),
    }
    points = scoring.score(SCHEME_A, values_a(rows), group_of={})
    assert {unit: p.items for unit, p in points.items()} == {
        "U1": {"A1": D("30.00"), "A2": D("18.00"), "A3": D("2.00"), "A4": D("8.00"), "A5": D("-2.00")},
        "U2": {"A1": D("22.50"), "A2": D("20.00"), "A3": D("0.00"), "A4": D("12.00"), "A5": D("0.00")},
        "U3": {"A1": D("0.00"), "A2": D("0.00"), "A3": D("0.00"), "A4": D("0.00"), "A5": D("-12.00")},
        "U4": {"A1": D("10.00"), "A2": D("6.67"), "A3": D("0.00"), "A4": D("0.00"), "A5": D("0.00")},
        "U5": {"A1": D("30.00"), "A2": D("20.00"), "A3": D("6.00"), "A4": D("0.00"), "A5": D("0.00")},
    }
    assert {unit: p.total for unit, p in points.items()} == {
        "U1": D("56.00"),
        "U2": D("54.50"),
        "U3": D("-12.00"),
        "U4": D("16.67"),
        "U5": D("56.00"),
    }


SCHEME_B = Scheme(
    items=(
        Item("B1", "实际利用外资", "efficacy", points=D("30")),
        Item("B2", "招商引资目标任务完成情况", "ratio", points=D("80")),
        Item(
            "B3",
            "超额完成年度引资目标任务",
            "step",
            section="bonus",
            params={"base": "0", "per_step": "0.6", "step": "0.01", "down": "0"},
        ),
    )
)


def values_b(rows: dict[str, tuple]) -> dict[str, dict[str, Value]]:
    """rows: unit → (实际利用外资 万美元, 引资额, 任务)."""
    out: dict[str, dict[str, Value]] = {"B1": {}, "B2": {}, "B3": {}}
    for unit, (foreign, funds, task) in rows.items():
        out["B1"][unit] = Value(D(foreign))
        out["B2"][unit] = Value(D(funds), D(task))
        out["B3"][unit] = Value(D(funds), D(task))
    return out


def test_scheme_b_by_hand():
    rows = {
        # Townships: foreign capital 500, 300, 100 → max 30; 0.6 × 30 + 0.4 × 30 × 200/400 = 18 + 6 = 24; min 18.
        # T1: 11250/10000 → 80 (capped) and 12.5 points above → 12 full points × 0.6 = 7.2. Total 117.2.
        "T1": ("500", "11250", "10000"),
        # T2: 9000/10000 × 80 = 72; below the task: no bonus (down 0). Total 96.
        "T2": ("300", "9000", "10000"),
        # T3: exactly the task: 80, 0 points above → 0. Total 98.
        "T3": ("100", "5000", "5000"),
        # Parks, their own ranking group: both 0 → max = min, nothing above zero → 60% of 30 = 18 each.
        # P1: 3000/5000 × 80 = 48. P2: no task, funds 0 → 0.
        "P1": ("0", "3000", "5000"),
        "P2": ("0", "0", "0"),
        # Departments, one unit alone with foreign capital: max = min above zero → the full 30. 10100/10000 →
        # 80 and 1 point above → 0.6.
        "D1": ("50", "10100", "10000"),
    }
    group_of = {"T1": "township", "T2": "township", "T3": "township", "P1": "park", "P2": "park", "D1": "dept"}
    points = scoring.score(SCHEME_B, values_b(rows), group_of=group_of)
    assert {unit: p.items for unit, p in points.items()} == {
        "T1": {"B1": D("30.00"), "B2": D("80.00"), "B3": D("7.20")},
        "T2": {"B1": D("24.00"), "B2": D("72.00"), "B3": D("0.00")},
        "T3": {"B1": D("18.00"), "B2": D("80.00"), "B3": D("0.00")},
        "P1": {"B1": D("18.00"), "B2": D("48.00"), "B3": D("0.00")},
        "P2": {"B1": D("18.00"), "B2": D("0.00"), "B3": D("0.00")},
        "D1": {"B1": D("30.00"), "B2": D("80.00"), "B3": D("0.60")},
    }
    assert points["T1"].total == D("117.20") and points["T2"].total == D("96.00")


def test_efficacy_with_every_value_equal():
    # max = min: every unit is the best and the worst; above zero they get the full points, at zero 60%.
    assert scoring.efficacy_points({"a": D("7"), "b": D("7")}, D("10")) == {"a": D("10"), "b": D("10")}
    assert scoring.efficacy_points({"a": D("0"), "b": D("0")}, D("10")) == {"a": D("6.0"), "b": D("6.0")}
    assert scoring.efficacy_points({}, D("10")) == {}


def test_step_and_per_count_limits():
    # base 20 for meeting the plan, ±2 per full 10 points, at most +6 / −10.
    step = {"base": D("20"), "per_step": D("2"), "up": D("6"), "down": D("10")}
    assert scoring.step_points(D("129.9"), D("100"), **step) == D("24")  # 2 full steps
    assert scoring.step_points(D("200"), D("100"), **step) == D("26")  # 10 steps, +6 at most
    assert scoring.step_points(D("85"), D("100"), **step) == D("18")  # −1 full step
    assert scoring.step_points(D("0"), D("100"), **step) == D("10")  # −10 steps, −10 at most
    # ±1 per project above or below the plan of 5, at most +3 / −2; half a project above earns nothing.
    counts = {"base": D("10"), "per_above": D("1"), "per_below": D("1"), "up": D("3"), "down": D("2")}
    assert scoring.per_count_points(D("5.5"), D("5"), **counts) == D("10")
    assert scoring.per_count_points(D("7"), D("5"), **counts) == D("12")
    assert scoring.per_count_points(D("12"), D("5"), **counts) == D("13")
    assert scoring.per_count_points(D("4.4"), D("5"), **counts) == D("9")  # 0.6 short is one short
    assert scoring.per_count_points(D("0"), D("5"), **counts) == D("8")


def test_threshold():
    assert scoring.threshold_points(D("3"), D("3"), D("5")) == D("5")
    assert scoring.threshold_points(D("2.9"), D("3"), D("5")) == D("0")
    assert scoring.threshold_points(D("0"), None, D("5")) == D("0")


@pytest.mark.parametrize(
    ("item", "words"),
    [
        (Item("X", "分档", "banded", params={"bands": [("0", "600", "1"), ("500", None, "2")]}), "overlap"),
        (Item("X", "分档", "banded", params={"bands": [("0", None, "1"), ("500", None, "2")]}), "overlap"),
        (Item("X", "分档", "banded", params={"bands": [("600", "500", "1")]}), "ends before"),
        (Item("X", "分档", "banded"), "has none"),
        (Item("X", "扣分", "per_occurrence", section="deduction", cap=D("-1")), "below zero"),
        (Item("X", "步长", "step", params={"step": "0"}), "above zero"),
        (Item("X", "方法", "guess"), "unknown scoring function"),
    ],
)
def test_a_scheme_that_cannot_be_computed_is_refused_naming_the_item(item, words):
    with pytest.raises(SchemeError) as refused:
        scoring.check(Scheme(items=(item,)))
    assert refused.value.item == item.name and words in str(refused.value)


def test_a_code_used_twice_is_refused():
    twice = Scheme(items=(Item("A", "一", "ratio", points=D("1")), Item("A", "二", "ratio", points=D("1"))))
    with pytest.raises(SchemeError, match="used twice"):
        scoring.check(twice)


def test_a_capped_total():
    scheme = Scheme(
        items=(
            Item("M", "主项", "ratio", points=D("100")),
            Item("B", "加分", "per_occurrence", section="bonus", params={"each": "5"}),
        ),
        full_score=D("100"),
        cap_total=True,
    )
    points = scoring.score(scheme, {"M": {"u": Value(D("1"), D("1"))}, "B": {"u": Value(D("3"))}}, group_of={})
    assert points["u"].items == {"M": D("100.00"), "B": D("15.00")} and points["u"].total == D("100")


def test_measures_read_from_json_and_back():
    started_rate = {
        "what": "ratio",
        "numerator": {"what": "count", "stage": "started"},
        "denominator": {"what": "count", "stage": "signed"},
    }
    measure = scoring.Measure.from_json(started_rate, item="开工率")
    assert measure.numerator.stage == "started" and measure.denominator.stage == "signed"
    assert scoring.Measure.from_json(measure.to_json()) == measure
    banded = scoring.Measure.from_json({"what": "count", "low": "5000", "high": "10000", "industries": ["C"]})
    assert (banded.low, banded.high, banded.industries) == (D("5000"), D("10000"), ("C",))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"what": "ratio", "numerator": {"what": "count"}}, "numerator or denominator is missing"),
        ({"what": "count", "low": "100", "high": "100"}, "amount range is empty"),
        ({"what": "count", "low": "-1"}, "amount range is empty"),
        ({"what": "count", "low": "十万"}, "not a number"),
        ({"what": "weather"}, "unknown measure"),
        (None, "unknown measure"),
    ],
)
def test_a_measure_that_cannot_be_read_is_refused(data, words):
    with pytest.raises(SchemeError) as refused:
        scoring.Measure.from_json(data, item="某项")
    assert refused.value.item == "某项" and words in str(refused.value)


def test_conditions_read_from_json_and_back():
    data = {
        "what": "count",
        "stage": "started",
        "amount_field": "contract_amount",
        "low": "10000",
        "event_level": "province",
        "private": True,
        "registered_land_paid": True,
        "within_years": 3,
        "exclude_divisions": ["70", "01"],
        "low_by_category": {"department": "5000"},
    }
    measure = scoring.Measure.from_json(data, item="民营亿元")
    assert measure.to_json() == data and scoring.Measure.from_json(measure.to_json()) == measure
    assert measure.has_conditions and not scoring.Measure.from_json({"what": "count"}).has_conditions
    assert (measure.low_for("department"), measure.low_for("township")) == (D("5000"), D("10000"))
    assert hash(measure) == hash(scoring.Measure.from_json(data))  # floors kept as pairs: a measure stays hashable
    # Occurrence measures carry no conditions.
    assert scoring.Measure.from_json({"what": "late_reports", "private": True}).to_json() == {"what": "late_reports"}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"what": "count", "event_level": "village"}, "unknown event level village"),
        ({"what": "count", "within_years": 0}, "whole number from 1"),
        ({"what": "count", "within_years": "two"}, "whole number from 1"),
        ({"what": "count", "exclude_divisions": ["99"]}, "99 is not a GB/T 4754 division"),
        ({"what": "count", "low_by_category": {"village": "5000"}}, "unknown unit category village"),
        ({"what": "count", "high": "5000", "low_by_category": {"department": "5000"}}, "amount range is empty"),
        ({"what": "count", "low_by_category": {"department": "五千"}}, "not a number"),
    ],
)
def test_bad_conditions_are_refused_naming_the_item(data, words):
    with pytest.raises(SchemeError) as refused:
        scoring.Measure.from_json(data, item="某项")
    assert refused.value.item == "某项" and words in str(refused.value)
