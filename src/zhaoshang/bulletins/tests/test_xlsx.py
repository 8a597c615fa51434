"""The .xlsx annex and ``zhaoshang assess --format xlsx``, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from zhaoshang.assessment.xlsx import Column, Sheet, indicator_label, workbook_bytes
from zhaoshang.bulletins import selectors

SHEETS = ["汇总", "明细", "总体情况", "通报名单", "停滞项目", "大项目", "说明"]


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def annex(draft):
    return openpyxl.load_workbook(io.BytesIO(selectors.xlsx_bytes(draft)))


def test_annex_sheets(annex):
    assert annex.sheetnames == SHEETS


def test_summary_has_every_unit_group_and_indicator(annex):
    summary = records(annex["汇总"])
    assert len(summary) == 4 * 3  # four units × (two signing alternatives + funds)
    row = next(r for r in summary if r["单位编码"] == "T01" and r["指标"].startswith("签约项目协议引资额"))
    assert row["目标"] == 4000 and row["完成"] == 4200 and row["完成率"] == pytest.approx(1.05)
    assert row["组完成率"] == pytest.approx(1.05) and row["是否完成"] == "是"
    assert row["排名"] == 1 and row["参评单位数"] == 3 and row["通报情况"] == "表彰"
    assert row["综合完成率"] == pytest.approx(1.0)
    count = next(r for r in summary if r["单位编码"] == "T02" and r["指标"].startswith("签约项目个数"))
    assert count["完成"] == pytest.approx(1.4) and count["计量单位"] == "个" and count["是否完成"] == "否"


def test_detail_rows_add_up_to_the_figures(annex):
    summary = records(annex["汇总"])
    detail = records(annex["明细"])
    totals = defaultdict(Decimal)
    for row in detail:
        totals[row["单位编码"], row["指标"]] += Decimal(str(row["计入数额"]))
    for row in summary:
        assert totals[row["单位编码"], row["指标"]] == Decimal(str(row["完成"])).quantize(Decimal("0.0001")), row
    t02_count = [r for r in detail if r["单位编码"] == "T02" and r["指标"].startswith("签约项目个数")]
    assert sorted((r["项目编号"], r["计入份额(%)"], r["计入数额"]) for r in t02_count) == [
        ("P2", 100, 1),
        ("P4", 40, 0.4),
    ]
    p4 = next(r for r in t02_count if r["项目编号"] == "P4")
    assert p4["项目名称"] == "光伏组件项目" and p4["日期"] == dt.datetime(2025, 2, 12) and p4["金额"] == 2000
    funds = [r for r in detail if r["单位编码"] == "T01" and r["指标"] == "实际到位资金"]
    assert sorted((r["项目编号"], r["日期"].date(), r["金额"], r["计入数额"]) for r in funds) == [
        ("P1", dt.date(2025, 1, 20), 500, 500),
        ("P1", dt.date(2025, 2, 5), 300, 300),
        ("P4", dt.date(2025, 2, 14), 1000, 600),
    ]
    assert all(r["到账记录号"] for r in funds)


def test_overall_lists_and_notes(annex):
    overall = {r["指标"]: r for r in records(annex["总体情况"])}
    assert overall["新签约项目"]["本月（2025-02-01至2025-02-28）"] == 3
    assert overall["实际到位资金"]["环比增幅"] == pytest.approx(2.0)
    assert overall["新开工项目"]["环比增幅"] is None  # no base to compare with
    flags = records(annex["通报名单"])
    assert [(r["通报类别"], r["单位编码"]) for r in flags if r["通报类别"] in {"通报批评", "表彰"}] == [
        ("通报批评", "T0101"),
        ("表彰", "T01"),
    ]
    stalled = records(annex["停滞项目"])
    assert stalled[0]["项目编号"] == "P5" and stalled[0]["停滞天数"] == 272
    big = records(annex["大项目"])
    assert big[0]["项目编号/单位编码"] == "P1" and big[0]["计划总投资（万元）"] == 6000
    assert [r["项目编号/单位编码"] for r in big[1:]] == ["T02", "T0101", "D01"]
    notes = {r["项目"]: r["内容"] for r in records(annex["说明"])}
    assert notes["统计截至"] == dt.datetime(2025, 2, 28)
    assert notes["统计口径"] == "上报数"


def test_assess_command_writes_the_same_summary_and_detail(draft, annex, tmp_path):
    out = tmp_path / "assessment.xlsx"
    call_command("assess", "--period", "Y2025", "--as-of", "2025-02-28", "--format", "xlsx", "--out", str(out))
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["汇总", "明细", "说明"]
    for name in ("汇总", "明细"):
        assert list(workbook[name].iter_rows(values_only=True)) == list(annex[name].iter_rows(values_only=True))


def test_indicator_labels():
    assert indicator_label({"kind": "count", "stage": "started", "amount_field": "planned_investment",
                            "min_amount": "500.00"}) == "开工项目个数（计划总投资500万元以上）"  # fmt: skip
    assert indicator_label({"kind": "funds", "stage": None, "amount_field": "planned_investment",
                            "min_amount": "0.00"}) == "实际到位资金"  # fmt: skip
    assert indicator_label({"kind": "foreign", "stage": "signed", "amount_field": "contract_amount",
                            "min_amount": "0.00"}) == "签约项目利用外资"  # fmt: skip


def test_writer_escapes_text_and_keeps_types():
    sheet = Sheet(
        "测试",
        [Column("文字"), Column("金额", "money"), Column("比例", "percent"), Column("日期", "date")],
        [["A & B <c>\x01", Decimal("12.50"), Decimal("0.125"), dt.date(2025, 2, 28)], [None, 3, None, None]],
    )
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes([sheet])))
    rows = list(workbook["测试"].iter_rows(values_only=True))
    assert rows[1] == ("A & B <c>", 12.5, 0.125, dt.datetime(2025, 2, 28))
    assert rows[2] == (None, 3, None, None)
    assert workbook["测试"]["B2"].number_format == "0.00"
    assert workbook["测试"]["C2"].number_format == "0.0%"
