"""The summed measures of a points scheme (issue 13, part "measures"): 实际利用外资 from receipts in a currency,
本期完成投资 and 出口创汇 from scheduling reports, each row credited by the unit's share; and 任务/力争 end to end.

Period SUM: 2026-01-01 … 2026-06-30, 1 US dollar = 7.2 yuan, government-funded projects excluded; assessed on
06-30 (and on 03-31). Units: T01 and T0101 (tier 1, townships), T02 (tier 2, township), D01 (tier 2, department).

Target groups (tier 1 / tier 2): 外资 100 / 40, 外资力争 150 / 50, 投资 1000 / 600, 出口 20 / 40.

Projects and receipts (original amount in units of the currency; 万元 the ledger's amount):
    F1  T01          USD 1,000,000 @7.1 on 01-01 (the first day) = 710 万元 → 100 万美元
    F2  T01 40% T02 60%  EUR 100,000 @7.8 on 06-30 (the last day) = 78 万元 → 78 ÷ 7.2 = 10.8333… 万美元;
                     CNY 500 on 03-01 → no foreign capital (no row)
    F3  T01          USD 50,000 on 2025-12-31 and on 07-01 (outside the period)
    F4  T02          USD with only 360 万元 recorded on 03-15 → 360 ÷ 7.2 = 50 万美元
    X1  T01          government-funded (excluded): USD 100,000 on 02-01
Scheduling reports (round; status; 本期完成投资 万元; 出口创汇 万美元):
    R1 F1 01-12 submitted 300 12.5   R2 F2 06-30 accepted 1000 —   R3 F1 06-30 returned 999 (not counted)
    R4 F1 03-12 due 50 (not counted)  R5 F4 07-12 submitted 700 (after)  R6 F4 2025-12-27 submitted 800 (before)
    R7 F4 03-12 submitted 120.5 20   R8 X1 03-12 submitted 100 (excluded)  R9 F2 03-12 submitted — 30

By hand, on 06-30:
    foreign_received  T01 100 + 0.4 × 10.8333… = 100 + 4.333333 = 104.333333;  T02 0.6 × 10.8333… = 6.5, + 50 = 56.5
    investment_completed  T01 300 + 0.4 × 1000 = 700;  T02 0.6 × 1000 + 120.5 = 720.5
    export_earnings  T01 12.5 + 0.4 × 30 = 24.5;  T02 20 + 0.6 × 30 = 38
Items:
    M1 实际利用外资 stretch 20分 (task 外资, 力争 外资力争, base 80%):
        T01 16 + 4 × 4.333333/50 = 16.34666664 → 16.35;  T02 56.5 ≥ 50 → 20;  T0101, D01 0 → 0
    M2 完成投资 ratio 30分 (task 投资): T01 700/1000 × 30 = 21;  T02 720.5/600 × 30 = 36.025 → capped 30
    M3 出口创汇 efficacy 10分: townships T01 24.5, T0101 0, T02 38 → 6 + 4 × 24.5/38 = 8.578… → 8.58, 6, 10;
        D01 alone in its category at 0 → 6
    M4 出口创汇达标 threshold 5分 (task 出口): T01 24.5 ≥ 20 → 5;  T02 38 < 40 → 0
    Totals: T01 16.35 + 21 + 8.58 + 5 = 50.93;  T02 20 + 30 + 10 + 0 = 60;  T0101 6;  D01 6
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from zhaoshang.assessment import selectors, serialize

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
TENTH_OF_78 = D(78) / D("7.2")  # one EUR receipt's dollars, 10.8333…


def d(text: str) -> dt.date:
    if text.count("-") == 2:
        return dt.date.fromisoformat(text)
    month, day = text.split("-")
    return dt.date(2026, int(month), int(day))


GROUPS = {1: {"外资": "100", "外资力争": "150", "投资": "1000", "出口": "20"},
          2: {"外资": "40", "外资力争": "50", "投资": "600", "出口": "40"}}  # fmt: skip


def scheme_items():
    from zhaoshang.targets.services import SchemeItemData

    return [
        SchemeItemData(code="M1", name="实际利用外资", function="stretch", points=D(20),
                       measure={"what": "foreign_received"}, params={"stretch_group": "外资力争"}, task_group="外资"),
        SchemeItemData(code="M2", name="完成投资", function="ratio", points=D(30),
                       measure={"what": "investment_completed"}, task_group="投资"),
        SchemeItemData(code="M3", name="出口创汇", function="efficacy", points=D(10),
                       measure={"what": "export_earnings"}),
        SchemeItemData(code="M4", name="出口创汇达标", function="threshold", points=D(5),
                       measure={"what": "export_earnings"}, task_group="出口"),
    ]  # fmt: skip


@pytest.fixture
def county(units, users):
    from zhaoshang.projects import services
    from zhaoshang.scheduling.models import ProgressReport, SchedulingRound
    from zhaoshang.targets import services as targets
    from zhaoshang.targets.models import Indicator, TargetGroup

    bureau = users["bureau"]
    period = targets.save_period(
        user=bureau,
        data={"code": "SUM", "name": "上半年", "start": START, "end": END, "usd_rate": D("7.2"),
              "exclude_government_funded": True},
    )  # fmt: skip
    for tier, groups in GROUPS.items():
        for order, (name, target) in enumerate(groups.items()):
            group = TargetGroup.objects.create(period=period, tier=tier, name=name, order=order)
            Indicator.objects.create(group=group, kind="funds", target=D(target))
    targets.save_scheme(user=bureau, period=period, data={}, items=scheme_items())

    projects = {}

    def add(key, credits, **data):
        projects[key] = services.create_project(
            user=bureau,
            data={"code": key, "name": f"项目{key}", "planned_investment": D(5000), **data},
            credits=[(units[u], D(share)) for u, share in credits],
        )

    add("F1", [("a", 100)])
    add("F2", [("a", 40), ("b", 60)])
    add("F3", [("a", 100)])
    add("F4", [("b", 100)])
    add("X1", [("a", 100)], government_funded=True)
    receipts = {}
    for key, project, when, amount, currency, original, rate in [
        ("F1", "F1", "01-01", None, "USD", "1000000", "7.1"),
        ("F2", "F2", "06-30", None, "EUR", "100000", "7.8"),
        ("F2Y", "F2", "03-01", "500", "CNY", None, None),
        ("F3a", "F3", "2025-12-31", None, "USD", "50000", "7.1"),
        ("F3b", "F3", "07-01", None, "USD", "50000", "7.1"),
        ("F4", "F4", "03-15", "360", "USD", None, None),
        ("X1", "X1", "02-01", None, "USD", "100000", "7.1"),
    ]:
        receipts[key] = services.add_receipt(
            user=bureau,
            project=projects[project],
            date=d(when),
            amount=None if amount is None else D(amount),
            currency=currency,
            original_amount=None if original is None else D(original),
            exchange_rate=None if rate is None else D(rate),
        )
    reports = {}
    for key, project, unit, due, status, invested, exported in [
        ("R1", "F1", "a", "01-12", "submitted", "300", "12.5"),
        ("R2", "F2", "b", "06-30", "accepted", "1000", None),
        ("R3", "F1", "a", "06-30", "returned", "999", "99"),
        ("R4", "F1", "a", "03-12", "due", "50", "5"),
        ("R5", "F4", "b", "07-12", "submitted", "700", "7"),
        ("R6", "F4", "b", "2025-12-27", "submitted", "800", "8"),
        ("R7", "F4", "b", "03-12", "submitted", "120.5", "20"),
        ("R8", "X1", "a", "03-12", "submitted", "100", "10"),
        ("R9", "F2", "b", "03-12", "submitted", None, "30"),
    ]:
        scheduling_round, _ = SchedulingRound.objects.get_or_create(
            date=d(due), defaults={"planned_date": d(due), "status": "closed"}
        )
        reports[key] = ProgressReport.objects.create(
            scheduling_round=scheduling_round,
            project=projects[project],
            unit=units[unit],
            status=status,
            investment_completed=None if invested is None else D(invested),
            export_earnings=None if exported is None else D(exported),
        )
    return {"period": period, "projects": projects, "receipts": receipts, "reports": reports}


def _by_code(assessment):
    return {result.unit.code: result for result in assessment.units}


def _summed(county, as_of=END):
    wanted = ("foreign_received", "investment_completed", "export_earnings")
    return selectors.summed(county["period"], as_of, wanted)


def test_receipts_in_a_currency_by_hand(county, units):
    found = _summed(county)["foreign_received"]
    receipts = county["receipts"]
    t01, t02 = found[units["a"].pk], found[units["b"].pk]
    assert receipts["F1"].amount == D("710.00") and receipts["F2"].amount == D("78.00")
    assert t01.actual == D("104.333333")
    assert [(row.id, row.share, row.amount) for row in t01.rows] == [
        (receipts["F1"].pk, D(1), D("100.000000")),
        (receipts["F2"].pk, D("0.4"), D("4.333333")),
    ]
    assert t02.actual == D("56.5")
    assert [(row.id, row.amount) for row in t02.rows] == [(receipts["F4"].pk, D(50)), (receipts["F2"].pk, D("6.5"))]
    # The receipts at the period's limits count; those a day outside, the yuan one and the excluded one do not.
    for result in (t01, t02):
        assert result.actual == sum(row.amount for row in result.rows)
    assert {row.id for r in found.values() for row in r.rows} == {receipts[k].pk for k in ("F1", "F2", "F4")}
    assert units["a_section"].pk not in found and units["dept"].pk not in found


def test_reports_by_hand(county, units):
    found = _summed(county)
    reports = county["reports"]
    invested, exported = found["investment_completed"], found["export_earnings"]
    assert invested[units["a"].pk].actual == D(700) and invested[units["b"].pk].actual == D("720.5")
    assert [(row.id, row.amount) for row in invested[units["a"].pk].rows] == [
        (reports["R1"].pk, D(300)),
        (reports["R2"].pk, D(400)),
    ]
    assert [(row.id, row.share, row.amount) for row in invested[units["b"].pk].rows] == [
        (reports["R7"].pk, D(1), D("120.5")),
        (reports["R2"].pk, D("0.6"), D(600)),
    ]
    assert exported[units["a"].pk].actual == D("24.5") and exported[units["b"].pk].actual == D(38)
    assert [row.id for row in exported[units["b"].pk].rows] == [reports["R7"].pk, reports["R9"].pk]
    for figures in found.values():
        for figure in figures.values():
            assert figure.actual == sum(row.amount for row in figure.rows)


def test_as_of_a_date_inside_the_period(county, units):
    found = _summed(county, as_of=d("03-31"))
    assert found["foreign_received"][units["a"].pk].actual == D(100)  # F2's euros come on 06-30
    assert found["investment_completed"][units["a"].pk].actual == D(300)
    assert found["investment_completed"][units["b"].pk].actual == D("120.5")
    assert found["export_earnings"][units["b"].pk].actual == D(38)


def test_points_by_hand(county):
    results = _by_code(selectors.assess_period(county["period"], END))
    items = {code: {i.code: i.points for i in r.items} for code, r in results.items() if r.points is not None}
    assert items == {
        "T01": {"M1": D("16.35"), "M2": D("21.00"), "M3": D("8.58"), "M4": D("5.00")},
        "T0101": {"M1": D("0.00"), "M2": D("0.00"), "M3": D("6.00"), "M4": D("0.00")},
        "T02": {"M1": D("20.00"), "M2": D("30.00"), "M3": D("10.00"), "M4": D("0.00")},
        "D01": {"M1": D("0.00"), "M2": D("0.00"), "M3": D("6.00"), "M4": D("0.00")},
    }
    assert {code: r.points for code, r in results.items()} == {
        "C00": None,
        "T01": D("50.93"),
        "T0101": D("6.00"),
        "T02": D("60.00"),
        "D01": D("6.00"),
    }


def test_the_rows_behind_each_figure(county, units):
    period, reports, receipts, projects = (county[k] for k in ("period", "reports", "receipts", "projects"))
    assessment = selectors.assess_period(period, END)
    selectors.read_drill_downs(period, assessment)
    t01 = {item.code: item for item in _by_code(assessment)["T01"].items}
    assert t01["M1"].actual == D("104.333333") and t01["M1"].task == D(100)
    assert t01["M1"].receipt_ids == [receipts["F1"].pk, receipts["F2"].pk] and t01["M1"].report_ids == []
    assert t01["M1"].project_ids == sorted([projects["F1"].pk, projects["F2"].pk], reverse=True)
    assert t01["M2"].report_ids == [reports["R1"].pk, reports["R2"].pk] and t01["M2"].receipt_ids == []
    for item in t01.values():
        assert item.actual == sum(row.amount for row in item.summed_rows)
    data = serialize.item_data(t01["M2"])
    assert data["actual"] == "700" and data["report_ids"] == [reports["R1"].pk, reports["R2"].pk]
    assert [row["amount"] for row in data["rows"]] == ["300.000000", "400.000000"]


def test_the_unit_page_lists_the_rows_and_their_total(county, units, users, client):
    period, reports, receipts = county["period"], county["reports"], county["receipts"]
    client.force_login(users["bureau"])
    page = client.get(reverse("assessment:unit", args=[period.pk, units["a"].pk]), {"as_of": END.isoformat()})
    assert page.status_code == 200
    items = {row["item"].code: row for row in page.context["items"]}
    m1 = items["M1"]
    assert [(o.pk, share, amount) for o, share, amount in m1["summed_rows"]] == [
        (receipts["F1"].pk, D(1), D(100)),
        (receipts["F2"].pk, D("0.4"), D("4.333333")),
    ]
    assert m1["summed_total"] == m1["item"].actual == D("104.333333")
    m2 = items["M2"]
    assert [o.pk for o, _share, _amount in m2["summed_rows"]] == [reports["R1"].pk, reports["R2"].pk]
    assert m2["summed_total"] == D(700)
    body = page.content.decode()
    assert 'data-figure="104.333333"' in body and reverse("scheduling:report", args=[reports["R2"].pk]) in body
    assert "EUR 100000" in body  # the receipt's own currency and amount next to its yuan


def test_banded_on_a_sum_is_refused(county, users):
    from django.utils import translation

    from zhaoshang.targets.services import SchemeItemData, SchemeRefused, save_scheme

    for what in ("funds", "foreign_received", "investment_completed", "export_earnings"):
        item = SchemeItemData(code="B1", name="大项目加分", function="banded", measure={"what": what},
                              params={"bands": [["0", None, "1"]]})  # fmt: skip
        with translation.override("zh-hans"), pytest.raises(SchemeRefused) as refused:
            save_scheme(user=users["bureau"], period=county["period"], data={}, items=[item])
        assert refused.value.refusals == [
            (
                0,
                "评分项 大项目加分：按金额档次计分需要每个项目的金额；"
                "到位资金、实际利用外资、完成投资和出口创汇是合计数，没有单个项目的金额。",
            )
        ]


def test_foreign_received_on_the_verified_basis(county, units, users):
    """Only verified receipts count, at the verified date; an adjusted one in yuan at the period's rate: F1
    confirmed (100 万美元), F4 adjusted from 360 to 288 万元 on 03-20 (288 ÷ 7.2 = 40), F2's euros not verified."""
    from zhaoshang.supervision import services as supervision

    receipts, supervisor = county["receipts"], users["supervisor"]
    batch = supervision.create_batch(
        user=supervisor, start=START, end=END, method="threshold", min_amount=D(0), name="上半年核查"
    )
    supervision.verify(user=supervisor, batch=batch, receipt=receipts["F1"], result="confirmed")
    supervision.verify(user=supervisor, batch=batch, receipt=receipts["F4"], result="adjusted", amount=D(288),
                       date=d("03-20"), comment="按银行回单核减")  # fmt: skip
    found = selectors.summed(county["period"], END, ("foreign_received",), basis="verified")["foreign_received"]
    assert {unit: (figure.actual, [row.id for row in figure.rows]) for unit, figure in found.items()} == {
        units["a"].pk: (D(100), [receipts["F1"].pk]),
        units["b"].pk: (D(40), [receipts["F4"].pk]),
    }
    results = _by_code(selectors.assess_period(county["period"], END, basis="verified"))
    # M1 on the verified basis: T01 exactly its task → 16; T02 40 = its task → 16.
    assert results["T01"].items[0].points == D("16.00") and results["T02"].items[0].points == D("16.00")
