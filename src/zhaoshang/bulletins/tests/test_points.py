"""The bulletin of a period scored by a points scheme (issue 13): the snapshot's scheme block and points, section
二's tables per ranking group, the prose, the .docx and the annex — on the county of conftest.py with a scheme of
three items.

The scheme (ranking groups: the unit categories):
  S1 签约项目 (base, ratio, 40): projects signed at ≥1000万 contract ÷ the 签约 group's task (2 projects) × 40
  S2 到位资金 (base, 功效系数, 20): 60% × 20 + 40% × 20 × (x − min) ÷ (max − min) within the ranking group
  S3 大项目加分 (bonus, banded): 5 points per project signed at ≥2000万 contract, times the unit's share

As of 2025-02-28 (by hand):
  signed ≥1000万: T01 P1 1 + P4 0.6 = 1.6; T02 P2 1 + P4 0.4 = 1.4; T0101 0; D01 0 (P3 is 800万)
  S1: T01 1.6 ÷ 2 × 40 = 32.00; T02 1.4 ÷ 2 × 40 = 28.00; T0101 0.00; D01 0.00
  funds: T01 500 + 300 + 1000 × 0.6 = 1400; T02 200 + 400 = 600; T0101 0; D01 0
  S2 townships (min 0, max 1400): T01 12 + 8 = 20.00; T02 12 + 8 × 600 ÷ 1400 = 15.428… → 15.43; T0101 12.00;
     department D01 alone (max = min, nothing) 60% × 20 = 12.00
  S3 (≥2000万: P1 3000, P4 2000): T01 5 + 5 × 0.6 = 8.00; T02 5 × 0.4 = 2.00; T0101 0.00; D01 0.00
  total: T01 60.00 (1st of 3 townships), T02 45.43 (2nd), T0101 12.00 (3rd), D01 12.00 (1st of 1 department)
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import openpyxl
import pytest

from zhaoshang.assessment.engine import POINTS_TIE_RULE
from zhaoshang.bulletins import presentation as show
from zhaoshang.bulletins import selectors
from zhaoshang.bulletins.services import issue
from zhaoshang.targets.models import Scheme, SchemeItem

from .conftest import FEB, units_by_code

pytestmark = pytest.mark.django_db
D = Decimal
DATE = dt.date(2025, 3, 3)

ITEMS = [
    ("S1", "签约项目", "base", "ratio", "40", {}, {"what": "count", "low": "1000"}, "签约"),
    ("S2", "到位资金", "base", "efficacy", "20", {}, {"what": "funds"}, ""),
    ("S3", "大项目加分", "bonus", "banded", "0", {"bands": [["2000", None, "5"]]}, {"what": "count"}, ""),
]
EXPECTED = {  # unit code → (S1, S2, S3, total, rank, ranking group)
    "T01": ("32.00", "20.00", "8.00", "60.00", 1, "township"),
    "T02": ("28.00", "15.43", "2.00", "45.43", 2, "township"),
    "T0101": ("0.00", "12.00", "0.00", "12.00", 3, "township"),
    "D01": ("0.00", "12.00", "0.00", "12.00", 1, "department"),
}


def add_scheme(period, items=ITEMS, **extra) -> Scheme:
    scheme = Scheme.objects.create(period=period, kind="points", **extra)
    for order, (code, name, section, function, points, params, measure, task_group) in enumerate(items):
        SchemeItem.objects.create(
            scheme=scheme,
            order=order,
            code=code,
            name=name,
            section=section,
            function=function,
            points=D(points),
            params=params,
            measure=measure,
            task_group=task_group,
        )
    return scheme


@pytest.fixture
def points_draft(period, ledger, users):
    from zhaoshang.bulletins import services

    add_scheme(period)
    return services.create_draft(user=users["bureau"], period=period, month=FEB, date=DATE)


def test_snapshot_carries_the_scheme_and_each_units_points(points_draft):
    data = selectors.bulletin_data(points_draft, detail=False)
    assert data["scheme"] == {
        "name": "2025年度招商引资考核评分细则",
        "full_score": "100.00",
        "ranking": "category",
        "items": [
            {"code": "S1", "name": "签约项目", "section": "base", "points": "40.00"},
            {"code": "S2", "name": "到位资金", "section": "base", "points": "20.00"},
            {"code": "S3", "name": "大项目加分", "section": "bonus", "points": "0.00"},
        ],
    }
    units = units_by_code(data)
    assert set(units) == set(EXPECTED)
    for code, (s1, s2, s3, total, rank, group) in EXPECTED.items():
        unit = units[code]
        assert {i["code"]: D(i["points"]) for i in unit["items"]} == {"S1": D(s1), "S2": D(s2), "S3": D(s3)}, code
        assert D(unit["points"]) == D(total) and unit["rank"] == rank and unit["ranking_group"] == group, code
    # The lists keep their logic (the last township criticised, the first commended) and gain the points.
    flags = data["lists"]["flags"]
    assert [(u["code"], u["points"], u["ranking_group"]) for u in flags["criticised"]] == [
        ("T0101", "12.00", "township")
    ]
    assert [u["code"] for u in flags["commended"]] == ["T01"]


def test_a_completion_period_has_none_of_the_new_keys(draft):
    data = selectors.bulletin_data(draft, detail=False)
    assert "scheme" not in data
    assert all("ranking_group" not in unit and unit["points"] is None for unit in data["assessment"]["units"])
    assert all("points" not in u for units in data["lists"]["flags"].values() for u in units)
    assert show.points_tables(data) == [] and show.points_paragraph(data) == ""
    assert show.ranking_note(data) == show.RANKING_NOTE


def test_one_points_table_per_ranking_group(points_draft):
    tables = show.points_tables(selectors.bulletin_data(points_draft, detail=False))
    assert [(t.label, t.headers) for t in tables] == [
        ("乡镇", ["名次", "单位", "签约项目", "到位资金", "大项目加分", "得分"]),
        ("县直部门", ["名次", "单位", "签约项目", "到位资金", "大项目加分", "得分"]),
    ]
    assert tables[0].rows == [
        ["1", "城关镇", "32.00", "20.00", "8.00", "60.00"],
        ["2", "河口乡", "28.00", "15.43", "2.00", "45.43"],
        ["3", "城关镇招商办", "0.00", "12.00", "0.00", "12.00"],
    ]
    assert tables[1].rows == [["1", "县发改局", "0.00", "12.00", "0.00", "12.00"]]
    assert show.points_paragraph(selectors.bulletin_data(points_draft, detail=False)) == (
        "本考核期按《2025年度招商引资考核评分细则》计分（满分100分，共3项）。"
        "乡镇中，城关镇以60.00分位列第一；县直部门中，县发改局以12.00分位列第一。"
    )
    assert POINTS_TIE_RULE.rstrip("。") in show.ranking_note(selectors.bulletin_data(points_draft, detail=False))
    summary = show.summary_paragraph(selectors.bulletin_data(points_draft, detail=False))
    assert "全县参评单位4个。以下各单位得分按上报数统计，按评分细则逐项计分" in summary
    paragraphs = show.flag_paragraphs(selectors.bulletin_data(points_draft, detail=False))
    assert paragraphs[0] == "（一）通报批评（落后于时序进度、在本排名分组得分排名末位的单位）。乡镇：城关镇招商办。"


def test_more_than_eight_items_show_section_subtotals(period, ledger, users):
    from zhaoshang.bulletins import services

    # Nine items: S1–S3 as above and six bonus items of 1 point each for any funds in place (T01, T02: 6 each).
    extra = [(f"B{n}", f"加分{n}", "bonus", "threshold", "1", {}, {"what": "funds"}, "") for n in range(1, 7)]
    add_scheme(period, items=ITEMS + extra)
    draft = services.create_draft(user=users["bureau"], period=period, month=FEB, date=DATE)
    tables = show.points_tables(selectors.bulletin_data(draft, detail=False))
    assert tables[0].headers == ["名次", "单位", "基础分", "加分", "得分"]
    # base S1 + S2, bonus S3 + 6 × 1 for units with funds
    assert tables[0].rows == [
        ["1", "城关镇", "52.00", "14.00", "66.00"],
        ["2", "河口乡", "43.43", "8.00", "51.43"],
        ["3", "城关镇招商办", "12.00", "0.00", "12.00"],
    ]


def test_the_page_shows_the_points_tables(client, users, points_draft):
    client.force_login(users["bureau"])
    html = client.get(points_draft.get_absolute_url()).content.decode()
    assert 'id="points-table-1" data-group="township"' in html and 'id="points-table-2"' in html
    assert "<th>得分</th>" in html and '<td class="fw-semibold">60.00</td>' in html
    assert "城关镇以60.00分位列第一" in html
    assert 'class="table table-sm table-bordered text-center align-middle small category-table"' not in html


def test_docx_has_the_points_tables(points_draft):
    document = docx.Document(io.BytesIO(selectors.docx_bytes(points_draft)))
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "名次"]
    assert len(tables) == 2
    rows = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert rows[0] == ["名次", "单位", "签约项目", "到位资金", "大项目加分", "得分"]
    assert rows[1:] == [
        ["1", "城关镇", "32.00", "20.00", "8.00", "60.00"],
        ["2", "河口乡", "28.00", "15.43", "2.00", "45.43"],
        ["3", "城关镇招商办", "0.00", "12.00", "0.00", "12.00"],
    ]
    text = [p.text for p in document.paragraphs]
    assert "表1  乡镇招商引资考核得分情况" in text and "表2  县直部门招商引资考核得分情况" in text
    assert any("城关镇以60.00分位列第一" in line for line in text)
    assert not [t for t in document.tables if t.rows[0].cells[0].text == "排名"]  # no completion tables


def test_annex_gains_the_ranking_group_and_points(points_draft):
    book = openpyxl.load_workbook(io.BytesIO(selectors.xlsx_bytes(points_draft)))
    assert "得分排名" in book.sheetnames and "评分" in book.sheetnames
    rows = list(book["得分排名"].iter_rows(values_only=True))
    assert rows[0] == ("排名分组", "名次", "单位编码", "单位名称", "签约项目", "到位资金", "大项目加分", "得分")
    assert [tuple(r) for r in rows[1:]] == [
        ("乡镇", 1, "T01", "城关镇", 32, 20, 8, 60),
        ("乡镇", 2, "T02", "河口乡", 28, 15.43, 2, 45.43),
        ("乡镇", 3, "T0101", "城关镇招商办", 0, 12, 0, 12),
        ("县直部门", 1, "D01", "县发改局", 0, 12, 0, 12),
    ]
    flags = list(book["通报名单"].iter_rows(values_only=True))
    assert flags[0][4] == "排名分组" and flags[0][7] == "得分"
    criticised = [r for r in flags[1:] if r[0] == "通报批评"]
    assert [(r[1], r[4], r[5], r[7]) for r in criticised] == [("T0101", "乡镇", 3, 12)]


def test_an_issued_points_bulletin_renders_from_its_frozen_snapshot(client, users, points_draft, period):
    issued = issue(user=users["bureau"], bulletin=points_draft)
    Scheme.objects.filter(period=period).delete()  # the scheme goes; the issued bulletin keeps what it printed
    client.force_login(users["bureau"])
    html = client.get(issued.get_absolute_url()).content.decode()
    assert "城关镇以60.00分位列第一" in html and 'id="points-table-1"' in html
    document = docx.Document(io.BytesIO(selectors.docx_bytes(issued)))
    assert [t for t in document.tables if t.rows[0].cells[0].text == "名次"]


def test_custom_groups_and_units_not_ranked(period, ledger, users):
    """Ranking groups set by the bureau: 一类 = T01, T02; T0101 and D01 are scored but not ranked (功效系数 compares
    them among themselves). S2: 一类 min 600, max 1400 → T01 20.00, T02 12.00; the others both 0 → 12.00 each.
    Totals: T01 32 + 20 + 8 = 60.00 (1st), T02 28 + 12 + 2 = 42.00 (2nd); T0101 and D01 12.00, not ranked."""
    from zhaoshang.bulletins import services

    add_scheme(period, ranking="custom", custom_groups={"一类": ["T01", "T02"]})
    draft = services.create_draft(user=users["bureau"], period=period, month=FEB, date=DATE)
    data = selectors.bulletin_data(draft)
    tables = show.points_tables(data)
    assert [(t.label, t.rows) for t in tables] == [
        (
            "一类",
            [["1", "城关镇", "32.00", "20.00", "8.00", "60.00"], ["2", "河口乡", "28.00", "12.00", "2.00", "42.00"]],
        ),
        (
            "未排名单位",
            [
                ["—", "县发改局", "0.00", "12.00", "0.00", "12.00"],
                ["—", "城关镇招商办", "0.00", "12.00", "0.00", "12.00"],
            ],
        ),
    ]
    assert show.points_paragraph(data).endswith("一类中，城关镇以60.00分位列第一。")
    book = openpyxl.load_workbook(io.BytesIO(selectors.xlsx_bytes(draft)))
    rows = list(book["得分排名"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[1], r[2], r[-1]) for r in rows] == [
        ("一类", 1, "T01", 60),
        ("一类", 2, "T02", 42),
        ("未排名单位", None, "D01", 12),
        ("未排名单位", None, "T0101", 12),
    ]
