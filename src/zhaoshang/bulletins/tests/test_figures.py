"""The figures a bulletin computes: overall totals and their changes, the lists, the assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhaoshang.bulletins import compute, selectors, services
from zhaoshang.bulletins.presentation import change_text, opening_paragraph, overall_headers

from .conftest import units_by_code


def figures(snapshot) -> dict[str, dict]:
    return {figure["key"]: figure for figure in snapshot["overall"]["figures"]}


def test_overall_figures_of_the_month_and_their_changes(draft):
    snapshot = selectors.bulletin_data(draft)
    f = figures(snapshot)
    # Signed in February: P2, P3, P4 (P1 signed in January; P6 in February 2024).
    assert f["signed_count"]["month"] == "3"
    assert f["signed_count"]["previous_month"] == "1"
    assert f["signed_count"]["same_month_last_year"] == "1"
    assert f["signed_count"]["month_vs_previous"] == {"abs": "2", "pct": "2.0000"}
    assert f["signed_amount"]["month"] == "4300.00"  # 1500 + 800 + 2000, whole amounts
    assert f["signed_amount"]["previous_month"] == "3000.00"
    assert f["signed_amount"]["same_month_last_year"] == "1000.00"
    assert f["signed_amount"]["month_vs_last_year"] == {"abs": "3300.00", "pct": "3.3000"}
    assert f["started_count"]["month"] == "1"
    assert f["started_investment"]["month"] == "6000.00"
    assert f["started_count"]["month_vs_previous"] == {"abs": "1", "pct": None}  # nothing started in January
    assert f["funds"]["month"] == "1500.00"  # 300 + 200 + 1000
    assert f["funds"]["previous_month"] == "500.00"
    assert f["funds"]["same_month_last_year"] == "100.00"
    # Since the period's start, and the same span a year earlier.
    assert f["signed_count"]["cumulative"] == "4"
    assert f["signed_amount"]["cumulative"] == "7300.00"
    assert f["funds"]["cumulative"] == "2000.00"
    assert f["funds"]["cumulative_last_year"] == "100.00"
    assert f["funds"]["cumulative_vs_last_year"] == {"abs": "1900.00", "pct": "19.0000"}
    assert snapshot["overall"]["windows"]["month"] == ["2025-02-01", "2025-02-28"]
    assert snapshot["overall"]["windows"]["cumulative_last_year"] == ["2024-01-01", "2024-02-28"]
    assert "全部项目" in snapshot["overall"]["scope"]


def test_a_month_cut_short_is_compared_with_as_many_days():
    period = type("P", (), {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)})()
    spans = compute.windows(period, dt.date(2025, 3, 1), dt.date(2025, 3, 10))
    assert spans["month"] == (dt.date(2025, 3, 1), dt.date(2025, 3, 10))
    assert spans["previous_month"] == (dt.date(2025, 2, 1), dt.date(2025, 2, 10))
    assert spans["same_month_last_year"] == (dt.date(2024, 3, 1), dt.date(2024, 3, 10))
    spans = compute.windows(period, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert spans["previous_month"] == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert compute.year_earlier(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_opening_paragraph_states_figures_and_changes(draft):
    text = opening_paragraph(selectors.bulletin_data(draft))
    assert "2025年2月，全县新签约项目3个，较上月增加2个、增长200.0%，同比增加2个、增长200.0%" in text
    assert "协议引资额4300万元" in text
    assert "实际到位资金1500万元，较上月增加1000万元、增长200.0%" in text
    assert "2025年1—2月累计签约项目4个" in text


def test_a_month_cut_short_says_its_dates_and_compares_the_same_days(period, ledger, users):
    """Issue 12: a December bulletin made on 5 December said "新签约项目0个，较上月持平" while November had 8: it
    compared 1–5 December with 1–5 November and called that "上月". The sentence and the table now say the days."""
    early = services.create_draft(
        user=users["bureau"], period=period, month=dt.date(2025, 2, 1), as_of=dt.date(2025, 2, 10)
    )
    snapshot = selectors.bulletin_data(early)
    text = opening_paragraph(snapshot)
    # 1–10 February: P3 signed on the 3rd; 1–10 January nothing (P1 on the 15th); 1–10 February 2024: P6.
    assert "2025年2月1日至10日，全县新签约项目1个，较上月同期增加1个，较去年同期持平" in text
    assert "较上月持平" not in text and "较上月增加" not in text
    assert overall_headers(snapshot)[1:6] == ["本月1—10日", "上月1—10日", "环比", "去年同月1—10日", "同比"]
    whole = selectors.bulletin_data(
        services.create_draft(user=users["bureau"], period=period, month=dt.date(2025, 2, 1))
    )
    assert overall_headers(whole)[1:3] == ["本月", "上月"] and "较上月同期" not in opening_paragraph(whole)


def test_change_text_wording():
    figure = {"unit": "万元"}
    assert change_text(figure, {"abs": "-120.00", "pct": "-0.1250"}, "同比") == "同比减少120万元、下降12.5%"
    assert change_text(figure, {"abs": "0.00", "pct": "0.0000"}, "较上月") == "较上月持平"
    assert change_text({"unit": "个"}, {"abs": "3", "pct": None}, "同比") == "同比增加3个"


def test_assessment_in_the_snapshot(draft):
    snapshot = selectors.bulletin_data(draft)
    units = units_by_code(snapshot)
    assert set(units) == {"T01", "T0101", "T02", "D01"}  # the county itself has no targets
    assert units["T01"]["score"] == "1.0000" and units["T01"]["rank"] == 1
    assert units["T02"]["score"] == "0.6500" and units["T02"]["rank"] == 2
    assert units["T0101"]["rank"] == 3
    assert units["T01"]["flags"] == ["commended"]
    assert units["T0101"]["flags"] == ["criticised", "yellow_card", "zero_achievement"]
    assert units["D01"]["flags"] == ["yellow_card", "zero_achievement"]
    signed = units["T02"]["groups"][0]
    assert signed["name"] == "签约" and signed["completion"] == "0.7000"
    assert signed["indicators"][0]["actual"] == "1.4"  # P2 and 40% of P4


def test_lists(draft, ledger):
    lists = selectors.bulletin_data(draft)["lists"]
    assert [u["code"] for u in lists["flags"]["criticised"]] == ["T0101"]
    assert [u["code"] for u in lists["flags"]["commended"]] == ["T01"]
    assert [u["code"] for u in lists["flags"]["zero_achievement"]] == ["T0101", "D01"]  # townships first
    assert lists["flags"]["accountability"] == []
    stalled = lists["stalled"]
    assert [s["code"] for s in stalled] == ["P5"]
    assert stalled[0]["reason"] == "资金链断裂"
    assert stalled[0]["units"] == ["河口乡"]
    assert stalled[0]["days"] == (dt.date(2025, 2, 28) - dt.date(2024, 6, 1)).days
    big = lists["big_projects"]
    assert big["threshold"] == "5000.00" and big["half_year_start"] == "2025-01-01"
    assert [p["code"] for p in big["projects"]] == ["P1"]
    assert big["projects"][0]["units"] == ["城关镇"]
    assert [u["code"] for u in big["units_without"]] == ["T02", "T0101", "D01"]  # by category, then rank


def test_big_project_threshold_is_a_parameter(draft, users):
    from zhaoshang.bulletins import services

    services.update_draft(user=users["bureau"], bulletin=draft, big_project_amount=Decimal("7000"))
    draft.refresh_from_db()
    big = selectors.bulletin_data(draft)["lists"]["big_projects"]
    assert big["projects"] == []
    assert len(big["units_without"]) == 4


def test_a_project_stalled_after_the_date_is_not_listed(draft, ledger, users):
    from zhaoshang.projects import services as project_services

    project_services.set_status(
        user=users["bureau"], project=ledger["p2"], status="stalled", reason="征地未完成", date=dt.date(2025, 3, 5)
    )
    stalled = selectors.bulletin_data(draft)["lists"]["stalled"]
    assert [s["code"] for s in stalled] == ["P5"]


def test_detail_lookup_holds_every_project_and_receipt_behind_a_figure(draft, ledger, units):
    lookup = selectors.bulletin_data(draft)["lookup"]
    projects = lookup["projects"]
    assert projects["id"] == sorted(ledger[k].pk for k in ("p1", "p2", "p4"))
    row = projects["id"].index(ledger["p4"].pk)
    assert (projects["code"][row], projects["name"][row], projects["contract"][row]) == (
        "P4",
        "光伏组件项目",
        "2000.00",
    )
    assert projects["credits"][row] == f"{units['a'].pk}:0.60;{units['b'].pk}:0.40"  # shares as fractions
    assert projects["stages"][row] == "signed:2025-02-12"
    # 2 receipts of P1, 1 of P2, 1 of P4 (credited to two units, stored once)
    assert lookup["receipts"]["amount"] == ["500.00", "300.00", "200.00", "1000.00"]


def test_the_snapshot_holds_what_the_assessment_selector_computes(draft):
    """The bulletin holds exactly the assessment page's computation, with every figure's rows."""
    from django.utils import translation

    from zhaoshang.assessment import selectors as assessment_selectors
    from zhaoshang.assessment import serialize

    with translation.override("zh-hans"):
        assessment = assessment_selectors.assess_period(draft.period, draft.as_of)
        assessment_selectors.read_drill_downs(draft.period, assessment)
        expected = serialize.assessment_data(assessment, period_code="Y2025", basis="reported")
    assert selectors.bulletin_data(draft)["assessment"] == expected


def test_amounts_in_prose_as_an_official_writer_puts_them():
    """Issue 12: 75.07亿元, not 750670.00万元; no "0.00万元"."""
    from zhaoshang.bulletins.presentation import prose_amount

    assert prose_amount("750670.00") == "75.07亿元"
    assert prose_amount("10000") == "1.00亿元"
    assert prose_amount("1500.00") == "1500万元" and prose_amount("12.50") == "12.5万元"
    assert prose_amount("0.00") == "0元"
