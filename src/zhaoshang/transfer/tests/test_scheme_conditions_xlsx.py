"""The 评分细则 sheet's 认定条件 columns: exported and imported back unchanged; a file without them still imports;
bad values refused naming the row and the column, nothing written (issue 13)."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.utils import translation
from openpyxl import load_workbook

from zhaoshang.targets import services
from zhaoshang.targets.models import Scheme, SchemeItem
from zhaoshang.targets.services import SchemeItemData
from zhaoshang.transfer.scheme_xlsx import CONDITION_HEADERS, SHEET_HEADERS, export_scheme, import_scheme
from zhaoshang.transfer.templates_xlsx import build_template

from .test_scheme_xlsx import period as period  # the fixture

pytestmark = pytest.mark.django_db

CONDITIONS = {
    "event_level": "province",
    "private": True,
    "registered_land_paid": True,
    "within_years": 3,
    "exclude_divisions": ["70", "01", "62"],
    "low_by_category": {"department": "5000", "township": "10000"},
}


def items() -> list[SchemeItemData]:
    started = {"what": "count", "stage": "started", "low": "10000", **CONDITIONS}
    return [
        SchemeItemData(
            "C1", "民营工业亿元项目", "ratio", {"what": "count", "stage": "signed", "low": "10000", **CONDITIONS},
            points=D("30"), task_group="签约",
        ),
        SchemeItemData(
            "C2", "开工率", "efficacy",
            {"what": "ratio", "numerator": started, "denominator": {**started, "stage": "signed"}}, points=D("10"),
        ),
        SchemeItemData("C3", "到位资金", "ratio", {"what": "funds", "private": True}, points=D("20"),
                       task_group="到位资金"),
    ]  # fmt: skip


def _sheet_rows(data: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data))["评分细则"].iter_rows(values_only=True)]


def test_conditions_go_out_and_come_back(users, period):
    services.save_scheme(user=users["bureau"], period=period, data={}, items=items())
    stored = {item.code: item.measure for item in Scheme.objects.get(period=period).items.all()}
    data = export_scheme(period)
    rows = _sheet_rows(data)
    at = SHEET_HEADERS.index(CONDITION_HEADERS[0])  # the last columns
    assert rows[0][at:] == list(CONDITION_HEADERS)
    assert rows[1][at:] == ["省级", "是", "是", 3, "70、01、62", "乡镇: 10000；县直部门: 5000"]
    assert rows[2][at:] == rows[1][at:]  # a ratio: its parts' conditions
    assert rows[3][at:] == [None, "是", None, None, None, None]
    history = SchemeItem.history.count()
    assert import_scheme(io.BytesIO(data), user=users["bureau"], period=period) == []
    assert SchemeItem.history.count() == history  # nothing changed
    assert {item.code: item.measure for item in Scheme.objects.get(period=period).items.all()} == stored
    assert stored["C1"]["low_by_category"] == {"department": "5000", "township": "10000"}


def test_a_file_without_the_condition_columns_imports(users, period):
    workbook = load_workbook(io.BytesIO(build_template()))
    sheet = workbook["评分细则"]
    sheet.delete_cols(SHEET_HEADERS.index(CONDITION_HEADERS[0]) + 1, len(CONDITION_HEADERS))
    out = io.BytesIO()
    workbook.save(out)
    assert import_scheme(io.BytesIO(out.getvalue()), user=users["bureau"], period=period) == []
    assert Scheme.objects.get(period=period).items.count() == 5


def _edited(column: str, value) -> io.BytesIO:
    workbook = load_workbook(io.BytesIO(build_template()))
    sheet = workbook["评分细则"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index(column) + 1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("签约活动级别", "乡级", "请填写以下之一：县级、市级、省级、国家级。"),
        ("仅民营", "对", None),
        ("签约年限", 1.5, "年数须为 1 至 50 的整数。"),
        ("签约年限", 0, "年数须为 1 至 50 的整数。"),
        ("排除行业大类", "70、99", "99 不是国民经济行业分类（GB/T 4754）的大类代码（两位数字）。"),
        ("按单位类别金额下限", "县直部门 5000", "县直部门 5000：请写成单位类别、冒号和金额，如 县直部门: 5000。"),
        ("按单位类别金额下限", "园区: -1", "园区: -1：金额不是数字。"),
    ],
)
def test_bad_conditions_are_refused_naming_row_and_column(users, period, column, value, reason):
    with translation.override("zh-hans"):
        errors = import_scheme(_edited(column, value), user=users["bureau"], period=period)
    assert len(errors) == 1
    error = errors[0]
    assert (error.sheet, error.row, error.column) == ("评分细则", 2, column)
    if reason:
        assert error.reason == reason
    assert not Scheme.objects.exists() and not SchemeItem.objects.exists()
