"""Malformed files: every error names sheet, Excel row, column and value, and nothing is written."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from zhaoshang.transfer import columns as c
from zhaoshang.transfer.importer import import_workbook

from . import xlsx
from .conftest import snapshot

pytestmark = pytest.mark.django_db

D = dt.date
GOOD_PROJECT = xlsx.project("OK1", "正常项目")


def project_file(*rows, units=None, receipts=None) -> dict:
    sheets = {c.PROJECT_SHEET: [GOOD_PROJECT, *rows]}  # the good row is row 2; the bad ones follow
    if units is not None:
        sheets[c.UNIT_SHEET] = units
    if receipts is not None:
        sheets[c.RECEIPT_SHEET] = receipts
    return sheets


CASES = {
    "negative amount": (
        project_file(xlsx.project("BAD", **{c.P_PLANNED: -3})),
        [("项目", 3, c.P_PLANNED, "-3")],
    ),
    "text amount": (
        project_file(xlsx.project("BAD", **{c.P_CONTRACT: "五百万"})),
        [("项目", 3, c.P_CONTRACT, "五百万")],
    ),
    "wrong date": (
        project_file(xlsx.project("BAD", **{"签约日期": "2024-13-45", c.P_STAGE: "签约"})),
        [("项目", 3, "签约日期", "2024-13-45")],
    ),
    "date in words": (
        project_file(xlsx.project("BAD", **{"洽谈日期": "去年三月"})),
        [("项目", 3, "洽谈日期", "去年三月")],
    ),
    "dates running backwards": (
        project_file(xlsx.project("BAD", **{"洽谈日期": D(2024, 5, 1), "签约日期": D(2024, 3, 1)})),
        [("项目", 3, "签约日期", "2024-03-01")],
    ),
    "current stage without its date": (
        project_file(xlsx.project("BAD", **{c.P_STAGE: "开工", "签约日期": D(2024, 3, 1)})),
        [("项目", 3, c.P_STAGE, "开工")],
    ),
    "current stage before a dated later stage": (
        project_file(xlsx.project("BAD", **{c.P_STAGE: "洽谈", "洽谈日期": D(2024, 1, 1), "投产日期": D(2024, 9, 1)})),
        [("项目", 3, c.P_STAGE, "洽谈")],
    ),
    "unknown stage label": (
        project_file(xlsx.project("BAD", **{c.P_STAGE: "在谈中"})),
        [("项目", 3, c.P_STAGE, "在谈中")],
    ),
    "unknown unit in credits": (
        project_file(xlsx.project("BAD", **{c.P_CREDITS: "T01:50;X99:50"})),
        [("项目", 3, c.P_CREDITS, "X99")],
    ),
    "unknown responsible unit": (
        project_file(xlsx.project("BAD", **{c.P_RESPONSIBLE: "X98"})),
        [("项目", 3, c.P_RESPONSIBLE, "X98")],
    ),
    "shares not adding up to 100": (
        project_file(xlsx.project("BAD", **{c.P_CREDITS: "T01:60;T02:30"})),
        [("项目", 3, c.P_CREDITS, "T01:60;T02:30")],
    ),
    "missing credits": (
        project_file(xlsx.project("BAD", **{c.P_CREDITS: None})),
        [("项目", 3, c.P_CREDITS, "")],
    ),
    "duplicate project code": (
        project_file(xlsx.project("OK1", "重复")),
        [("项目", 3, c.P_CODE, "OK1")],
    ),
    "unknown industry": (
        project_file(xlsx.project("BAD", **{c.P_INDUSTRY: "Z"})),
        [("项目", 3, c.P_INDUSTRY, "Z")],
    ),
    "future date": (
        project_file(xlsx.project("BAD", **{"洽谈日期": dt.date.today() + dt.timedelta(days=3)})),
        [("项目", 3, "洽谈日期", (dt.date.today() + dt.timedelta(days=3)).isoformat())],
    ),
    "origin without investor": (
        project_file(xlsx.project("BAD", **{c.P_ORIGIN: "上海"})),
        [("项目", 3, c.P_ORIGIN, "上海")],
    ),
    "one investor with two origins": (
        project_file(
            xlsx.project("B1", **{c.P_INVESTOR: "甲公司", c.P_ORIGIN: "上海"}),
            xlsx.project("B2", **{c.P_INVESTOR: "甲公司", c.P_ORIGIN: "北京"}),
        ),
        [("项目", 4, c.P_ORIGIN, "北京")],
    ),
    "too long": (
        project_file(xlsx.project("X" * 41)),
        [("项目", 3, c.P_CODE, "X" * 41)],
    ),
    "duplicate unit code": (
        project_file(units=[xlsx.unit("T09", "甲", "C00"), xlsx.unit("T09", "乙", "C00")]),
        [("单位", 3, c.U_CODE, "T09")],
    ),
    "unknown parent unit": (
        project_file(units=[xlsx.unit("T09", "甲", "Q00")]),
        [("单位", 2, c.U_PARENT, "Q00")],
    ),
    "units in a cycle": (
        project_file(units=[xlsx.unit("T08", "甲", "T09"), xlsx.unit("T09", "乙", "T08")]),
        [("单位", 2, c.U_PARENT, "T09"), ("单位", 3, c.U_PARENT, "T08")],
    ),
    "unknown category": (
        project_file(units=[xlsx.unit("T09", "甲", "C00", "街道办")]),
        [("单位", 2, c.U_CATEGORY, "街道办")],
    ),
    "receipt for an unknown project": (
        project_file(receipts=[xlsx.receipt("OK1", D(2024, 1, 1), 10), xlsx.receipt("NOPE", D(2024, 1, 1), 10)]),
        [("到位资金", 3, c.R_PROJECT, "NOPE")],
    ),
    "negative receipt": (
        project_file(receipts=[xlsx.receipt("OK1", D(2024, 1, 1), -10)]),
        [("到位资金", 2, c.R_AMOUNT, "-10")],
    ),
    "receipt without a date": (
        project_file(receipts=[xlsx.receipt("OK1", None, 10)]),
        [("到位资金", 2, c.R_DATE, "")],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_malformed_file_reports_where_and_writes_nothing(case, tmp_path, users, units):
    sheets, expected = CASES[case]
    path = xlsx.write(tmp_path / "bad.xlsx", sheets)
    before = snapshot()

    result = import_workbook(path, user=users["bureau"])

    assert not result.ok
    found = [(e.sheet, e.row, e.column, e.value) for e in result.errors]
    assert found == expected, [str(e) for e in result.errors]
    assert all(error.reason for error in result.errors)
    assert snapshot() == before


def test_every_error_of_the_file_is_reported(tmp_path, users, units):
    sheets = project_file(
        xlsx.project("B1", **{c.P_PLANNED: -1, c.P_CREDITS: "Z1"}),
        xlsx.project("B2", **{"意向日期": "2024-02-30"}),
        units=[xlsx.unit("", "无编码单位")],
        receipts=[xlsx.receipt("B9", "2024-1-1", "abc")],
    )
    result = import_workbook(xlsx.write(tmp_path / "bad.xlsx", sheets), user=users["bureau"])
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert found == {
        ("单位", 2, c.U_CODE),
        ("项目", 3, c.P_PLANNED),
        ("项目", 3, c.P_CREDITS),
        ("项目", 4, "意向日期"),
        ("到位资金", 2, c.R_AMOUNT),
        ("到位资金", 2, c.R_PROJECT),
    }


def test_error_line_and_error_workbook(tmp_path, users, units):
    rows = [GOOD_PROJECT, xlsx.project("OK2"), xlsx.project("OK3"), xlsx.project("B1", **{c.P_PLANNED: -3})]
    result = import_workbook(xlsx.write(tmp_path / "bad.xlsx", {c.PROJECT_SHEET: rows}), user=users["bureau"])
    [negative] = result.errors
    assert (negative.sheet, negative.row, negative.column, negative.value) == ("项目", 5, c.P_PLANNED, "-3")
    line = str(negative)  # e.g. 工作表“项目”第5行“计划总投资(万元)”列，内容“-3”：金额不能为负数。
    assert all(part in line for part in ("项目", "5", c.P_PLANNED, "-3", negative.reason))

    rows = xlsx.read(result.error_workbook_bytes())["错误"]
    assert rows == [("工作表", "行号", "列", "值", "原因"), ("项目", 5, c.P_PLANNED, "-3", negative.reason)]


def test_no_known_sheet(tmp_path, users):
    path = xlsx.write(tmp_path / "x.xlsx", {"Sheet1": [["a", "b"]]}, headers={"Sheet1": ["x", "y"]})
    before = snapshot()
    result = import_workbook(path, user=users["bureau"])
    assert [(e.sheet, e.row) for e in result.errors] == [("Sheet1", None), ("", None)]
    assert snapshot() == before


def test_unknown_sheet_next_to_known_ones(tmp_path, users, units):
    path = xlsx.write(tmp_path / "x.xlsx", {c.PROJECT_SHEET: [GOOD_PROJECT], "项目2": []}, headers={"项目2": ["x"]})
    result = import_workbook(path, user=users["bureau"])
    assert [(e.sheet, e.value) for e in result.errors] == [("项目2", "项目2")]


def test_a_file_with_some_of_the_sheets_is_fine(tmp_path, users, units, make_project):
    make_project(code="R1")
    path = xlsx.write(tmp_path / "x.xlsx", {c.RECEIPT_SHEET: [xlsx.receipt("R1", D(2024, 1, 1), 10)], "说明": []})
    assert import_workbook(path, user=users["bureau"]).ok


@pytest.mark.parametrize(
    "header, expected",
    [
        (xlsx.BASE_PROJECT_HEADERS[:-1], [(1, c.P_REMARKS, "")]),  # a column missing
        ([*xlsx.BASE_PROJECT_HEADERS[:-1], "备注说明"], [(1, c.P_REMARKS, ""), (1, "U", "备注说明")]),  # renamed
        ([*xlsx.BASE_PROJECT_HEADERS, "项目名称"], [(1, "V", "项目名称")]),  # twice
    ],
)
def test_wrong_header(header, expected, tmp_path, users, units):
    path = xlsx.write(tmp_path / "h.xlsx", {c.PROJECT_SHEET: [GOOD_PROJECT]}, headers={c.PROJECT_SHEET: header})
    before = snapshot()
    result = import_workbook(path, user=users["bureau"])
    assert [(e.row, e.column, e.value) for e in result.errors] == expected
    assert {e.sheet for e in result.errors} == {c.PROJECT_SHEET}
    assert snapshot() == before


def test_headers_in_another_order_with_full_width_brackets(tmp_path, users, units):
    header = [h.replace("(", "（").replace(")", "）") for h in reversed(xlsx.PROJECT_HEADERS)]
    path = xlsx.write(
        tmp_path / "h.xlsx", {c.PROJECT_SHEET: [list(reversed(GOOD_PROJECT))]}, headers={c.PROJECT_SHEET: header}
    )
    assert import_workbook(path, user=users["bureau"]).ok


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_unreadable_file(content, users):
    result = import_workbook(io.BytesIO(content), user=users["bureau"])
    assert [(e.sheet, e.row) for e in result.errors] == [("", None)]
    assert result.errors[0].reason


def test_error_workbook_opens(tmp_path, users):
    result = import_workbook(io.BytesIO(b"nope"), user=users["bureau"])
    workbook = load_workbook(io.BytesIO(result.error_workbook_bytes()))
    assert workbook.sheetnames == ["错误"]
