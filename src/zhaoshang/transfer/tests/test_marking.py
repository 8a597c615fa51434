"""The user's own file back with each bad cell marked (issue 15, point 6)."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from zhaoshang.transfer.errors import ERROR_HEADERS, RowError
from zhaoshang.transfer.marking import ERROR_LIST_SHEET, MARK_FILL, marked_workbook
from zhaoshang.transfer.tests import county_sheets as cs


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def _list(workbook) -> list[list]:
    return [[cell.value for cell in row] for row in workbook[ERROR_LIST_SHEET].iter_rows()]


def _marked(cell) -> bool:
    return cell.fill.fgColor.rgb == MARK_FILL.fgColor.rgb and cell.fill.fill_type == "solid"


def test_own_xlsx_keeps_its_layout_and_gets_marks_and_a_list():
    errors = [
        RowError("调度表", 6, "D", "3.2亿x", "金额无法识别"),
        RowError("调度表", 6, "d", "3.2亿x", "计划总投资不能为空"),
        RowError("调度表", 7, "", "", "项目名称重复"),
        RowError("调度表", None, "", "", "缺少项目名称列"),
        RowError("调度表", 1, "C", "", "标题行"),  # inside the merged title: marked on its first cell
    ]
    workbook = _open(marked_workbook(cs.city_key_projects_xlsx(), "调度表.xlsx", errors))
    assert workbook.sheetnames == ["调度表", ERROR_LIST_SHEET]
    sheet = workbook["调度表"]
    assert {str(area) for area in sheet.merged_cells.ranges} == {"A1:M1", "A2:E2", "A10:M10"}
    assert sheet["A1"].value == cs.CITY_TITLE and sheet["A1"].font.bold
    assert sheet["D6"].value == "3.2亿"  # the user's value is untouched
    assert _marked(sheet["D6"]) and sheet["D6"].comment.text == "金额无法识别\n计划总投资不能为空"
    assert _marked(sheet["A7"]) and sheet["A7"].comment.text == "项目名称重复"
    assert _marked(sheet["A1"]) and sheet["A1"].comment.text == "标题行"
    assert not _marked(sheet["D5"]) and sheet["D5"].comment is None
    listed = _list(workbook)
    assert listed[0] == list(ERROR_HEADERS)
    assert len(listed) == 6 and listed[4] == ["调度表", None, None, None, "缺少项目名称列"]


def test_csv_comes_back_as_xlsx_with_text_kept_as_text():
    data = "项目名称,投资方,总投资(万元)\n=1+1,@SUM(A1),5000\n合法项目,甲公司,abc\n".encode("gbk")
    errors = [RowError("台账", 2, "A", "=1+1", "项目名称不能以=开头"), RowError("台账", 3, "C", "abc", "不是金额")]
    workbook = _open(marked_workbook(data, "台账.csv", errors))
    assert workbook.sheetnames == ["台账", ERROR_LIST_SHEET]
    sheet = workbook["台账"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["项目名称", "投资方", "总投资(万元)"],
        ["=1+1", "@SUM(A1)", "5000"],
        ["合法项目", "甲公司", "abc"],
    ]
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix  # never a formula
    assert _marked(sheet["A2"]) and _marked(sheet["C3"]) and sheet["C3"].comment.text == "不是金额"
    assert not _marked(sheet["B2"])


def test_xls_comes_back_as_xlsx_with_its_values():
    errors = [RowError("项目台账", 5, "E", "2025年4月", "日期无法识别"), RowError("项目台账", 9, "H", "", "行外")]
    workbook = _open(marked_workbook(cs.ledger_xls(), "台账.xls", errors))
    sheet = workbook["项目台账"]
    assert sheet["B4"].value == "智能装备制造基地" and sheet["D4"].value == 6.5
    assert _marked(sheet["E5"]) and sheet["E5"].comment.text == "日期无法识别"
    assert _marked(sheet["H9"])  # a cell past the data is still shown
    assert len(_list(workbook)) == 3


def test_error_list_sheet_name_does_not_clash():
    workbook = Workbook()
    workbook.active.title = ERROR_LIST_SHEET
    workbook.active.append(["项目名称"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    marked = _open(marked_workbook(buffer.getvalue(), "a.xlsx", [RowError(ERROR_LIST_SHEET, 1, "A", "", "x")]))
    assert marked.sheetnames == [ERROR_LIST_SHEET, ERROR_LIST_SHEET + "_"]
